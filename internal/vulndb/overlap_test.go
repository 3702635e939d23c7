package vulndb

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"strings"
	"testing"
)

// overlappingZip builds a zip whose central directory lists n entries that
// all point at the one local file header and deflate stream of the first:
// the shape of an overlapping zip bomb.
func overlappingZip(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("a/GHSA-0000-0000-0000.json")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`{"id":"GHSA-0000-0000-0000","` + strings.Repeat("x", 1000) + `":1}`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	eocd := bytes.LastIndex(data, []byte("PK\x05\x06"))
	cdOff := int(binary.LittleEndian.Uint32(data[eocd+16:]))
	cd := data[cdOff:eocd]
	var out bytes.Buffer
	out.Write(data[:cdOff])
	for i := 0; i < n; i++ {
		out.Write(cd) // the same record again: same local header offset
	}
	end := append([]byte(nil), data[eocd:]...)
	binary.LittleEndian.PutUint16(end[8:], uint16(n))
	binary.LittleEndian.PutUint16(end[10:], uint16(n))
	binary.LittleEndian.PutUint32(end[12:], uint32(len(cd)*n))
	out.Write(end)
	return out.Bytes()
}

func TestImportRefusesOverlappingZip(t *testing.T) {
	data := overlappingZip(t, 50)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("crafted zip does not open: %v", err)
	}
	if len(zr.File) != 50 {
		t.Fatalf("crafted zip has %d entries, want 50", len(zr.File))
	}
	b := &osvBuilder{w: bufio.NewWriter(io.Discard), idx: map[string]map[string][]span{}, sm: &SourceMeta{Ecosystems: map[string]int{}}}
	err = b.walkZipReader(context.Background(), "bomb.zip", zr)
	if err == nil || !strings.Contains(err.Error(), "overlapping") {
		t.Fatalf("walkZipReader = %v, want an overlapping-zip error", err)
	}
	if b.read != 0 {
		t.Errorf("read %d bytes before refusing", b.read)
	}
	// A normal zip with one entry still imports.
	one := overlappingZip(t, 1)
	zr, _ = zip.NewReader(bytes.NewReader(one), int64(len(one)))
	b = &osvBuilder{w: bufio.NewWriter(io.Discard), idx: map[string]map[string][]span{}, sm: &SourceMeta{Ecosystems: map[string]int{}}}
	if err := b.walkZipReader(context.Background(), "one.zip", zr); err != nil {
		t.Errorf("one-entry zip: %v", err)
	}
}
