package cli

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/atomicfile"
	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/forge"
	"github.com/assaysec/assay/internal/render"
	renderlist "github.com/assaysec/assay/internal/render/list"
	"github.com/assaysec/assay/internal/report"
)

// assessFlags are the flags of `assay assess`. Areas that add inputs add a
// field here and a line in bindAssessFlags.
type assessFlags struct {
	format        string
	output        string
	config        string
	now           string
	offline       bool
	online        bool
	failOn        string
	verbose       bool
	requireSigned bool
	assurance     string
	collectors    []string
	historyMax    int
	historyWindow spanFlag
	sboms         []string
	releases      []string
	release       collector.ReleaseOptions
	db            string
	dbMaxAge      string
	allowedSigner string
	forge         forge.Config
	frameworks    []string
}

func bindAssessFlags(cmd *cobra.Command, f *assessFlags) {
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "text", "report format: "+strings.Join(renderlist.Formats.Names(), ", ")+" (default: from -o's extension, else text)")
	fl.StringVarP(&f.output, "output", "o", "", "write the report to `FILE` (atomically) instead of standard output")
	fl.StringVar(&f.config, "config", "", "product declaration `FILE` (default PATH/assay.yaml when present)")
	fl.StringVar(&f.now, "now", "", "assess as of this `RFC3339` time, for reproducible runs")
	fl.BoolVar(&f.offline, "offline", true, "use no network sources (the default)")
	fl.BoolVar(&f.online, "online", false, "allow network sources (forge APIs); they are cached and time-limited")
	fl.StringVar(&f.failOn, "fail-on", "not_met", "exit 1 when claims are: not_met, unknown (not met or unknown), or never")
	fl.BoolVar(&f.requireSigned, "require-signed", false, "count only attestations whose signature verifies")
	fl.StringVar(&f.assurance, "assurance", "", "assurance `LEVEL`: observed (decisions on observed evidence; the default) or attested (every partial claim also needs a valid attestation; default: assay.yaml's assurance)")
	fl.StringSliceVar(&f.collectors, "collectors", nil, "run only these `collectors` (comma-separated names)")
	fl.IntVar(&f.historyMax, "history-max-commits", 0, "walk at most `N` commits of git history (default 5000)")
	fl.Var(&f.historyWindow, "history-window", "walk git history back this `SPAN`: 24mo, 90d, 2y or a duration such as 8760h (default 12mo)")
	fl.StringArrayVar(&f.sboms, "sbom", nil, "an SBOM `FILE` to assess (repeatable)")
	fl.StringArrayVar(&f.releases, "release", nil, "a release `DIR` of artefacts to verify (repeatable)")
	fl.StringVar(&f.release.TrustedRoot, "trusted-root", "", "Sigstore trusted root `FILE` to verify release signatures against (offline)")
	fl.StringVar(&f.release.CertificateIdentity, "certificate-identity", "", "expected signer `IDENTITY` (certificate SAN) of release artefacts")
	fl.StringVar(&f.release.CertificateIdentityRegexp, "certificate-identity-regexp", "", "expected signer identity as an anchored `REGEXP`")
	fl.StringVar(&f.release.CertificateOIDCIssuer, "certificate-oidc-issuer", "", "expected OIDC `ISSUER` of the signing certificate")
	fl.StringVar(&f.release.CertificateOIDCIssuerRegexp, "certificate-oidc-issuer-regexp", "", "expected OIDC issuer as an anchored `REGEXP`")
	fl.StringVar(&f.release.Key, "key", "", "PEM public key `FILE` for key-based release signatures")
	fl.BoolVar(&f.release.AllReleases, "all-releases", false, "require every release given to verify, not only the latest")
	fl.StringVar(&f.db, "db", "", "vulnerability database `DIR` (default: the user cache directory)")
	fl.StringVar(&f.dbMaxAge, "db-max-age", "", "call the vulnerability database stale when older than this `AGE` (7d, 36h, 1mo; default: assay.yaml's vulnerability_database_max_age, else 7d)")
	fl.StringVar(&f.allowedSigner, "allowed-signers", "", "ssh-keygen allowed signers `FILE` to verify attestation signatures (overrides allowed_signers in assay.yaml)")
	fl.StringArrayVar(&f.frameworks, "framework", nil, "also report this framework's controls: uk-sscop (the default body), ssdf, cra-annex-i or osps-baseline (repeatable)")
	bindForgeFlags(cmd, &f.forge)
}

// options builds the engine options from the flags. Every command that runs
// an assessment (assess, signoff, verify-signoff, publish, badge, bundle
// create) builds them here, so the forge settings and --online reach all of
// them and a signed-off report is the assessed one.
func (f *assessFlags) options(cmd *cobra.Command, path string) (engine.Options, error) {
	opts := engine.Options{Path: path, ConfigPath: f.config, Online: f.online, RequireSigned: f.requireSigned, Assurance: f.assurance, Collectors: f.collectors, Frameworks: f.frameworks}
	if f.now != "" {
		t, err := parseNow(f.now, time.Time{})
		if err != nil {
			return opts, err
		}
		opts.Now = t
	} else {
		// Default "now" here, not only inside engine.Run: signoff, publish,
		// badge and bundle use opts.Now after the run, and a zero time would
		// sign and publish documents dated the year 1.
		opts.Now = time.Now().UTC().Truncate(time.Second)
	}
	switch f.failOn {
	case "not_met", "unknown", "never":
	default:
		return opts, usagef("--fail-on: want not_met, unknown or never; got %q", f.failOn)
	}
	if f.historyMax < 0 {
		return opts, usagef("--history-max-commits: want a positive number of commits (0 for the default of 5000), got %d", f.historyMax)
	}
	if err := checkInputFile("allowed-signers", f.allowedSigner); err != nil {
		return opts, err
	}
	opts.Collector.HistoryMaxCommits = f.historyMax
	opts.Collector.HistoryWindow = f.historyWindow.at(opts.Now)
	opts.Collector.SBOMFiles = f.sboms
	opts.Collector.ReleaseDirs = f.releases
	opts.Collector.Release = f.release
	opts.Collector.DBDir = f.db
	if f.dbMaxAge != "" {
		age, err := config.ParseAge(f.dbMaxAge)
		if err != nil {
			return opts, usagef("--db-max-age: %v", err)
		}
		opts.Collector.DBMaxAge = age
	}
	opts.Collector.AllowedSigners = f.allowedSigner
	if cmd != nil {
		applyForge(cmd, f.forge, &opts)
		opts.Progress = meter(cmd)
	}
	return opts, nil
}

func newAssessCmd(streams *IO) *cobra.Command {
	var f assessFlags
	cmd := &cobra.Command{
		Use:   "assess [PATH]",
		Short: "Assess a product's repository against the Code of Practice",
		Long: `Assess collects evidence from PATH (default ".") and its git history, merges the
attestations in assay.yaml, and reports every principle and claim of the
UK Software Security Code of Practice with the evidence and the next step.

Exit codes: 0 the policy holds; 1 claims fail the --fail-on policy;
2 usage or configuration error; 3 the assessment could not finish.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := pathArg(args)
			f.format = reportFormat(cmd, f.format, f.output, "text")
			f.verbose, _ = cmd.Flags().GetBool("verbose")
			if !renderlist.Formats.Has(f.format) {
				return usagef("--format: unknown format %q; want one of %s", f.format, strings.Join(renderlist.Formats.Names(), ", "))
			}
			if f.format == "cisa-attestation" && !slices.Contains(f.frameworks, "ssdf") {
				f.frameworks = append(f.frameworks, "ssdf") // the form is filled from the SSDF view
			}
			path, moved := assessRoot(path)
			opts, err := f.options(cmd, path)
			if err != nil {
				return err
			}
			res, err := engine.Run(cmd.Context(), opts)
			if err != nil {
				return err
			}
			addInputNotices(res.Report, moved)
			if err := writeReport(streams, res.Report, f.format, f.output, f.verbose); err != nil {
				return err
			}
			if failsPolicy(res.Report, f.failOn) {
				return errPolicy
			}
			return nil
		},
	}
	bindAssessFlags(cmd, &f)
	return cmd
}

// writeReport renders to stdout, or atomically to a file.
func writeReport(streams *IO, rep *report.Report, format, output string, verbose bool) error {
	opts := render.Options{Verbose: verbose}
	if output == "" && format == "text" && IsTerminal(streams.Out) && os.Getenv("NO_COLOR") == "" {
		opts.Color = true
	}
	r, err := renderlist.Formats.Get(format, opts)
	if err != nil {
		return usageError{err}
	}
	if output == "" {
		return r.Render(streams.Out, rep)
	}
	var buf bytes.Buffer
	if err := r.Render(&buf, rep); err != nil {
		return fmt.Errorf("render %s: %w", format, err)
	}
	return atomicfile.WriteFile(output, buf.Bytes(), 0o644)
}

// failsPolicy applies --fail-on. Waived claims never fail the policy.
func failsPolicy(rep *report.Report, failOn string) bool {
	if failOn == "never" {
		return false
	}
	for _, p := range rep.Principles {
		for _, c := range p.Claims {
			if c.Waiver != nil {
				continue
			}
			if c.Status == report.ClaimNotMet || failOn == "unknown" && c.Status == report.ClaimUnknown {
				return true
			}
		}
	}
	return false
}
