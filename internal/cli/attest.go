package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/atomicfile"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/sign"
	"github.com/assaysec/assay/internal/signoff"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
)

type attestFlags struct {
	dir       string
	config    string
	statement string
	evidence  []string
	by        string
	date      string
	expires   string
	key       string
	export    string
}

func newAttestCmd(streams *IO) *cobra.Command {
	var f attestFlags
	cmd := &cobra.Command{
		Use:   "attest CLAIM",
		Short: "Add or renew a (signed) attestation for a claim in assay.yaml",
		Long: `Attest records a person's statement that a claim holds, backed by evidence
documents. Files are pinned by SHA-256 so a later change makes the attestation
stale; URLs are recorded as given. With --key the attestation is signed with
an SSH key (ssh-keygen -Y sign format, namespace "assay"); see docs/signing.md.

An existing attestation for the same claim and person is replaced (renewed).
With --export DIR, the attestation's signed bytes and signature are written to
DIR/CLAIM.json and DIR/CLAIM.json.sig instead, for checking with
ssh-keygen -Y verify.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAttest(streams, args[0], &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.dir, "dir", "C", ".", "repository `DIR` that evidence paths are relative to")
	fl.StringVar(&f.config, "config", "", "declaration `FILE` (default DIR/assay.yaml)")
	fl.StringVar(&f.statement, "statement", "", "the argument that the claim holds")
	fl.StringArrayVar(&f.evidence, "evidence", nil, "evidence document: a `PATH` in the repository or an https URL (repeatable)")
	fl.StringVar(&f.by, "by", "", "who attests (default: the SRO from assay.yaml, as \"Name <email>\")")
	fl.StringVar(&f.date, "date", "", "attestation `DATE` YYYY-MM-DD (default today)")
	fl.StringVar(&f.expires, "expires", "", "expiry `DATE` YYYY-MM-DD (default: date plus review_every, or one year)")
	fl.StringVar(&f.key, "key", "", "sign with this unencrypted OpenSSH private key `FILE`")
	fl.StringVar(&f.export, "export", "", "write the existing attestation's signed form and signature to `DIR`")
	return cmd
}

func declarationPath(dir, explicit string) string {
	if explicit != "" {
		return explicit
	}
	return filepath.Join(dir, config.FileName)
}

// loadDeclaration reads and validates a declaration, returning the parsed
// form and the document for editing.
func loadDeclaration(path string) (*config.Config, *config.Document, error) {
	data, err := source.ReadRegular(path, config.MaxSize)
	if err != nil {
		return nil, nil, usagef("read declaration: %v (run `assay init` to create one)", err)
	}
	cfg, err := engine.ParseDeclaration(path, data)
	if err != nil {
		return nil, nil, usageError{err}
	}
	doc, err := config.ParseDocument(path, data)
	if err != nil {
		return nil, nil, usageError{err}
	}
	return cfg, doc, nil
}

func runAttest(streams *IO, claim string, f *attestFlags) error {
	// An unknown claim is the user's mistake (exit 2), found before the
	// declaration is touched.
	if !engine.KnownClaim(claim) {
		return usagef("claim %q is not in the Code of Practice catalog%s; see `assay catalog`", textsafe.Clean(claim), didYouMean(claim, engine.ClaimIDs()))
	}
	path := declarationPath(f.dir, f.config)
	cfg, doc, err := loadDeclaration(path)
	if err != nil {
		return err
	}
	if f.export != "" {
		return exportAttestation(streams, cfg, claim, f.by, f.export)
	}
	if strings.TrimSpace(f.statement) == "" {
		return usagef("--statement is required: say why the claim holds")
	}
	if len(f.evidence) == 0 {
		return usagef("--evidence is required: at least one document (a path in the repository or an https URL)")
	}
	by := f.by
	if by == "" {
		if cfg.SRO == nil {
			return usagef("--by is required when assay.yaml names no sro")
		}
		by = cfg.SRO.Name
		if cfg.SRO.Email != "" {
			by = fmt.Sprintf("%s <%s>", cfg.SRO.Name, cfg.SRO.Email)
		}
	}
	date := time.Now().UTC().Truncate(24 * time.Hour)
	if f.date != "" {
		if date, err = config.ParseDate(f.date); err != nil {
			return usagef("--date: want YYYY-MM-DD, got %q", f.date)
		}
	}
	var expires time.Time
	if f.expires != "" {
		if expires, err = config.ParseDate(f.expires); err != nil {
			return usagef("--expires: want YYYY-MM-DD, got %q", f.expires)
		}
	} else {
		y, m, d := 1, 0, 0
		if cfg.ReviewEvery != "" {
			y, m, d, _ = config.ParsePeriod(cfg.ReviewEvery)
		}
		expires = date.AddDate(y, m, d)
	}
	a := config.Attestation{Claim: claim, Statement: f.statement, AttestedBy: by,
		Date: config.Date{Time: date}, Expires: config.Date{Time: expires}}
	tree, err := source.OpenTree(f.dir)
	if err != nil {
		return usagef("open %s: %v", f.dir, err)
	}
	defer tree.Close()
	for _, e := range f.evidence {
		if config.IsURL(e) {
			if !strings.HasPrefix(e, "https://") {
				return usagef("--evidence %s: want an https:// URL", e)
			}
			a.Evidence = append(a.Evidence, config.EvidenceRef{URL: e})
			continue
		}
		rel := filepath.ToSlash(filepath.Clean(e))
		sum, err := tree.HashFile(rel, limits.MaxAttestedEvidence)
		if err != nil {
			return usagef("--evidence %s: %v (paths are relative to %s)", e, err, f.dir)
		}
		a.Evidence = append(a.Evidence, config.EvidenceRef{Path: rel, SHA256: sum})
	}
	signer := ""
	if f.key != "" {
		s, err := sign.LoadSigner(f.key)
		if err != nil {
			return usageError{err}
		}
		sig, err := s.Sign(signoff.CanonicalAttestation(cfg.Product, a), sign.Namespace)
		if err != nil {
			return err
		}
		a.Signature = string(sig)
		signer = s.Fingerprint()
	}
	renewed, err := doc.PutAttestation(a)
	if err != nil {
		return err
	}
	if err := doc.WriteFile(path); err != nil {
		return err
	}
	verb := "added"
	if renewed {
		verb = "renewed"
	}
	fmt.Fprintf(streams.Out, "%s attestation for claim %s by %s, valid %s to %s\n", verb, claim, by, a.Date, a.Expires)
	for _, e := range a.Evidence {
		if e.Path != "" {
			fmt.Fprintf(streams.Out, "  pinned %s sha256:%s\n", e.Path, e.SHA256)
		} else {
			fmt.Fprintf(streams.Out, "  linked %s\n", e.URL)
		}
	}
	if signer != "" {
		fmt.Fprintf(streams.Out, "  signed with %s (namespace %s)\n", signer, sign.Namespace)
	} else {
		fmt.Fprintln(streams.Out, "  unsigned: it counts, labelled unsigned, unless --require-signed is used")
	}
	return nil
}

func exportAttestation(streams *IO, cfg *config.Config, claim, by, dir string) error {
	var found *config.Attestation
	for i := range cfg.Attestations {
		a := &cfg.Attestations[i]
		if a.Claim == claim && (by == "" || config.Identity(by) == config.Identity(a.AttestedBy)) {
			found = a
		}
	}
	if found == nil {
		return usagef("no attestation for claim %s in %s", claim, cfg.File)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	base := filepath.Join(dir, claim+".json")
	if err := atomicfile.WriteFile(base, signoff.CanonicalAttestation(cfg.Product, *found), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(streams.Out, "wrote %s\n", base)
	if strings.TrimSpace(found.Signature) == "" {
		fmt.Fprintln(streams.Out, "the attestation is unsigned; no signature written")
		return nil
	}
	if err := atomicfile.WriteFile(base+".sig", []byte(strings.TrimSpace(found.Signature)+"\n"), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(streams.Out, "wrote %s.sig\nverify with: ssh-keygen -Y verify -f allowed_signers -I %s -n %s -s %s.sig < %s\n",
		base, config.Identity(found.AttestedBy), sign.Namespace, base, base)
	return nil
}
