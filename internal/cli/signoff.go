package cli

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/assaysec/assay/internal/atomicfile"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/sign"
	"github.com/assaysec/assay/internal/signoff"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
)

func newSignoffCmd(streams *IO) *cobra.Command {
	var (
		f      assessFlags
		key    string
		scope  string
		outDir string
	)
	cmd := &cobra.Command{
		Use:   "signoff [PATH]",
		Short: "The Senior Responsible Owner signs the assessment",
		Long: `Signoff runs the assessment of PATH and writes assay-signoff.json (the claims
and their statuses, the digest of the attestation set, the commit, who signs,
their role, the date, the scope and the next review date) and
assay-signoff.json.sig, an SSH signature over exactly that file's bytes with
namespace "assay". Anyone can check it with:

  ssh-keygen -Y verify -f allowed_signers -I EMAIL -n assay -s assay-signoff.json.sig < assay-signoff.json

The signer is the sro in assay.yaml; the key must be an unencrypted OpenSSH key.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSignoff(cmd, streams, args, &f, key, scope, outDir)
		},
	}
	bindAssessFlagsExcept(cmd, &f, "key")
	hideFlags(cmd, "output", "format", "fail-on")
	fl := cmd.Flags()
	fl.StringVar(&key, "key", "", "the SRO's unencrypted OpenSSH private key `FILE`")
	fl.StringVar(&f.release.Key, "release-key", "", "PEM public key `FILE` for key-based release signatures (assess's --key)")
	fl.StringVar(&scope, "scope", "", "what the sign-off covers (default: every claim for the declared role and delivery)")
	fl.StringVar(&outDir, "out", "", "write the sign-off files to `DIR` (default PATH)")
	return cmd
}

func runSignoff(cmd *cobra.Command, streams *IO, args []string, f *assessFlags, key, scope, outDir string) error {
	path := pathArg(args)
	if err := refuseFlags(cmd, writesNoReport("signoff", "sign-off files")); err != nil {
		return err
	}
	if key == "" {
		return usagef("--key is required: the SRO's SSH private key")
	}
	signer, err := sign.LoadSigner(key)
	if err != nil {
		return usageError{err}
	}
	opts, err := f.options(cmd, path)
	if err != nil {
		return err
	}
	res, err := engine.Run(cmd.Context(), opts)
	if err != nil {
		return err
	}
	signed, err := signoff.Create(res.Report, res.Config, signer, scope, opts.Now)
	if err != nil {
		return usageError{err}
	}
	if outDir == "" {
		outDir = path
	}
	jsonPath, err := writeSignoff(outDir, signed.Data, signed.Signature)
	if err != nil {
		return err
	}
	printSignoff(streams, res.Report, signed, signer, opts.Now, jsonPath)
	return nil
}

// writeSignoff writes the sign-off and its signature into dir, atomically,
// and returns the sign-off's path.
func writeSignoff(dir string, data, sig []byte) (string, error) {
	jsonPath := filepath.Join(dir, signoff.FileName)
	if err := atomicfile.WriteFile(jsonPath, data, 0o644); err != nil {
		return "", err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, signoff.SigFileName), sig, 0o644); err != nil {
		return "", err
	}
	return jsonPath, nil
}

// printSignoff says what was signed and gives the allowed signers line a
// verifier needs.
func printSignoff(streams *IO, rep *report.Report, signed *signoff.Signed, signer *sign.Signer, now time.Time, jsonPath string) {
	c, doc, by := rep.Summary.Claims, signed.Document, signed.Document.SignedBy
	fmt.Fprintf(streams.Out, "signed off by %s (%s) on %s with %s\n", textsafe.Clean(by.Name), textsafe.Clean(by.Role), now.Format(time.DateOnly), signer.Fingerprint())
	fmt.Fprintf(streams.Out, "  %d met, %d not met, %d unknown, %d not applicable; commit %s; next review %s\n", c.Met, c.NotMet, c.Unknown, c.NotApplicable, short12(doc.Subject.Commit), doc.NextReview)
	fmt.Fprintf(streams.Out, "wrote %s and %s\n", jsonPath, jsonPath+".sig")
	fmt.Fprintf(streams.Out, "allowed signers line for verifiers:\n  %s\n", sign.FormatEntry(quotePrincipal(signed.Principal()), signer.PublicKey()))
}

// writesNoReport explains, for a command that runs an assessment but writes
// no report, why assess's report flags do not apply: -o/--output always
// names one report file, --out the directory of a command's own files.
func writesNoReport(command, files string) map[string]string {
	where := command + " writes no report"
	if files != "" {
		where += "; its " + files + " go to --out DIR"
	}
	return map[string]string{
		"output":  where + " (run `assay assess -o FILE` for a report)",
		"format":  where + " (run `assay assess --format` for a report)",
		"fail-on": where + "; --fail-on does not apply",
	}
}

// bindAssessFlagsExcept binds the assess flags to cmd except those named,
// for commands that run an assessment but give a flag name (such as --key,
// the signing key here) another meaning.
func bindAssessFlagsExcept(cmd *cobra.Command, f *assessFlags, except ...string) {
	tmp := &cobra.Command{}
	bindAssessFlags(tmp, f)
	tmp.Flags().VisitAll(func(fl *pflag.Flag) {
		if !slices.Contains(except, fl.Name) {
			cmd.Flags().AddFlag(fl)
		}
	})
}

func quotePrincipal(p string) string {
	if bytes.ContainsAny([]byte(p), " \t\"") {
		return fmt.Sprintf("%q", p)
	}
	return p
}

func short12(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	if s == "" {
		return "(none)"
	}
	return s
}

func newVerifySignoffCmd(streams *IO) *cobra.Command {
	var (
		f        assessFlags
		identity string
		dir      string
	)
	cmd := &cobra.Command{
		Use:   "verify-signoff [PATH]",
		Short: "Check the SRO's sign-off signature and that the repository still matches it",
		Long: `Verify-signoff checks assay-signoff.json.sig against --allowed-signers (the
signer must be allowed to sign as the sign-off's SRO, or as --identity), that
the next review date has not passed, and, by re-running the assessment, that
the commit, the declaration, the attestation set and every claim's status are
what was signed. Exit 0 when all hold, 1 when any does not.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := pathArg(args)
			return runVerifySignoff(cmd, streams, &f, identity, dir, path)
		},
	}
	bindAssessFlagsExcept(cmd, &f, "key")
	hideFlags(cmd, "output", "format", "fail-on")
	fl := cmd.Flags()
	fl.StringVar(&f.release.Key, "release-key", "", "PEM public key `FILE` for key-based release signatures (assess's --key)")
	fl.String("key", "", "not a flag of verify-signoff: use --allowed-signers, or --release-key for a release key")
	hideFlags(cmd, "key")
	fl.StringVar(&identity, "identity", "", "principal the signer must be allowed to sign as (default: the sign-off's SRO e-mail)")
	fl.StringVar(&dir, "signoff-dir", "", "`DIR` holding assay-signoff.json and its .sig (default PATH)")
	return cmd
}

func runVerifySignoff(cmd *cobra.Command, streams *IO, f *assessFlags, identity, dir, path string) error {
	if err := refuseFlags(cmd, writesNoReport("verify-signoff", "")); err != nil {
		return err
	}
	if cmd.Flags().Changed("key") {
		return usagef("--key: verify-signoff checks the SRO's signature against --allowed-signers, not a key; for a release signing key (assess's --key) use --release-key")
	}
	if f.allowedSigner == "" {
		return usagef("--allowed-signers is required: the file listing keys allowed to sign")
	}
	if dir == "" {
		dir = path
	}
	allowed, data, sig, err := readSignoffInputs(f.allowedSigner, dir)
	if err != nil {
		return err
	}
	opts, err := f.options(cmd, path)
	if err != nil {
		return err
	}
	problems, err := signoffProblems(cmd.Context(), streams, opts, allowed, data, sig, identity)
	if err != nil {
		return err
	}
	if len(problems) == 0 {
		fmt.Fprintln(streams.Out, "sign-off verified: the repository matches what was signed")
		return nil
	}
	for _, p := range problems {
		fmt.Fprintf(streams.Out, "FAIL %s\n", textsafe.Clean(p))
	}
	return errPolicy
}

// readSignoffInputs reads the allowed signers file, and the sign-off and
// its signature from dir.
func readSignoffInputs(allowedSigners, dir string) (allowed *sign.AllowedSigners, data, sig []byte, err error) {
	asData, err := source.ReadRegular(allowedSigners, sign.MaxAllowedSignersSize)
	if err != nil {
		return nil, nil, nil, usagef("--allowed-signers: %v", err)
	}
	allowed, err = sign.ParseAllowedSigners(asData)
	if err != nil {
		return nil, nil, nil, usagef("%s: %v", allowedSigners, err)
	}
	jsonPath := filepath.Join(dir, signoff.FileName)
	data, err = source.ReadRegular(jsonPath, signoff.MaxDocumentSize)
	if err != nil {
		return nil, nil, nil, usagef("read sign-off: %v (run `assay signoff` first)", err)
	}
	sig, err = source.ReadRegular(jsonPath+".sig", sign.MaxSignatureSize)
	if err != nil {
		return nil, nil, nil, usagef("read sign-off signature: %v", err)
	}
	return allowed, data, sig, nil
}

// signoffProblems checks the sign-off's signature, its review date and,
// by assessing again, that the repository still matches it; it prints
// what holds and returns what does not.
func signoffProblems(ctx context.Context, streams *IO, opts engine.Options, allowed *sign.AllowedSigners, data, sig []byte, identity string) ([]string, error) {
	var problems []string
	doc, perr := signoff.Parse(data)
	id := identity
	if id == "" && perr == nil {
		id = doc.SignedBy.Email
		if id == "" {
			id = doc.SignedBy.Name
		}
	}
	principal, verr := allowed.Verify(data, sig, sign.Namespace, id, opts.Now)
	if verr != nil {
		problems = append(problems, "signature: "+verr.Error())
	} else {
		fmt.Fprintf(streams.Out, "signature: good, signed by %s as %s\n", textsafe.Clean(principal), sign.Namespace)
	}
	if perr != nil {
		return append(problems, perr.Error()), nil
	}
	fmt.Fprintf(streams.Out, "signed off by %s (%s) at %s; scope: %s\n", textsafe.Clean(doc.SignedBy.Name), textsafe.Clean(doc.SignedBy.Role), textsafe.Clean(doc.SignedAt), textsafe.Clean(doc.Scope))
	if t, err := config.ParseDate(doc.NextReview); err != nil {
		problems = append(problems, fmt.Sprintf("nextReview %q is not a date", doc.NextReview))
	} else if !opts.Now.Before(t) {
		problems = append(problems, fmt.Sprintf("the next review was due on %s: sign off again", doc.NextReview))
	}
	res, err := engine.Run(ctx, opts)
	if err != nil {
		return nil, err
	}
	current := signoff.Build(res.Report, res.Config, doc.SignedBy, doc.Scope, opts.Now, opts.Now, "")
	return append(problems, signoff.Drift(doc, current)...), nil
}
