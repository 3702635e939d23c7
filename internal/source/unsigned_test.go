package source

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestStripSignature: a commit read without its signature headers decodes
// to the same commit in every other field.
func TestStripSignature(t *testing.T) {
	sig := "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQIzBAABCAAdFiEE\n =abcd\n -----END PGP SIGNATURE-----\n"
	ssh := "gpgsig-sha256 -----BEGIN SSH SIGNATURE-----\n U1NIU0lH\n -----END SSH SIGNATURE-----\n"
	tag := "mergetag object 1111111111111111111111111111111111111111\n type commit\n tag v1\n \n a tag\n"
	head := "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent 1111111111111111111111111111111111111111\nparent 2222222222222222222222222222222222222222\n" +
		"author A U Thor <a@example.test> 1700000000 +0100\ncommitter C O Mitter <c@example.test> 1700000100 -0200\n"
	cases := map[string]string{
		"unsigned":      head + "\nsubject\n\nbody\n",
		"signed":        head + sig + "\nsubject\n\ngpgsig in the body stays\n",
		"ssh":           head + ssh + "\nsubject\n",
		"mergetag":      head + tag + sig + "encoding ISO-8859-1\n\nsubject\n",
		"sigthenheader": head + sig + "encoding UTF-8\n\nmsg",
		"nomessage":     head + sig,
		"empty message": head + sig + "\n",
	}
	decode := func(data []byte) *object.Commit {
		o := &plumbing.MemoryObject{}
		o.SetType(plumbing.CommitObject)
		_, _ = o.Write(data)
		var c object.Commit
		if err := c.Decode(o); err != nil {
			t.Fatal(err)
		}
		return &c
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			want := decode([]byte(raw))
			got := decode(stripSignature([]byte(raw)))
			if got.PGPSignature != "" {
				t.Errorf("signature kept: %q", got.PGPSignature)
			}
			opts := cmp.Options{cmpopts.IgnoreUnexported(object.Commit{}), cmpopts.IgnoreFields(object.Commit{}, "PGPSignature", "Hash")}
			if diff := cmp.Diff(want, got, opts); diff != "" {
				t.Errorf("decoded commit differs (-signed +stripped):\n%s", diff)
			}
		})
	}
}
