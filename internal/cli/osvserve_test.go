package cli_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdOSVServe serves DIR over HTTP on a local port, the way osv.dev's
// bucket and the KEV and EPSS sites do, for `assay db update`: each
// subdirectory <Ecosystem>/ of DIR is offered as <Ecosystem>/all.zip (its
// records zipped when the command runs), every other file as it is. Every
// answer carries an ETag and a Last-Modified and honours If-None-Match and
// If-Modified-Since. The server's URL is put in $OSVSERVER.
func cmdOSVServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: osvserve DIR")
	}
	root := ts.MkAbs(args[0])
	files := map[string][]byte{}
	ents, err := os.ReadDir(root)
	ts.Check(err)
	for _, e := range ents {
		p := filepath.Join(root, e.Name())
		if !e.IsDir() {
			data, err := os.ReadFile(p)
			ts.Check(err)
			files["/"+e.Name()] = data
			continue
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		recs, err := os.ReadDir(p)
		ts.Check(err)
		for _, r := range recs {
			data, err := os.ReadFile(filepath.Join(p, r.Name()))
			ts.Check(err)
			w, err := zw.Create(r.Name())
			ts.Check(err)
			_, err = w.Write(data)
			ts.Check(err)
		}
		ts.Check(zw.Close())
		files["/"+e.Name()+"/all.zip"] = buf.Bytes()
	}
	modified := time.Date(2026, 8, 21, 6, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		sum := sha256.Sum256(data)
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
		http.ServeContent(w, r, path.Base(r.URL.Path), modified, bytes.NewReader(data))
	}))
	ts.Defer(srv.Close)
	ts.Setenv("OSVSERVER", strings.TrimRight(srv.URL, "/"))
}
