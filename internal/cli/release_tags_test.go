package cli_test

import (
	"os"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/assaysec/assay/internal/release/tagtest"
	"github.com/assaysec/assay/internal/sign"
)

// cmdSignTag makes an annotated tag on HEAD of the repository DIR (made by
// gitinit): `signtag DIR TAG [KEYFILE]` signs it with the unencrypted SSH
// private key KEYFILE, as `git tag -s` does with gpg.format=ssh; without a
// key the tag is annotated but unsigned.
func cmdSignTag(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: signtag DIR TAG [KEYFILE]")
	}
	repo, err := git.PlainOpen(ts.MkAbs(args[0]))
	if err != nil {
		ts.Fatalf("signtag: %v", err)
	}
	head, err := repo.Head()
	if err != nil {
		ts.Fatalf("signtag: %v", err)
	}
	var fn tagtest.SignFunc
	if len(args) == 3 {
		data, err := os.ReadFile(ts.MkAbs(args[2]))
		if err != nil {
			ts.Fatalf("signtag: %v", err)
		}
		s, err := sign.ParseSigner(data)
		if err != nil {
			ts.Fatalf("signtag: %v", err)
		}
		fn = tagtest.SSH(s)
	}
	when := time.Date(2026, 8, 1, 12, 30, 0, 0, time.UTC)
	if _, err := tagtest.Create(repo, args[1], head.Hash(), when, fn); err != nil {
		ts.Fatalf("signtag: %v", err)
	}
}
