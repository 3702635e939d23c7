package cli

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh"

	"github.com/assaysec/assay/internal/atomicfile"
	"github.com/assaysec/assay/internal/bundle"
	"github.com/assaysec/assay/internal/engine"
	renderlist "github.com/assaysec/assay/internal/render/list"
	"github.com/assaysec/assay/internal/sign"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
	"github.com/assaysec/assay/internal/version"
)

// maxReleaseFiles caps the artefacts taken from one --release directory.
const maxReleaseFiles = 1000

func newBundleCmd(streams *IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bundle",
		Short: "Create or verify a signed assurance bundle a customer can check offline",
		Long: `An assurance bundle is an in-toto statement, signed in a DSSE envelope, whose
subject is the assessed commit (and release artefacts) and whose predicate is
the JSON report with the SHA-256 of every evidence file: the declaration, the
documents behind each attestation, SBOMs and VEX. See docs/bundle.md.`,
	}
	cmd.AddCommand(newBundleCreateCmd(streams), newBundleVerifyCmd(streams))
	return cmd
}

// hideAssessOutputFlags hides the assess flags that make no sense for a
// command that writes something other than a report.
func hideAssessOutputFlags(cmd *cobra.Command) {
	for _, name := range []string{"format", "fail-on", "verbose", "output"} {
		_ = cmd.Flags().MarkHidden(name)
	}
}

func newBundleCreateCmd(streams *IO) *cobra.Command {
	var f bundleCreateFlags
	cmd := &cobra.Command{
		Use:   "create [PATH] -o FILE --signing-key KEY",
		Short: "Assess PATH and write a signed bundle of the result",
		Long: `Create assesses PATH exactly as assess does (same flags), then writes to -o FILE an
assurance bundle signed with --signing-key. (--key is the assess flag for a
release signature public key.)

The key is an unencrypted private key file. With --signature-format ssh (the
default) any key ssh-keygen can sign with works, and the signature is the one
'ssh-keygen -Y sign -n assay' makes over the DSSE PAE; customers verify it with
an allowed signers file. With --signature-format ed25519 the key must be
ed25519 (OpenSSH or PKCS#8 PEM) and the signature is a raw ed25519 DSSE
signature that generic DSSE and in-toto tools verify.

Release artefacts (--artifact, and the files directly in each --release
directory) become subjects next to the commit; --sbom, --vex and --evidence
files are digested as evidence.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := pathArg(args)
			return runBundleCreate(cmd, streams, &f, path)
		},
	}
	bindAssessFlags(cmd, &f.assess)
	hideAssessOutputFlags(cmd)
	// The bundle is one file, so -o/--output names it as everywhere else;
	// --out, its first name, still works.
	if o := cmd.Flags().Lookup("output"); o != nil {
		o.Hidden = false
		o.Usage = "write the bundle to `FILE` (atomically)"
	}
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "", "the same as -o/--output")
	fl.StringVar(&f.key, "signing-key", "", "sign with this unencrypted private key `FILE` (SSH or ed25519)")
	fl.StringVar(&f.sigFormat, "signature-format", bundle.FormatSSH, "ssh (SSHSIG, checked with allowed signers) or ed25519 (raw DSSE signature)")
	fl.StringArrayVar(&f.artifacts, "artifact", nil, "a release artefact `FILE` to name as a subject (repeatable)")
	fl.StringArrayVar(&f.vexFiles, "vex", nil, "a VEX `FILE` to digest as evidence (repeatable)")
	fl.StringArrayVar(&f.extra, "evidence", nil, "any other evidence `FILE` to digest (repeatable)")
	return cmd
}

// bundleCreateFlags are bundle create's flags: assess's and the bundle's.
type bundleCreateFlags struct {
	assess    assessFlags
	out       string
	key       string
	sigFormat string
	artifacts []string
	vexFiles  []string
	extra     []string
}

func runBundleCreate(cmd *cobra.Command, streams *IO, f *bundleCreateFlags, path string) error {
	out := f.out
	if out == "" {
		out = f.assess.output
	}
	if out == "" {
		return usagef("-o/--output is required: the bundle file to write")
	}
	if f.key == "" {
		return usagef("--signing-key is required: the private key to sign with")
	}
	signer, err := bundle.LoadSigner(f.key, f.sigFormat)
	if err != nil {
		return usageError{err}
	}
	opts, err := f.assess.options(cmd, path)
	if err != nil {
		return err
	}
	arts := append([]string(nil), f.artifacts...)
	for _, dir := range f.assess.releases {
		files, err := releaseFiles(dir)
		if err != nil {
			return usagef("--release %s: %v", dir, err)
		}
		arts = append(arts, files...)
	}
	res, err := engine.Run(cmd.Context(), opts)
	if err != nil {
		return err
	}
	created, err := bundle.Create(bundle.CreateOptions{
		Report: res.Report, RepoDir: opts.Path, SBOMs: f.assess.sboms, VEX: f.vexFiles, Extra: f.extra,
		Artifacts: arts, Signer: signer, Now: res.Report.AssessedAt,
		Tool: bundle.Creator{Name: "assay", Version: version.Version()},
	})
	if err != nil {
		return err
	}
	for _, w := range created.Warnings {
		fmt.Fprintf(streams.Err, "assay: warning: %s\n", textsafe.Clean(w))
	}
	if err := atomicfile.WriteFile(out, created.Bundle, 0o644); err != nil {
		return err
	}
	c := res.Report.Summary.Claims
	// What was done is the command's output, on stdout; stderr is
	// for warnings and errors.
	fmt.Fprintf(streams.Out, "wrote %s: %s, %s, signed with %s; claims %d met, %d not met, %d unknown, %d not applicable\n",
		out, textsafe.Count(len(created.Statement.Subject), "subject"), textsafe.Count(len(created.Statement.Predicate.Evidence), "evidence file"), signer.Describe(), c.Met, c.NotMet, c.Unknown, c.NotApplicable)
	return nil
}

// releaseFiles lists the regular files directly in dir, sorted.
func releaseFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	if len(out) > maxReleaseFiles {
		return nil, fmt.Errorf("%s; the limit is %d", textsafe.Count(len(out), "file"), maxReleaseFiles)
	}
	sort.Strings(out)
	return out, nil
}

func newBundleVerifyCmd(streams *IO) *cobra.Command {
	var f bundleVerifyFlags
	cmd := &cobra.Command{
		Use:   "verify FILE (--allowed-signers FILE | --key PUBKEY)",
		Short: "Check a bundle offline and print the claims as signed",
		Long: `Verify checks, offline, that FILE was signed by a trusted key (an entry of an
ssh-keygen allowed signers file, or a public key given with --key), that it is
an Assay assessment statement, and, with --repo, that the repository holds the
signed commit and that every evidence file still has the digest signed. It
prints who signed what and the claims as signed; with --format it renders the
signed report instead (any assess format).

Exit codes: 0 the bundle verifies; 1 it does not (the message names what
changed); 2 usage error.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBundleVerify(cmd, streams, &f, args[0])
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.allowedPath, "allowed-signers", "", "trust the keys of this ssh-keygen allowed signers `FILE`")
	fl.StringVar(&f.identity, "identity", "", "require the signer to be listed as this `PRINCIPAL` (for example release@example.com)")
	fl.StringArrayVar(&f.keyPaths, "key", nil, "trust this public key `FILE` (OpenSSH .pub line or PEM; repeatable)")
	fl.StringVar(&f.repo, "repo", "", "check the signed commit and evidence files against the repository at `PATH`")
	fl.StringArrayVar(&f.artifacts, "artifact", nil, "check this release artefact `FILE` against the subjects (repeatable)")
	fl.StringArrayVar(&f.files, "file", nil, "check this SBOM, VEX or other external evidence `FILE` by name (repeatable)")
	fl.StringVar(&f.at, "at", "", "check allowed signers' validity at this `RFC3339` time (default now)")
	fl.StringVarP(&f.format, "format", "f", "", "render the signed report in this format instead of the summary: "+strings.Join(renderlist.Formats.Names(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the signed report to `FILE` (its format from --format or the extension)")
	return cmd
}

// bundleVerifyFlags are bundle verify's flags.
type bundleVerifyFlags struct {
	allowedPath string
	identity    string
	keyPaths    []string
	repo        string
	artifacts   []string
	files       []string
	at          string
	format      string
	output      string
}

func runBundleVerify(cmd *cobra.Command, streams *IO, f *bundleVerifyFlags, file string) error {
	if f.allowedPath == "" && len(f.keyPaths) == 0 {
		return usagef("give --allowed-signers FILE or --key PUBKEY: the keys you trust")
	}
	if f.format != "" && !renderlist.Formats.Has(f.format) {
		return usagef("--format: unknown format %q; want one of %s", f.format, strings.Join(renderlist.Formats.Names(), ", "))
	}
	opts, err := f.verifyOptions()
	if err != nil {
		return err
	}
	data, err := source.ReadRegular(file, bundle.MaxBundleSize)
	if err != nil {
		return usagef("read bundle: %v", err)
	}
	res, verr := bundle.Verify(data, opts)
	var be *bundle.Error
	if verr != nil && !errors.As(verr, &be) {
		return verr
	}
	format := reportFormat(cmd, f.format, f.output, "")
	if f.output != "" && format == "" {
		return usagef("--output %s: give --format too (the file's extension names no report format)", f.output)
	}
	if res != nil {
		if format != "" && verr == nil {
			if err := writeReport(streams, res.Report, format, f.output, false); err != nil {
				return err
			}
		} else if err := bundle.WriteSummary(streams.Out, res); err != nil {
			return err
		}
	}
	// The verdict is the command's output, on stdout, unless the
	// signed report is being written there.
	verdict := streams.Out
	if format != "" && f.output == "" {
		verdict = streams.Err
	}
	if verr != nil {
		fmt.Fprintf(verdict, "bundle %s does not verify: %s\n", textsafe.Clean(file), textsafe.Clean(verr.Error()))
		return errPolicy
	}
	fmt.Fprintf(verdict, "bundle %s verifies: signed by %s\n", textsafe.Clean(file), textsafe.Clean(res.Signer))
	return nil
}

// verifyOptions are the trusted keys and what to check the bundle against.
func (f *bundleVerifyFlags) verifyOptions() (bundle.VerifyOptions, error) {
	opts := bundle.VerifyOptions{Identity: f.identity, RepoDir: f.repo, Artifacts: f.artifacts, Files: f.files, At: time.Now().UTC()}
	if f.at != "" {
		t, err := time.Parse(time.RFC3339, f.at)
		if err != nil {
			return opts, usagef("--at: want an RFC 3339 time, got %q", f.at)
		}
		opts.At = t
	}
	if f.allowedPath != "" {
		data, err := source.ReadRegular(f.allowedPath, sign.MaxAllowedSignersSize)
		if err != nil {
			return opts, usagef("--allowed-signers: %v", err)
		}
		if opts.Allowed, err = sign.ParseAllowedSigners(data); err != nil {
			return opts, usagef("--allowed-signers %s: %v", f.allowedPath, err)
		}
	}
	for _, p := range f.keyPaths {
		k, err := loadPublicKey(p)
		if err != nil {
			return opts, usagef("--key %s: %v", p, err)
		}
		opts.Keys = append(opts.Keys, k)
	}
	return opts, nil
}

// loadPublicKey reads an OpenSSH public key line or a PEM public key.
func loadPublicKey(path string) (ssh.PublicKey, error) {
	data, err := source.ReadRegular(path, sign.MaxKeyFileSize)
	if err != nil {
		return nil, err
	}
	if block, _ := pem.Decode(data); block != nil {
		if block.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("PEM block %q is not a public key", block.Type)
		}
		pub, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		return ssh.NewPublicKey(pub)
	}
	k, _, _, rest, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		return nil, fmt.Errorf("not an OpenSSH public key or PEM public key: %v", err)
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("more than one key in the file; give one per --key")
	}
	return k, nil
}
