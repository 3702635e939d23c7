package disclosure

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
	disclosurerules "github.com/assaysec/assay/internal/rule/disclosure"
	"github.com/assaysec/assay/internal/source"
)

// Fixtures written for these tests, each in the shape of a kind of file
// real projects use to publish (or refuse) a disclosure process.
const (
	readmeSection = "# Client\n\nA library.\n\n```bash\ncomposer require acme/client\n```\n\n## Security\n\n" +
		"If you discover a security vulnerability within this package, please send an email to security@acme-lib.org. " +
		"Please do not disclose security-related issues publicly until a fix has been announced.\n\n## License\n\nMIT\n"
	rstOverview = "Overview\n========\n\nInstalling::\n\n    mail security@wrong.example-lib.org\n\n" +
		"Reporting a security vulnerability\n==================================\n\n" +
		"Publicly disclosing a vulnerability can put the entire community at risk. If\n" +
		"you've discovered a security concern, please email us at\nsecurity@acme-lib.org. We consider it our highest priority.\n"
	chooser = "blank_issues_enabled: false\ncontact_links:\n  - name: Security issue\n" +
		"    url: https://github.com/acme/web/security/advisories/new\n" +
		"    about: Do not report security issues publicly. Create a private advisory.\n" +
		"  - name: Questions\n    url: https://github.com/acme/web/discussions/\n    about: Ask questions.\n"
	chooserNoSecurity = "contact_links:\n  - name: Q&A\n    url: https://github.com/acme/web/discussions\n    about: Questions\n"
	refusal           = "The clue is in its name, this app contains intentional vulnerabilities, that is its whole point, please do not try to report them.\n"
	orgPointer        = "# Security Policy\n\nPlease see the [organisation policy](https://github.com/acme/.github/blob/main/SECURITY.md).\n"
	webSecurityDoc    = "Security Considerations\n=======================\n\nWeb applications face many kinds of security problems.\n\n" +
		"Cross-Site Scripting\n--------------------\n\nEscape user input. Report nothing here.\n"
	changelogSecurity    = "# Changelog\n\n## 1.2.0\n\n### Security\n\n- Fixed an issue reported by someone@acme-lib.org.\n"
	contributingSentence = "# Contributing\n\nWe welcome issues.\n\n## Issues\n\n" +
		"- For bug reports involving sensitive security issues, email <maintainer@acme-lib.org> instead of posting publicly.\n" +
		"- Include the version you use.\n"
	codeOnlySection = "# Tool\n\n## Security\n\nReport issues as follows:\n\n```\nsecurity@acme-lib.org\n```\n"
)

func collect(t *testing.T, files map[string]string) *evidence.Set {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree, err := source.OpenTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tree.Close() })
	recs, err := New().Collect(context.Background(), &collector.Input{Tree: tree})
	if err != nil {
		t.Fatal(err)
	}
	return evidence.NewSet(recs...)
}

type answer struct {
	Outcome  rule.Outcome
	Negative rule.Negative
	Path     string
	Line     int
}

func run(t *testing.T, ev *evidence.Set, id string) answer {
	t.Helper()
	rs, err := disclosurerules.Rules()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Meta().ID != id {
			continue
		}
		fs := r.Evaluate(ev)
		if len(fs) == 0 {
			t.Fatalf("%s: no findings", id)
		}
		f := fs[0]
		t.Logf("%s: %s", id, f.Message)
		return answer{f.Outcome, f.Negative, f.Location.Path, f.Location.Line}
	}
	t.Fatalf("no rule %s", id)
	return answer{}
}

func TestDisclosure_WherePoliciesLive(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		files     map[string]string
		published answer
		private   answer
	}{
		{"readme_security_section", map[string]string{"README.md": readmeSection},
			answer{rule.True, "", "README.md", 11}, answer{rule.True, "", "README.md", 11}},
		{"rst_docs_section_skips_literal_block", map[string]string{"docs/overview.rst": rstOverview},
			answer{rule.True, "", "docs/overview.rst", 13}, answer{rule.True, "", "docs/overview.rst", 13}},
		{"issue_template_pointer", map[string]string{".github/ISSUE_TEMPLATE/config.yml": chooser},
			answer{rule.True, "", ".github/ISSUE_TEMPLATE/config.yml", 4}, answer{rule.True, "", ".github/ISSUE_TEMPLATE/config.yml", 4}},
		// A contact entry with no url whose text names the address
		// (fastapi's chooser, after its SECURITY.md moved to the
		// organisation): the address is a private route in the repository.
		{"issue_template_entry_without_url", map[string]string{".github/ISSUE_TEMPLATE/config.yml": "blank_issues_enabled: false\ncontact_links:\n  - name: Security Contact\n    about: Please report security vulnerabilities to security@acme.org\n  - name: Question\n    url: https://github.com/acme/tool/discussions\n"},
			answer{rule.True, "", ".github/ISSUE_TEMPLATE/config.yml", 3}, answer{rule.True, "", ".github/ISSUE_TEMPLATE/config.yml", 3}},
		{"issue_template_without_security", map[string]string{".github/ISSUE_TEMPLATE/config.yml": chooserNoSecurity},
			answer{rule.False, rule.NoSignal, "", 0}, answer{rule.False, rule.NoSignal, "", 0}},
		{"security_file_refuses_reports", map[string]string{"SECURITY.md": refusal, "security.txt": refusal},
			answer{rule.False, rule.Violation, "SECURITY.md", 1}, answer{rule.False, rule.Violation, "SECURITY.md", 1}},
		{"pointer_to_organisation_policy", map[string]string{"SECURITY.md": orgPointer},
			answer{rule.False, rule.Elsewhere, "SECURITY.md", 3}, answer{rule.False, rule.Elsewhere, "SECURITY.md", 3}},
		// A README section that only sends readers to a policy elsewhere
		// is a pointer, not an absence of any section.
		{"readme_section_pointing_to_policy", map[string]string{"README.md": "# Lib\n\n### Security Issues\n\nIf you discover a security vulnerability in Lib, please see [Security Policies and Procedures](https://github.com/acme/lib/security/policy).\n\n### Tests\n\nRun them.\n"},
			answer{rule.False, rule.Elsewhere, "README.md", 5}, answer{rule.False, rule.Elsewhere, "README.md", 5}},
		{"docs_about_web_security_are_not_a_policy", map[string]string{"docs/web-security.rst": webSecurityDoc},
			answer{rule.False, rule.NoSignal, "", 0}, answer{rule.False, rule.NoSignal, "", 0}},
		{"changelog_security_heading_is_not_a_policy", map[string]string{"docs/changelog.md": changelogSecurity, "CHANGELOG.md": changelogSecurity},
			answer{rule.False, rule.NoSignal, "", 0}, answer{rule.False, rule.NoSignal, "", 0}},
		{"contact_only_in_code_is_not_policy_text", map[string]string{"README.md": codeOnlySection},
			answer{rule.False, rule.NoSignal, "", 0}, answer{rule.False, rule.NoSignal, "", 0}},
		// A bug-bounty file is the vendor's policy file under another name.
		{"bug_bounty_file", map[string]string{"BUG-BOUNTY.md": "Serious about security\n======================\n\nWe encourage reporting security issues with the code\ncontained in this repository.\n\nIf you believe you have discovered a security vulnerability, please follow the\nguidelines at https://bugcrowd.com/acmeopensource\n"},
			answer{rule.True, "", "BUG-BOUNTY.md", 8}, answer{rule.True, "", "BUG-BOUNTY.md", 8}},
		// A CONTRIBUTING bullet outside any security section that sends
		// security reports to a private address is a reporting route.
		{"contributing_sentence_with_private_email", map[string]string{"CONTRIBUTING.md": contributingSentence},
			answer{rule.True, "", "CONTRIBUTING.md", 7}, answer{rule.True, "", "CONTRIBUTING.md", 7}},
		// Lines that mention security and an address but ask nothing of
		// the reader are not a route: a fix credit, a feature description.
		{"sentence_that_asks_nothing_is_not_a_route", map[string]string{"README.md": "# Tool\n\n- Fixed a security issue reported by someone@acme-lib.org.\n- Scans for vulnerabilities in dependencies.\n"},
			answer{rule.False, rule.NoSignal, "", 0}, answer{rule.False, rule.NoSignal, "", 0}},
		{"sentence_without_channel_is_not_a_route", map[string]string{"CONTRIBUTING.md": "# Contributing\n\nPlease report security issues responsibly.\n"},
			answer{rule.False, rule.NoSignal, "", 0}, answer{rule.False, rule.NoSignal, "", 0}},
		{"section_wins_over_sentence", map[string]string{"README.md": readmeSection, "CONTRIBUTING.md": contributingSentence},
			answer{rule.True, "", "README.md", 11}, answer{rule.True, "", "README.md", 11}},
		{"nothing", map[string]string{"README.md": "# Tool\n\nDoes things.\n"},
			answer{rule.False, rule.NoSignal, "", 0}, answer{rule.False, rule.NoSignal, "", 0}},
		{"security_file_wins_over_section", map[string]string{"README.md": readmeSection, ".github/SECURITY.md": "Report to [us](https://github.com/acme/lib/security/advisories/new).\n"},
			answer{rule.True, "", ".github/SECURITY.md", 1}, answer{rule.True, "", ".github/SECURITY.md", 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ev := collect(t, tc.files)
			if diff := cmp.Diff(tc.published, run(t, ev, "securityPolicyPublished")); diff != "" {
				t.Errorf("securityPolicyPublished mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.private, run(t, ev, "securityPolicyHasConfidentialRoute")); diff != "" {
				t.Errorf("securityPolicyHasConfidentialRoute mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSecurityHeading(t *testing.T) {
	t.Parallel()
	for h, want := range map[string]bool{
		"Security": true, "## Security Policy": true, "Reporting a Vulnerability": true, "Reporting security issues": true,
		"Responsible disclosure": true, "🔒 Security": true, "3. Security": true, "Vulnerabilities": true,
		"Security Considerations": false, "Web security": false, "Security headers": false, "Installation": false,
	} {
		if got := SecurityHeading(h); got != want {
			t.Errorf("SecurityHeading(%q) = %v, want %v", h, got, want)
		}
	}
}
