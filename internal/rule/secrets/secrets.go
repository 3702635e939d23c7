// Package secrets holds the rules about committed secrets and default
// credentials. Claim 1.4.3 reads: "Default (and persistent) passwords are
// not used." Claims 2.1.3 and 2.1.4 ask that build credentials are not
// committed in plaintext. No finding ever carries a secret's value: only
// its kind, file:line and an 8-digit fingerprint.
package secrets

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/textsafe"
)

//go:embed rules.yaml
var metaYAML []byte

// Rule ids of the area, each spelled once, here: Rules registers them, the
// rules put them on their findings and the tests name them. rules.yaml holds
// the same ids as data; rule.Builder checks that the two agree.
const (
	NoDefaultCredentials        = "noDefaultCredentials"
	NoHardcodedSecrets          = "noHardcodedSecrets"
	NoPlaintextBuildCredentials = "noPlaintextBuildCredentials"
	SecretScanningInCI          = "secretScanningInCI"
	SecretsConfinedToTests      = "secretsConfinedToTests"
)

// Rules returns the area's rules.
func Rules() ([]rule.Rule, error) {
	b := rule.NewBuilder(metaYAML)
	scan := []evidence.Kind{evidence.KindSecretScan, evidence.KindSecret, evidence.KindDefaultCredential}
	rs := []rule.Rule{
		b.Rule(NoHardcodedSecrets, scan, noHardcodedSecrets),
		b.Rule(NoDefaultCredentials, scan, noDefaultCredentials),
		b.Rule(SecretsConfinedToTests, scan, secretsConfinedToTests),
		b.Rule(SecretScanningInCI, []evidence.Kind{evidence.KindSecretScan, evidence.KindCIScan, evidence.KindCIPipeline, evidence.KindPreCommit, evidence.KindSecretScannerConfig}, secretScanningInCI),
		b.Rule(NoPlaintextBuildCredentials, scan, noPlaintextBuildCredentials),
	}
	return rs, b.Err()
}

func loc(p string, line int) evidence.Location { return evidence.Location{Path: p, Line: line} }

// kindName is how a detector is named in messages: "privatekey" for
// "secrets/privatekey".
func kindName(det string) string { return strings.TrimPrefix(det, "secrets/") }

func scanOf(ev *evidence.Set) (evidence.SecretScan, bool) {
	it, ok := evidence.First[evidence.SecretScan](ev)
	return it.Fact, ok
}

func unavailable(id, format string, args ...any) rule.Finding {
	f := rule.New(id, rule.NotAvailable, evidence.Location{}, format, args...)
	f.Values = map[string]string{rule.ValueUnavailable: "limit"}
	return f
}

func noScan(id string) rule.Finding {
	return rule.New(id, rule.NotAvailable, evidence.Location{}, "the secret scan recorded no summary; the tree was not scanned")
}

// deciding reports whether a finding in this scope decides claim 1.4.3.
func deciding(scope string) bool { return scope == evidence.ScopeProduct }

func secretMessage(s evidence.Secret) string {
	return fmt.Sprintf("%s:%d holds a committed %s secret (fingerprint %s)", s.Path, s.Line, kindName(s.Detector), s.Fingerprint)
}

func noHardcodedSecrets(ev *evidence.Set) []rule.Finding {
	const id = NoHardcodedSecrets
	scan, ok := scanOf(ev)
	if !ok {
		return []rule.Finding{noScan(id)}
	}
	var out, client []rule.Finding
	apart := 0
	for _, it := range evidence.Facts[evidence.Secret](ev) {
		s := it.Fact
		if !deciding(s.Scope) {
			apart++
			continue
		}
		if s.ClientConfig {
			// A Firebase web-app key is served to every browser by design;
			// whether it can reach anything beyond Firebase is an API
			// restriction in the Google Cloud console, not in the tree.
			f := rule.PointsElsewhere(id, loc(s.Path, s.Line), "%s:%d holds a Google API key in a Firebase web-app configuration (fingerprint %s), public by design; its API restrictions are set in the Google Cloud console, outside the repository",
				s.Path, s.Line, s.Fingerprint)
			f.Values = map[string]string{"detector": s.Detector, "fingerprint": s.Fingerprint}
			client = append(client, f)
			continue
		}
		f := rule.Violated(id, loc(s.Path, s.Line), "%s", secretMessage(s))
		f.Values = map[string]string{"detector": s.Detector, "fingerprint": s.Fingerprint}
		out = append(out, f)
	}
	if len(out) > 0 {
		return out
	}
	if len(client) > 0 {
		return client
	}
	if scan.UnscannedProduct > 0 {
		return []rule.Finding{unavailable(id, "the secret scan stopped at its %s with %d product files not scanned (%s scanned); no secret found in what was scanned", scan.Cut, scan.UnscannedProduct, textsafe.Count(scan.Files, "file"))}
	}
	if scan.ProductFiles == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no product files to scan (%d test, example or docs files scanned)", scan.Files)}
	}
	f := rule.New(id, rule.True, evidence.Location{}, "%d Veles secret detectors found no committed secret in %d product files%s%s",
		scan.Detectors, scan.ProductFiles, apartNote(apart), skippedNote(scan))
	f.Values = map[string]string{"productFiles": strconv.Itoa(scan.ProductFiles), "files": strconv.Itoa(scan.Files)}
	return []rule.Finding{f}
}

func apartNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; %d found in tests, examples or docs are listed by secretsConfinedToTests", n)
}

func skippedNote(s evidence.SecretScan) string {
	var parts []string
	if s.SkippedLarge > 0 {
		parts = append(parts, fmt.Sprintf("%d over %d bytes", s.SkippedLarge, s.MaxFile))
	}
	if s.SkippedUnreadable > 0 {
		parts = append(parts, fmt.Sprintf("%d unreadable", s.SkippedUnreadable))
	}
	if s.Cut != "" {
		parts = append(parts, fmt.Sprintf("%d test, example or docs files not reached before the %s", s.Unscanned, s.Cut))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (files not scanned: " + strings.Join(parts, ", ") + ")"
}

func credMessage(c evidence.DefaultCredential) string {
	what := c.Reason
	switch c.Form {
	case evidence.CredSQL:
		if c.Key != "" {
			return fmt.Sprintf("%s:%d: seed data for %s sets a password that is %s (fingerprint %s)", c.Path, c.Line, c.Key, what, c.Fingerprint)
		}
		return fmt.Sprintf("%s:%d: SQL creates an account whose password is %s (fingerprint %s)", c.Path, c.Line, what, c.Fingerprint)
	case evidence.CredInstruction:
		return fmt.Sprintf("%s:%d tells users to log in with a default account whose password is %s (fingerprint %s)", c.Path, c.Line, what, c.Fingerprint)
	}
	return fmt.Sprintf("%s:%d sets %s to %s (fingerprint %s)", c.Path, c.Line, c.Key, what, c.Fingerprint)
}

// credDeciding reports whether a default credential decides claim 1.4.3.
// Passwords in CI definitions are for the test services CI starts
// (a postgres container for the test suite), not for what ships.
func credDeciding(c evidence.DefaultCredential) bool { return deciding(c.Scope) && !c.Build }

func noDefaultCredentials(ev *evidence.Set) []rule.Finding {
	const id = NoDefaultCredentials
	scan, ok := scanOf(ev)
	if !ok {
		return []rule.Finding{noScan(id)}
	}
	var out []rule.Finding
	apart := 0
	for _, it := range evidence.Facts[evidence.DefaultCredential](ev) {
		c := it.Fact
		if !credDeciding(c) {
			apart++
			continue
		}
		f := rule.Violated(id, loc(c.Path, c.Line), "%s", credMessage(c))
		f.Values = map[string]string{"form": c.Form, "fingerprint": c.Fingerprint}
		out = append(out, f)
	}
	if len(out) > 0 {
		return out
	}
	if scan.UnscannedProduct > 0 {
		return []rule.Finding{unavailable(id, "the secret scan stopped at its %s with %d product files not scanned; no default credential found in the %s scanned", scan.Cut, scan.UnscannedProduct, textsafe.Count(scan.Files, "file"))}
	}
	if scan.ProductFiles == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no product files to check for default credentials")}
	}
	note := ""
	if apart > 0 {
		note = fmt.Sprintf("; %d in tests, examples, docs, CI test services or export-ignored files are listed by secretsConfinedToTests", apart)
	}
	f := rule.New(id, rule.True, evidence.Location{}, "no default password in the settings, seed data or login instructions of %d product files%s", scan.ProductFiles, note)
	f.Values = map[string]string{"productFiles": strconv.Itoa(scan.ProductFiles)}
	return []rule.Finding{f}
}

func scopeName(scope string, build bool) string {
	switch {
	case build:
		return "CI definition"
	case scope == evidence.ScopeTest:
		return "test"
	case scope == evidence.ScopeExample:
		return "example"
	case scope == evidence.ScopeDocs:
		return "documentation"
	case scope == evidence.ScopeVendor:
		return "vendored third-party"
	case scope == evidence.ScopeUnshipped:
		return "git-archive-excluded"
	case scope == evidence.ScopeUnpublished:
		return "never-published package's"
	}
	return scope
}

func secretsConfinedToTests(ev *evidence.Set) []rule.Finding {
	const id = SecretsConfinedToTests
	if _, ok := scanOf(ev); !ok {
		return []rule.Finding{noScan(id)}
	}
	var out []rule.Finding
	product := 0
	var first evidence.Location
	for _, it := range evidence.Facts[evidence.Secret](ev) {
		s := it.Fact
		if s.ClientConfig && deciding(s.Scope) {
			continue // neither confined to tests nor a shipped credential: see noHardcodedSecrets
		}
		if deciding(s.Scope) {
			if product == 0 {
				first = loc(s.Path, s.Line)
			}
			product++
			continue
		}
		out = append(out, rule.New(id, rule.True, loc(s.Path, s.Line), "%s:%d: a %s secret in a %s file, outside what ships (fingerprint %s)",
			s.Path, s.Line, kindName(s.Detector), scopeName(s.Scope, false), s.Fingerprint))
	}
	for _, it := range evidence.Facts[evidence.DefaultCredential](ev) {
		c := it.Fact
		if credDeciding(c) {
			if product == 0 {
				first = loc(c.Path, c.Line)
			}
			product++
			continue
		}
		out = append(out, rule.New(id, rule.True, loc(c.Path, c.Line), "in a %s file, outside what ships: %s", scopeName(c.Scope, c.Build), credMessage(c)))
	}
	if product > 0 {
		out = append(out, rule.Violated(id, first, "%s or default credentials are in product files, first at %s:%d (see noHardcodedSecrets and noDefaultCredentials)", textsafe.Count(product, "secret"), first.Path, first.Line))
	}
	if len(out) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no secret or default credential found anywhere in the scanned tree")}
	}
	return out
}

// ---- scanners ----

type scannerTool struct {
	tool string
	uses []string       // action prefixes, lower case
	repo []string       // pre-commit hook repositories, lower case, without scheme
	run  *lazyre.Regexp // command line
}

var scannerTools = []scannerTool{
	{"gitleaks", []string{"gitleaks/gitleaks-action", "zricethezav/gitleaks-action"}, []string{"github.com/gitleaks/gitleaks", "github.com/zricethezav/gitleaks"},
		lazyre.New(`\bgitleaks\s+(?:detect|protect|git|dir|stdin)\b`)},
	{"trufflehog", []string{"trufflesecurity/trufflehog"}, []string{"github.com/trufflesecurity/trufflehog"},
		lazyre.New(`\btrufflehog\s+(?:git|github|gitlab|filesystem|docker)\b`)},
	{"detect-secrets", []string{"reviewdog/action-detect-secrets"}, []string{"github.com/yelp/detect-secrets"},
		lazyre.New(`\bdetect-secrets(?:-hook)?\s+(?:scan|audit)?`)},
	{"ggshield", []string{"gitguardian/ggshield-action", "gitguardian/ggshield/actions/secret"}, []string{"github.com/gitguardian/ggshield"},
		lazyre.New(`\bggshield\s+secret\s+scan\b`)},
	{"talisman", nil, []string{"github.com/thoughtworks/talisman"}, lazyre.New(`\btalisman\s+--(?:scan|githook)`)},
	{"secretlint", nil, []string{"github.com/secretlint/secretlint"}, lazyre.New(`\bsecretlint\s`)},
}

func (t scannerTool) matchUses(uses string) bool {
	name, _, _ := strings.Cut(strings.ToLower(uses), "@")
	for _, p := range t.uses {
		if name == p || strings.HasPrefix(name, p+"/") {
			return true
		}
	}
	return false
}

func (t scannerTool) matchRepo(repo string) bool {
	r := strings.ToLower(strings.TrimSuffix(repo, ".git"))
	r = strings.TrimPrefix(strings.TrimPrefix(r, "https://"), "http://")
	for _, p := range t.repo {
		if r == p {
			return true
		}
	}
	return false
}

// runLine returns the line offset of the first uncommented command the
// tool's pattern matches, or -1.
func (t scannerTool) runLine(script string) int {
	for i, l := range strings.Split(script, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "#") {
			continue
		}
		if t.run.MatchString(l) {
			return i
		}
	}
	return -1
}

var gitlabSecretDetection = lazyre.New(`(?i)(?:^|/)secret[-_]detection(?:\.gitlab-ci\.yml|@|$)`)

func secretScanningInCI(ev *evidence.Set) []rule.Finding {
	const id = SecretScanningInCI
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		pl := it.Fact
		for _, inc := range pl.Includes {
			if (inc.Kind == "template" || inc.Kind == "component") && gitlabSecretDetection.MatchString(inc.Target) {
				out = append(out, rule.New(id, rule.True, loc(pl.Path, inc.Line), "%s includes GitLab secret detection (%s)", pl.Path, inc.Target))
			}
		}
		for _, j := range pl.Jobs {
			p := pl.Path
			if j.File != "" {
				p = j.File
			}
			for _, s := range j.Steps {
				for _, t := range scannerTools {
					if s.Uses != "" && t.matchUses(s.Uses) {
						out = append(out, rule.New(id, rule.True, loc(p, s.Line), "job %q runs %s (%s)%s", j.ID, t.tool, s.Uses, conditional(s.If)))
						break
					}
					if s.Run != "" {
						if n := t.runLine(s.Run); n >= 0 {
							file, line := p, s.RunLine+n
							if s.File != "" {
								file = s.File
							}
							out = append(out, rule.New(id, rule.True, loc(file, line), "job %q runs %s%s", j.ID, t.tool, conditional(s.If)))
							break
						}
					}
				}
			}
		}
	}
	for _, it := range evidence.Facts[evidence.PreCommit](ev) {
		for _, r := range it.Fact.Repos {
			for _, t := range scannerTools {
				if t.matchRepo(r.Repo) {
					out = append(out, rule.New(id, rule.True, loc(it.Fact.Path, r.Line), "pre-commit runs %s (%s)", t.tool, r.Repo))
				}
			}
		}
	}
	for _, it := range evidence.Facts[evidence.SecretScannerConfig](ev) {
		c := it.Fact
		out = append(out, rule.New(id, rule.True, loc(c.Path, 0), "%s configures %s", c.Path, c.Tool))
	}
	if len(out) == 0 {
		return []rule.Finding{rule.Absent(id, evidence.Location{}, "no secret scanner in CI steps, pre-commit hooks or configuration files (gitleaks, trufflehog, detect-secrets, ggshield, .github/secret_scanning.yml); forge-side secret scanning needs --online to check")}
	}
	return out
}

func conditional(cond string) string {
	if cond == "" {
		return ""
	}
	return fmt.Sprintf(", only when %s", strings.TrimSpace(firstLine(cond)))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// ---- build credentials ----

func noPlaintextBuildCredentials(ev *evidence.Set) []rule.Finding {
	const id = NoPlaintextBuildCredentials
	scan, ok := scanOf(ev)
	if !ok {
		return []rule.Finding{noScan(id)}
	}
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.Secret](ev) {
		s := it.Fact
		if !s.Build || !deciding(s.Scope) {
			continue
		}
		f := rule.Violated(id, loc(s.Path, s.Line), "%s:%d: a %s credential is committed in plaintext in a CI or build file (fingerprint %s)", s.Path, s.Line, kindName(s.Detector), s.Fingerprint)
		f.Values = map[string]string{"detector": s.Detector, "fingerprint": s.Fingerprint}
		out = append(out, f)
	}
	if len(out) > 0 {
		return out
	}
	if scan.UnscannedBuild > 0 {
		return []rule.Finding{unavailable(id, "the secret scan stopped at its %s with %d CI or build files not scanned", scan.Cut, scan.UnscannedBuild)}
	}
	if scan.BuildFiles == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no CI definitions or build configuration files to scan")}
	}
	return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "%d CI and build files hold no credential in a recognised format", scan.BuildFiles)}
}
