package history

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/assaysec/assay/internal/parse/tagname"
	"github.com/assaysec/assay/internal/parse/updatebot"
	"github.com/assaysec/assay/internal/source"
)

// FuzzCommitDecoding decodes arbitrary bytes as a git commit object, as
// history reads them, and runs every classification the collectors apply
// to a commit: security-fix and update wording, backport and pull-request
// references, the backport group key and aliases, bot accounts, and the
// unsigned form signatures are checked against (issue 15).
func FuzzCommitDecoding(f *testing.F) {
	f.Add([]byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent 0000000000000000000000000000000000000001\nparent 0000000000000000000000000000000000000002\n" +
		"author dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com> 1700000000 +0000\n" +
		"committer A <a@example.test> 1700000000 +0100\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n x\n -----END PGP SIGNATURE-----\n\n" +
		"Merge pull request #12 from GHSA-xxxx-xxxx-xxxx\n\nfix(security): escape names (CVE-2024-1234)\n\n(cherry picked from commit abcdef1)\n"))
	f.Add([]byte("tree x\nauthor <> 0 +0000\n\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o := &plumbing.MemoryObject{}
		o.SetType(plumbing.CommitObject)
		if _, err := o.Write(data); err != nil {
			return
		}
		var c object.Commit
		if err := c.Decode(o); err != nil {
			return
		}
		_, ids := SecurityFixWording(c.Message)
		nameFix(0, &c)
		SecurityUpdateWording(c.Message)
		backportRefs(c.Message)
		prNumbers(c.Message)
		groupKey(&c, ids)
		aliases(&c)
		updatebot.Account(c.Author.Name, c.Author.Email)
		updatebot.Account(c.Committer.Name, c.Committer.Email)
		if _, err := unsigned(&c); err != nil {
			t.Fatalf("a decoded commit does not encode again: %v", err)
		}
	})
}

// FuzzTagDecoding decodes arbitrary bytes as an annotated tag object and
// classifies its name as the release-tag scan does.
func FuzzTagDecoding(f *testing.F) {
	f.Add([]byte("object 0000000000000000000000000000000000000001\ntype commit\ntag v1.2.3\ntagger A <a@example.test> 1700000000 +0000\n\nRelease 1.2.3\n-----BEGIN PGP SIGNATURE-----\nx\n-----END PGP SIGNATURE-----\n"))
	f.Add([]byte("object 0000000000000000000000000000000000000001\ntype commit\ntag release/2.0.0-nightly\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o := &plumbing.MemoryObject{}
		o.SetType(plumbing.TagObject)
		if _, err := o.Write(data); err != nil {
			return
		}
		var tag object.Tag
		if err := tag.Decode(o); err != nil {
			return
		}
		tagname.IsVersion(tag.Name)
		tagVersion(tag.Name)
		preRelease.MatchString(tag.Name)
		SecurityFixWording(tag.Message)
		s := &scanner{g: &graph{index: map[plumbing.Hash]int32{}}}
		s.releaseTags([]source.Tag{{Name: tag.Name, Commit: tag.Target.String(), Date: tag.Tagger.When, Message: tag.Message}})
	})
}
