package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/assaysec/assay/internal/bundle"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/sign"
)

const vendorIdentity = "release@vendor.example"

// vendorKey is a fixed ed25519 key: seed picks which.
func vendorKey(t *testing.T, seed byte) (ed25519.PrivateKey, string) {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	pub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return priv, sign.FormatEntry(vendorIdentity, pub) + "\n"
}

// makeBundle signs, with the bundle package exactly as `assay bundle
// create` does, a report from the fake assessor for dir.
func makeBundle(t *testing.T, priv ed25519.PrivateKey, dir string, mutate func(*report.Report)) []byte {
	t.Helper()
	rep, err := fakeAssess(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	rep.Subject.Commit = strings.Repeat("ab", 20)
	rep.Subject.Product = "Vendor app"
	if mutate != nil {
		mutate(rep)
	}
	s, err := sign.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	res, err := bundle.Create(bundle.CreateOptions{Report: rep, RepoDir: dir, Signer: bundle.SSHSigner{S: s}, Now: t0,
		Tool: bundle.Creator{Name: "assay", Version: "v0.0.0-test"}})
	if err != nil {
		t.Fatalf("bundle.Create: %v", err)
	}
	return res.Bundle
}

// tamper changes one claim's status in the signed statement and keeps the
// old signature, as someone improving their result by hand would.
func tamper(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bundle.Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	payload, err := base64.StdEncoding.DecodeString(b.Envelope.Payload)
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Replace(payload, []byte(`"status":"not_met"`), []byte(`"status":"met"`), 1)
	if bytes.Equal(changed, payload) {
		t.Fatal("tamper: nothing to change")
	}
	b.Envelope.Payload = base64.StdEncoding.EncodeToString(changed)
	out, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// upload posts a raw bundle to the API.
func (e *env) upload(token string, supplier int64, data []byte) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/bundles?supplier=%d", e.http.URL, supplier), bytes.NewReader(data))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// uploadForm posts a bundle through the web form with a session cookie.
func (e *env) uploadForm(c *http.Cookie, csrf string, supplier int64, data []byte) (int, string) {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", csrf)
	_ = mw.WriteField("supplier", fmt.Sprint(supplier))
	fw, _ := mw.CreateFormFile("bundle", "assurance.bundle.json")
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, err := http.NewRequest("POST", e.http.URL+"/bundles", &buf)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(c)
	resp, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// addSupplier registers the vendor with the allowed signers of seed's key.
func (e *env) addSupplier(name string, allowed string) int64 {
	e.t.Helper()
	var sp Supplier
	e.must("POST", "/api/v1/suppliers", e.admin, map[string]string{"name": name, "allowedSigners": allowed, "identity": vendorIdentity}, http.StatusCreated, &sp)
	return sp.ID
}

func TestBundles(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t, b)
			dir := t.TempDir()
			priv, allowed := vendorKey(t, 1)
			sup := e.addSupplier("Vendor <Ltd>", allowed)
			good := makeBundle(t, priv, dir, nil)

			// A bundle from the supplier's key verifies and shows its claims as signed.
			status, body := e.upload(e.admin, sup, good)
			if status != http.StatusCreated {
				t.Fatalf("upload good bundle = %d: %s", status, body)
			}
			var rec BundleRecord
			if err := json.Unmarshal(body, &rec); err != nil {
				t.Fatal(err)
			}
			if !rec.Verified || rec.Signer != vendorIdentity || rec.Assurance != report.AssuranceObserved || len(rec.Flags) != 0 {
				t.Errorf("good bundle record = %+v, want verified by %s at observed with no flags", rec, vendorIdentity)
			}
			var d BundleDetail
			e.must("GET", fmt.Sprintf("/api/v1/bundles/%d", rec.ID), e.admin, nil, http.StatusOK, &d)
			if len(d.Signed) != 2 || d.Signed[1].Claims[0].ID != "3.2.1" || d.Signed[1].Claims[0].Status != report.ClaimNotMet || d.Claims == nil || d.Claims.Claims.NotMet != 1 {
				t.Errorf("bundle detail claims = %+v / %+v, want the two signed principles with 3.2.1 not met (no SECURITY.md)", d.Signed, d.Claims)
			}

			// Requiring attested assurance flags it; so does a passed review date.
			e.must("PUT", "/api/v1/policy", e.admin, map[string]string{"requiredAssurance": "attested"}, http.StatusOK, nil)
			old := makeBundle(t, priv, dir, func(r *report.Report) { r.NextReview = "2026-01-31" })
			status, body = e.upload(e.admin, sup, old)
			if status != http.StatusCreated {
				t.Fatalf("upload old bundle = %d: %s", status, body)
			}
			var list struct {
				Bundles []BundleRecord
			}
			e.must("GET", "/api/v1/bundles", e.admin, nil, http.StatusOK, &list)
			if len(list.Bundles) != 2 {
				t.Fatalf("bundles = %d, want 2", len(list.Bundles))
			}
			newest, first := list.Bundles[0], list.Bundles[1]
			if !newest.ReviewDue || !newest.BelowPolicy || first.ReviewDue || !first.BelowPolicy {
				t.Errorf("flags: newest %+v, first %+v; want both below policy and only the newest overdue", newest.Flags, first.Flags)
			}

			// A tampered bundle is refused with the verifier's reason, in the API...
			bad := tamper(t, good)
			status, body = e.upload(e.admin, sup, bad)
			if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "payload: the signed statement was changed after signing") {
				t.Errorf("upload tampered bundle = %d: %s; want 422 naming the changed payload", status, body)
			}
			// ...and in the UI, where the reason is on the page.
			c, csrf := e.session()
			status, page := e.uploadForm(c, csrf, sup, bad)
			if status != http.StatusUnprocessableEntity || !strings.Contains(page, "Rejected: payload: the signed statement was changed after signing") {
				t.Errorf("UI upload tampered bundle = %d; want 422 with the reason:\n%.2000s", status, page)
			}
			status, page = e.uploadForm(c, csrf, sup, good)
			if status != http.StatusCreated || !strings.Contains(page, "Verified: signed by "+vendorIdentity) || !strings.Contains(page, "Claims as signed") {
				t.Errorf("UI upload good bundle = %d:\n%.2000s", status, page)
			}
			if strings.Contains(page, "<script>") {
				t.Error("bundle page carries unescaped script from the signed report")
			}

			// Signed by a key the supplier did not register: refused, naming the signer.
			other, _ := vendorKey(t, 2)
			status, body = e.upload(e.admin, sup, makeBundle(t, other, dir, nil))
			if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "signer") {
				t.Errorf("upload foreign-key bundle = %d: %s; want 422 naming the signer", status, body)
			}

			// Rejections are kept in the record; a viewer reads but cannot upload.
			// (good, old, tampered twice, good again, foreign key)
			var all struct{ Bundles []BundleRecord }
			e.must("GET", "/api/v1/bundles", e.admin, nil, http.StatusOK, &all)
			if n := len(all.Bundles); n != 6 || all.Bundles[0].Verified || all.Bundles[0].Reason == "" || all.Bundles[0].Signer != "" {
				t.Errorf("bundles after rejections = %d (newest %+v), want 6 with the newest rejected and no signer", n, all.Bundles[0])
			}
			viewerTok := e.userToken("v", RoleViewer)
			if status, _ := e.upload(viewerTok, sup, good); status != http.StatusForbidden {
				t.Errorf("viewer upload = %d, want 403", status)
			}

			// Bad registrations are refused with a reason.
			if status, body, _ := e.do("POST", "/api/v1/suppliers", e.admin, map[string]string{"name": "x", "allowedSigners": "not a key"}); status != http.StatusBadRequest {
				t.Errorf("bad allowed signers = %d: %s, want 400", status, body)
			}
			// Another organisation cannot upload against our supplier.
			if status, body := e.upload(e.otherOrgToken(), sup, good); status != http.StatusNotFound {
				t.Errorf("rival upload = %d: %s, want 404", status, body)
			}
		})
	}
}
