package catalog

import (
	"encoding/json"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustDefault(t *testing.T) *Catalog {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatalf("Default() error: %v", err)
	}
	return c
}

// fresh returns a private copy of the embedded catalog that a test may modify.
func fresh(t *testing.T) *Catalog {
	t.Helper()
	c, err := Parse(embedded)
	if err != nil {
		t.Fatalf("Parse(embedded) error: %v", err)
	}
	return c
}

func TestDefaultIsShared(t *testing.T) {
	a := mustDefault(t)
	b := mustDefault(t)
	if a != b {
		t.Error("Default() returned different catalogs on two calls")
	}
}

func TestFramework(t *testing.T) {
	want := Framework{
		ID:            "uk-sscop",
		Version:       "2025-05-07",
		ClaimsVersion: "1.0",
		Title:         "Software Security Code of Practice",
		Publisher:     "DSIT and NCSC (co-sealed by the Canadian Centre for Cyber Security)",
		URL:           "https://www.gov.uk/government/publications/software-security-code-of-practice",
	}
	if diff := cmp.Diff(want, mustDefault(t).Framework); diff != "" {
		t.Errorf("Framework mismatch (-want +got):\n%s", diff)
	}
}

func TestCounts(t *testing.T) {
	c := mustDefault(t)
	if got := len(c.Themes); got != 4 {
		t.Errorf("themes = %d, want 4", got)
	}
	if got := len(c.Principles()); got != 14 {
		t.Errorf("principles = %d, want 14", got)
	}
	if got := len(c.Claims()); got != 45 {
		t.Errorf("claims = %d, want 45", got)
	}

	wantPerPrinciple := map[string]int{
		"1.1": 6, "1.2": 5, "1.3": 3, "1.4": 5,
		"2.1": 6, "2.2": 4,
		"3.1": 2, "3.2": 2, "3.3": 2, "3.4": 2, "3.5": 2,
		"4.1": 3, "4.2": 1, "4.3": 2,
	}
	gotPerPrinciple := map[string]int{}
	for _, p := range c.Principles() {
		gotPerPrinciple[p.ID] = len(p.Claims)
	}
	if diff := cmp.Diff(wantPerPrinciple, gotPerPrinciple); diff != "" {
		t.Errorf("claims per principle (-want +got):\n%s", diff)
	}

	wantPerTheme := map[string][]string{
		"1": {"1.1", "1.2", "1.3", "1.4"},
		"2": {"2.1", "2.2"},
		"3": {"3.1", "3.2", "3.3", "3.4", "3.5"},
		"4": {"4.1", "4.2", "4.3"},
	}
	gotPerTheme := map[string][]string{}
	for _, th := range c.Themes {
		for _, p := range th.Principles {
			gotPerTheme[th.ID] = append(gotPerTheme[th.ID], p.ID)
		}
	}
	if diff := cmp.Diff(wantPerTheme, gotPerTheme); diff != "" {
		t.Errorf("principles per theme (-want +got):\n%s", diff)
	}
}

func TestThemeTitles(t *testing.T) {
	want := []string{
		"Secure design and development",
		"Build environment security",
		"Secure deployment and maintenance",
		"Communication with customers",
	}
	var got []string
	for _, th := range mustDefault(t).Themes {
		got = append(got, th.Title)
		if th.Goal == "" {
			t.Errorf("theme %s has no goal", th.ID)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("theme titles (-want +got):\n%s", diff)
	}
}

func TestPrincipleTitles(t *testing.T) {
	tests := []struct {
		id, title string
	}{
		{"1.1", "Follow an established secure development framework."},
		{"1.2", "Understand the composition of the software and assess risks linked to the ingestion and maintenance of third-party components throughout the development lifecycle."},
		{"1.3", "Have a clear process for testing software and software updates before distribution."},
		{"1.4", "Follow secure by design and secure by default principles throughout the development lifecycle of the software."},
		{"2.1", "Protect the build environment against unauthorised access."},
		{"2.2", "Control and log changes to the build environment."},
		{"3.1", "Distribute software securely to customers."},
		{"3.2", "Implement and publish an effective vulnerability disclosure process."},
		{"3.3", "Have processes and documentation in place for proactively detecting, prioritising and managing vulnerabilities in software components."},
		{"3.4", "Report vulnerabilities to relevant parties where appropriate."},
		{"3.5", "Provide timely security updates, patches and notifications to customers."},
		{"4.1", "Provide information to the customer specifying the level of support and maintenance provided for the software being sold."},
		{"4.2", "Provides at least 1 year's notice to customers of when the software will no longer be supported or maintained by the vendor."},
		{"4.3", "Make information available to customers about notable incidents that may cause significant impact to customer organisations."},
	}
	c := mustDefault(t)
	var wantIDs, gotIDs []string
	for _, p := range c.Principles() {
		gotIDs = append(gotIDs, p.ID)
	}
	for _, tt := range tests {
		wantIDs = append(wantIDs, tt.id)
		t.Run(tt.id, func(t *testing.T) {
			p, ok := c.Principle(tt.id)
			if !ok {
				t.Fatalf("Principle(%q) not found", tt.id)
			}
			if p.Title != tt.title {
				t.Errorf("title = %q, want %q", p.Title, tt.title)
			}
			if p.Summary == "" {
				t.Error("empty summary")
			}
		})
	}
	if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
		t.Errorf("principle order (-want +got):\n%s", diff)
	}
}

// claimTable is every claim in catalog order with its official statement,
// automation class and whether observed evidence alone can meet it.
var claimTable = []struct {
	id         string
	statement  string
	automation Automation
	observed   bool
}{
	{"1.1.1", "The development framework used is documented.", AutomationPartial, true},
	{"1.1.2", "Developers are trained in the use of the framework and tools.", AutomationHuman, false},
	{"1.1.3", "Tools are maintained and updated.", AutomationPartial, true},
	{"1.1.4", "Items requiring configuration control are identified and version control is used.", AutomationAuto, true},
	{"1.1.5", "Requirements are captured and recorded.", AutomationPartial, false},
	{"1.1.6", "Software is designed for user need.", AutomationHuman, false},
	{"1.2.1", "All third-party components are identified and documented.", AutomationPartial, true},
	{"1.2.2", "Integrity of third-party components and updates is verified.", AutomationAuto, true},
	{"1.2.3", "Each third-party component is tested before being first deployed.", AutomationPartial, true},
	{"1.2.4", "Third-party component updates are tested.", AutomationAuto, true},
	{"1.2.5", "Processes are in place to manage and deploy updates to third-party components.", AutomationPartial, true},
	{"1.3.1", "A test plan exists that covers all requirements and third-party components.", AutomationPartial, true},
	{"1.3.2", "Execution of the test plan is automated and repeatable wherever possible.", AutomationAuto, true},
	{"1.3.3", "Defects identified during testing are addressed.", AutomationPartial, true},
	{"1.4.1", "Techniques to understand how the software might be exploited (threat modelling) have been used in the design of the software.", AutomationPartial, false},
	{"1.4.2", "Multi-factor authentication for privileged users of the software is enforced.", AutomationHuman, false},
	{"1.4.3", "Default (and persistent) passwords are not used.", AutomationPartial, true},
	{"1.4.4", "Data input to the software is validated.", AutomationPartial, false},
	{"1.4.5", "Credentials and sensitive data are securely stored.", AutomationPartial, false},
	{"2.1.1", "Roles are defined that specify the data and functionality that each role is allowed to access.", AutomationPartial, true},
	{"2.1.2", "Users of the build environment are required to authenticate on a regular basis.", AutomationPartial, false},
	{"2.1.3", "Users of the build environment are issued with credentials bound to their role.", AutomationPartial, true},
	{"2.1.4", "Credentials are securely managed and stored.", AutomationPartial, true},
	{"2.1.5", "Credentials are multi factor.", AutomationAuto, true},
	{"2.1.6", "Users with access to the build environment are regularly reviewed to ensure they still have a legitimate need.", AutomationPartial, false},
	{"2.2.1", "Access and changes to the build environment are logged.", AutomationPartial, true},
	{"2.2.2", "Only authorised personnel can make changes to the build environment.", AutomationAuto, true},
	{"2.2.3", "Logs are auditable and retained for an agreed period.", AutomationPartial, false},
	{"2.2.4", "The confidentiality and integrity of logs is protected.", AutomationHuman, false},
	{"3.1.1", "The integrity of software (including updates) can be verified in the customer environment.", AutomationAuto, true},
	{"3.1.2", "Software (including updates) is distributed over trusted channels.", AutomationPartial, true},
	{"3.2.1", "A vulnerability disclosure policy and process is published.", AutomationAuto, true},
	{"3.2.2", "The vulnerability disclosure process describes how to confidentially report vulnerabilities.", AutomationPartial, true},
	{"3.3.1", "Knowledge of public vulnerabilities is kept up to date.", AutomationAuto, true},
	{"3.3.2", "A vulnerability management plan exists that assesses and prioritises responses to vulnerabilities.", AutomationPartial, true},
	{"3.4.1", "Internal security teams are informed.", AutomationHuman, false},
	{"3.4.2", "Affected customers are informed.", AutomationPartial, true},
	{"3.5.1", "Security updates are distributed as soon as is practicable.", AutomationAuto, true},
	{"3.5.2", "Security updates are tested and secure by default.", AutomationPartial, true},
	{"4.1.1", "'End of support' dates are published for all software components.", AutomationPartial, true},
	{"4.1.2", "A policy on frequency of updates and the process for applying them is published.", AutomationPartial, true},
	{"4.1.3", "User documentation describes how to correctly and securely apply updates and use software.", AutomationPartial, true},
	{"4.2.1", "Customers are given at least 1 year's notice of when software will no longer be supported.", AutomationPartial, true},
	{"4.3.1", "An incident support plan is published.", AutomationPartial, true},
	{"4.3.2", "Customers are informed of relevant incidents in a timely manner.", AutomationHuman, false},
}

func TestClaimIDsInOrder(t *testing.T) {
	var want, got []string
	for _, tt := range claimTable {
		want = append(want, tt.id)
	}
	for _, cl := range mustDefault(t).Claims() {
		got = append(got, cl.ID)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claim ids (-want +got):\n%s", diff)
	}
}

func TestClaims(t *testing.T) {
	c := mustDefault(t)
	for _, tt := range claimTable {
		t.Run(tt.id, func(t *testing.T) {
			cl, ok := c.Claim(tt.id)
			if !ok {
				t.Fatalf("Claim(%q) not found", tt.id)
			}
			if cl.Statement != tt.statement {
				t.Errorf("statement = %q, want %q", cl.Statement, tt.statement)
			}
			if cl.Automation != tt.automation {
				t.Errorf("automation = %q, want %q", cl.Automation, tt.automation)
			}
			if cl.ObservedSufficient != tt.observed {
				t.Errorf("observed_sufficient = %v, want %v", cl.ObservedSufficient, tt.observed)
			}
			wantPrinciple := tt.id[:strings.LastIndex(tt.id, ".")]
			wantTheme := tt.id[:strings.Index(tt.id, ".")]
			if cl.Principle != wantPrinciple || cl.Theme != wantTheme {
				t.Errorf("principle, theme = %q, %q, want %q, %q", cl.Principle, cl.Theme, wantPrinciple, wantTheme)
			}
			if n := len(cl.Signals); n < 2 || n > 5 {
				t.Errorf("%d signals, want 2-5", n)
			}
			if n := len(cl.Remediation); n < 2 || n > 4 {
				t.Errorf("%d remediation steps, want 2-4", n)
			}
			if cl.Attestation == "" {
				t.Error("empty attestation")
			}
			// Anything a person must attest needs a way to record it.
			if !cl.ObservedSufficient && !slices.Contains(cl.Evidence, EvidenceDeclared) {
				t.Errorf("evidence %v lacks %q although a person must attest", cl.Evidence, EvidenceDeclared)
			}
		})
	}
}

func TestSaaSNotes(t *testing.T) {
	c := mustDefault(t)
	cl, _ := c.Claim("3.1.1")
	if !strings.Contains(cl.SaaS, "deployment pipeline") {
		t.Errorf("3.1.1 SaaS note = %q, want it to mention the deployment pipeline", cl.SaaS)
	}
}

func TestLookups(t *testing.T) {
	c := mustDefault(t)
	if p, ok := c.Principle("4.2"); !ok || p.Theme != "4" {
		t.Errorf("Principle(4.2) = %+v, %v; want theme 4", p, ok)
	}
	if th, ok := c.Theme("2"); !ok || len(th.Principles) != 2 {
		t.Errorf("Theme(2) = %+v, %v; want 2 principles", th, ok)
	}
	for _, id := range []string{"", "5", "1.5", "1.1.7", "x"} {
		if _, ok := c.Theme(id); ok {
			t.Errorf("Theme(%q) found", id)
		}
		if _, ok := c.Principle(id); ok {
			t.Errorf("Principle(%q) found", id)
		}
		if _, ok := c.Claim(id); ok {
			t.Errorf("Claim(%q) found", id)
		}
	}
	if _, ok := c.Role("open-source-maintainer"); ok {
		t.Error("Role(open-source-maintainer) found")
	}
}

func TestApplies(t *testing.T) {
	tests := []struct {
		role   string
		themes []string
	}{
		{"developer-distributor", []string{"1", "2", "3", "4"}},
		{"reseller", []string{"3", "4"}},
		{"developer-only", []string{"1", "2", "3"}},
		{"unknown-role", nil},
	}
	c := mustDefault(t)
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			if r, ok := c.Role(tt.role); ok {
				if diff := cmp.Diff(tt.themes, r.Themes); diff != "" {
					t.Errorf("role themes (-want +got):\n%s", diff)
				}
				if r.Note == "" {
					t.Error("empty note")
				}
			} else if tt.themes != nil {
				t.Fatalf("Role(%q) not found", tt.role)
			}
			for _, cl := range c.Claims() {
				want := slices.Contains(tt.themes, cl.Theme)
				if got := c.Applies(tt.role, cl.ID); got != want {
					t.Errorf("Applies(%q, %q) = %v, want %v", tt.role, cl.ID, got, want)
				}
			}
			if c.Applies(tt.role, "9.9.9") {
				t.Errorf("Applies(%q, unknown claim) = true", tt.role)
			}
		})
	}
	if n := len(c.Roles); n != 3 {
		t.Errorf("%d roles, want 3", n)
	}
}

func crosswalk(t *testing.T, c *Catalog, id string) Crosswalk {
	t.Helper()
	for _, x := range c.Crosswalks {
		if x.ID == id {
			return x
		}
	}
	t.Fatalf("crosswalk %q not found", id)
	return Crosswalk{}
}

func TestOSPSCrosswalk(t *testing.T) {
	// Every row of the OpenSSF OSPS Baseline -> UKSSCOP mapping.
	want := []CrosswalkEntry{
		{Control: "OSPS-AC-01", Title: "Use MFA for Sensitive Actions", Claims: []string{"1.4.2", "2.1.5", "2.2.2"}},
		{Control: "OSPS-AC-02", Title: "Restrict Collaborator Permissions", Claims: []string{"2.2.2"}},
		{Control: "OSPS-AC-03", Title: "Protect the Primary Branch from Accidental Modification", Claims: []string{"1.1.4", "2.2.2"}},
		{Control: "OSPS-AC-04", Title: "Enforce Least Privilege on CI/CD Pipelines", Claims: []string{"2.1.1", "2.1.3", "2.2.2"}},
		{Control: "OSPS-BR-01", Title: "Prevent Untrusted Input When Building & Releasing", Claims: []string{"2.1.2", "2.2.2"}},
		{Control: "OSPS-BR-02", Title: "Assign Unique Version Identifiers", Claims: []string{"1.1.4", "3.1.1", "3.4.2"}},
		{Control: "OSPS-BR-03", Title: "Use Encrypted Channels for Development & Release Activity", Claims: []string{"3.1.2"}},
		{Control: "OSPS-BR-04", Title: "Publish Change Log With Release", Claims: []string{"1.1.4", "2.2.3", "3.1.1"}},
		{Control: "OSPS-BR-05", Title: "Use Standardized Dependency Management Tools", Claims: []string{"1.2.1", "1.2.5"}},
		{Control: "OSPS-BR-06", Title: "Include Signatures and Hashes With Release", Claims: []string{"1.2.2", "3.1.1"}},
		{Control: "OSPS-BR-07", Title: "Secure Secrets and Credentials", Claims: []string{"1.4.3", "1.4.5"}},
		{Control: "OSPS-DO-01", Title: "Publish User Guides for Basic Functionality", Principles: []string{"4.1"}},
		{Control: "OSPS-DO-02", Title: "Provide Mechanisms for Reporting Defects", Principles: []string{"1.1", "1.3"}},
		{Control: "OSPS-DO-03", Title: "Publish Provenance Verification Instructions", Principles: []string{"3.1"}},
		{Control: "OSPS-DO-04", Title: "Publish Support Scope and Duration", Claims: []string{"4.1.1", "4.1.2", "4.2.1"}},
		{Control: "OSPS-DO-05", Title: "Document Security Update Scope and Duration", Claims: []string{"4.1.1", "4.2.1"}},
		{Control: "OSPS-DO-06", Title: "Publish Dependency Management Policy", Claims: []string{"1.2.1", "1.2.2"}},
		{Control: "OSPS-GV-01", Title: "Publish Project Roles and Responsibilities", Claims: []string{"2.1.1"}},
		{Control: "OSPS-GV-03", Title: "Publish Contribution Guide", Claims: []string{"2.1.1"}},
		{Control: "OSPS-QA-01", Title: "Publish Source Code and Change History", Claims: []string{"2.2.3"}},
		{Control: "OSPS-QA-02", Title: "Publish Software Dependencies", Claims: []string{"1.2.1", "1.2.2", "3.1.1"}},
		{Control: "OSPS-QA-03", Title: "Address Pass/Fail Checks Before Accepting Changes", Claims: []string{"1.3.2", "1.3.3"}},
		{Control: "OSPS-SA-01", Title: "Publish Design Descriptions of System Actors and Actions", Claims: []string{"1.1.5"}},
		{Control: "OSPS-SA-02", Title: "Publish External Interface Descriptions", Claims: []string{"1.1.5"}},
		{Control: "OSPS-SA-03", Title: "Maintain a Project Security Assessment", Claims: []string{"1.4.1"}},
		{Control: "OSPS-VM-01", Title: "Publish Coordinated Vulnerability Disclosure Policy", Claims: []string{"3.4.1", "3.5.1", "4.1.2"}},
		{Control: "OSPS-VM-02", Title: "Publish Contacts and Process for Reporting Vulnerabilities", Principles: []string{"3.2"}},
		{Control: "OSPS-VM-03", Title: "Maintain Private Vulnerability Reporting Process", Principles: []string{"3.2"}},
		{Control: "OSPS-VM-04", Title: "Publish Discovered Vulnerabilities", Principles: []string{"3.4", "3.5", "4.3"}},
		{Control: "OSPS-VM-05", Title: "Publish and Enforce a Dependency Remediation Policy", Principles: []string{"1.2", "3.3"}},
		{Control: "OSPS-VM-06", Title: "Publish and Enforce an Application Security Testing Policy", Principles: []string{"1.3", "1.4"}},
	}
	x := crosswalk(t, mustDefault(t), "osps-baseline")
	if x.Source != SourcePublished || x.Version != "2026-02-19" {
		t.Errorf("source, version = %q, %q; want %q, %q", x.Source, x.Version, SourcePublished, "2026-02-19")
	}
	if !strings.Contains(x.Note, "relates-to") {
		t.Errorf("note %q does not say the mappings are relates-to", x.Note)
	}
	if diff := cmp.Diff(want, x.Entries); diff != "" {
		t.Errorf("OSPS entries (-want +got):\n%s", diff)
	}
}

func TestSSDFCrosswalk(t *testing.T) {
	c := mustDefault(t)
	x := crosswalk(t, c, "nist-ssdf")
	if x.Source != SourceOurs {
		t.Errorf("source = %q, want %q", x.Source, SourceOurs)
	}
	if !strings.Contains(x.Note, "not published") {
		t.Errorf("note %q does not say the mapping is not published", x.Note)
	}
	covered := map[string]bool{}
	for _, e := range x.Entries {
		if e.Practice == "" || e.Control != "" {
			t.Errorf("entry %+v: want practice only", e)
		}
		if len(e.Principles) == 0 {
			t.Errorf("%s: no principles", e.Practice)
		}
		for _, p := range e.Principles {
			covered[p] = true
		}
		// A claim link must sit under one of the entry's principles.
		for _, id := range e.Claims {
			cl, _ := c.Claim(id)
			if !slices.Contains(e.Principles, cl.Principle) {
				t.Errorf("%s: claim %s is not under principles %v", e.Practice, id, e.Principles)
			}
		}
	}
	// Every principle except 4.2 (no SSDF counterpart) is covered.
	for _, p := range c.Principles() {
		if want := p.ID != "4.2"; covered[p.ID] != want {
			t.Errorf("principle %s covered = %v, want %v", p.ID, covered[p.ID], want)
		}
	}
}

func TestCrosswalkFor(t *testing.T) {
	tests := []struct {
		id   string
		want []CrosswalkRef
	}{
		{
			id: "3.2.1",
			want: []CrosswalkRef{
				{Crosswalk: "osps-baseline", Ref: "OSPS-VM-02", Title: "Publish Contacts and Process for Reporting Vulnerabilities", Source: "published", Via: "3.2"},
				{Crosswalk: "osps-baseline", Ref: "OSPS-VM-03", Title: "Maintain Private Vulnerability Reporting Process", Source: "published", Via: "3.2"},
				{Crosswalk: "nist-ssdf", Ref: "RV.1.3", Source: "ours", Via: "3.2.1"},
			},
		},
		{
			id: "3.2.2",
			want: []CrosswalkRef{
				{Crosswalk: "osps-baseline", Ref: "OSPS-VM-02", Title: "Publish Contacts and Process for Reporting Vulnerabilities", Source: "published", Via: "3.2"},
				{Crosswalk: "osps-baseline", Ref: "OSPS-VM-03", Title: "Maintain Private Vulnerability Reporting Process", Source: "published", Via: "3.2"},
				{Crosswalk: "nist-ssdf", Ref: "RV.1.3", Source: "ours", Via: "3.2"},
			},
		},
		{
			id: "3.2", // a principle: its own entries plus those naming its claims
			want: []CrosswalkRef{
				{Crosswalk: "osps-baseline", Ref: "OSPS-VM-02", Title: "Publish Contacts and Process for Reporting Vulnerabilities", Source: "published", Via: "3.2"},
				{Crosswalk: "osps-baseline", Ref: "OSPS-VM-03", Title: "Maintain Private Vulnerability Reporting Process", Source: "published", Via: "3.2"},
				{Crosswalk: "nist-ssdf", Ref: "RV.1.3", Source: "ours", Via: "3.2.1"},
			},
		},
		{
			id: "4.2.1",
			want: []CrosswalkRef{
				{Crosswalk: "osps-baseline", Ref: "OSPS-DO-04", Title: "Publish Support Scope and Duration", Source: "published", Via: "4.2.1"},
				{Crosswalk: "osps-baseline", Ref: "OSPS-DO-05", Title: "Document Security Update Scope and Duration", Source: "published", Via: "4.2.1"},
			},
		},
		{id: "9.9.9", want: nil},
		{id: "", want: nil},
	}
	c := mustDefault(t)
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, c.CrosswalkFor(tt.id)); diff != "" {
				t.Errorf("CrosswalkFor(%q) (-want +got):\n%s", tt.id, diff)
			}
		})
	}
}

// baseYAML is a small valid catalog that the rejection cases break.
const baseYAML = `
framework: {id: test, version: "1", claims_version: "1.0", title: Test, publisher: Us, url: "https://example.test"}
roles:
  - {id: developer, themes: ["1", "2"], note: all}
themes:
  - id: "1"
    title: One
    goal: g
    principles:
      - id: "1.1"
        title: P one one.
        summary: s
        claims:
          - id: "1.1.1"
            statement: First claim.
            automation: auto
            decision: {met_when: "it is seen", not_met_when: "", absence: unknown}
            evidence: [repo]
            signals: [a]
            attestation: x
            saas: ""
            remediation: [fix it]
          - id: "1.1.2"
            statement: Second claim.
            automation: partial
            decision: {met_when: "", not_met_when: "", absence: unknown}
            evidence: [repo, declared]
            signals: [b]
            attestation: y
            saas: ""
            remediation: [fix that]
  - id: "2"
    title: Two
    goal: g
    principles:
      - id: "2.1"
        title: P two one.
        summary: s
        claims:
          - id: "2.1.1"
            statement: Third claim.
            automation: human
            decision: {met_when: "", not_met_when: "", absence: unknown}
            evidence: [declared]
            signals: [c]
            attestation: z
            saas: ""
            remediation: [do it]
crosswalks:
  - id: other
    title: Other
    version: "1"
    source: published
    note: n
    entries:
      - {control: X-1, title: T, claims: ["1.1.1"]}
      - {control: X-2, principles: ["2.1"]}
`

func TestParseBase(t *testing.T) {
	c, err := Parse([]byte(baseYAML))
	if err != nil {
		t.Fatalf("Parse(baseYAML) error: %v", err)
	}
	cl, _ := c.Claim("2.1.1")
	if cl.Principle != "2.1" || cl.Theme != "2" {
		t.Errorf("claim 2.1.1 principle, theme = %q, %q", cl.Principle, cl.Theme)
	}
	if !c.Applies("developer", "2.1.1") {
		t.Error("Applies(developer, 2.1.1) = false")
	}
}

// dupPrinciple is a second principle 1.1, inserted at the end of theme 1.
const dupPrinciple = `      - id: "1.1"
        title: Again.
        summary: s
        claims:
          - id: "1.1.9"
            statement: Another claim.
            automation: auto
            decision: {met_when: "", not_met_when: "", absence: unknown}
            evidence: [repo]
            signals: [a]
            attestation: x
            saas: ""
            remediation: [fix it]
`

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name     string
		old, new string // replaced once in baseYAML
		wantErr  string
	}{
		{"duplicate claim id", `id: "1.1.2"`, `id: "1.1.1"`, "claim 1.1.1: duplicate id"},
		{"principle under wrong theme", `id: "2.1"`, `id: "1.2"`, "principle 1.2: id not under theme 2"},
		{"duplicate principle id", "  - id: \"2\"\n", dupPrinciple + "  - id: \"2\"\n", "principle 1.1: duplicate id"},
		{"duplicate theme id", `id: "2"`, `id: "1"`, `theme "1": duplicate id`},
		{"bad automation", "automation: partial", "automation: sometimes", `claim 1.1.2: invalid automation "sometimes"`},
		{"unknown key", "saas: \"\"\n            remediation: [fix it]", "saas: \"\"\n            severity: high\n            remediation: [fix it]", "field severity not found"},
		{"unknown top-level key", "roles:", "extra: 1\nroles:", "field extra not found"},
		{"claim under wrong principle", `id: "2.1.1"`, `id: "1.1.3"`, "claim 1.1.3: id not under principle 2.1"},
		{"malformed claim id", `id: "1.1.2"`, `id: "1.1.b"`, `claim "1.1.b": malformed id`},
		{"crosswalk to missing claim", `claims: ["1.1.1"]}`, `claims: ["1.1.9"]}`, `crosswalk other: X-1: unknown claim "1.1.9"`},
		{"crosswalk to missing principle", `principles: ["2.1"]}`, `principles: ["2.2"]}`, `crosswalk other: X-2: unknown principle "2.2"`},
		{"crosswalk entry without refs", `{control: X-2, principles: ["2.1"]}`, `{control: X-2}`, "X-2 maps to no claims or principles"},
		{"crosswalk entry with control and practice", `{control: X-2,`, `{control: X-2, practice: P.1,`, "set exactly one of control and practice"},
		{"duplicate crosswalk entry", `control: X-2`, `control: X-1`, "duplicate entry X-1"},
		{"bad crosswalk source", "source: published", "source: rumour", `invalid source "rumour"`},
		{"role with unknown theme", `themes: ["1", "2"]`, `themes: ["1", "3"]`, `role developer: unknown theme "3"`},
		{"bad evidence kind", "evidence: [repo]", "evidence: [screenshot]", `claim 1.1.1: invalid evidence kind "screenshot"`},
		{"no remediation", "remediation: [fix that]", "remediation: []", "claim 1.1.2: no remediation"},
		{"empty statement", "statement: Third claim.", `statement: ""`, "claim 2.1.1: empty statement"},
		{"human claim observed sufficient", "automation: human\n            decision: {met_when: \"\"", "automation: human\n            decision: {met_when: \"seen\"", "decision.met_when must be empty for a human claim"},
		{"bad absence", "decision: {met_when: \"it is seen\", not_met_when: \"\", absence: unknown}", "decision: {met_when: \"it is seen\", not_met_when: \"\", absence: maybe}", `decision.absence "maybe"`},
		{"absence without met_when", "automation: partial\n            decision: {met_when: \"\", not_met_when: \"\", absence: unknown}", "automation: partial\n            decision: {met_when: \"\", not_met_when: \"\", absence: decisive}", "decision.absence must be unknown"},
		{"missing claims version", `claims_version: "1.0", `, "", "framework: claims_version is empty"},
		{"second document", "\ncrosswalks:", "\n---\nfoo: 1\n---\ncrosswalks:", "more than one YAML document"},
		{"empty input", baseYAML, "", "empty document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.Replace(baseYAML, tt.old, tt.new, 1)
			if in == baseYAML {
				t.Fatalf("replacement %q not found in baseYAML", tt.old)
			}
			_, err := Parse([]byte(in))
			if err == nil {
				t.Fatal("Parse succeeded, want error")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestValidateHandBuilt(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Catalog)
		wantErr string
	}{
		{"unchanged", func(*Catalog) {}, ""},
		{"duplicate claim id", func(c *Catalog) { c.Themes[0].Principles[0].Claims[1].ID = "1.1.1" }, "claim 1.1.1: duplicate id"},
		{"claim principle field disagrees", func(c *Catalog) { c.Themes[0].Principles[0].Claims[0].Principle = "1.2" }, `principle field "1.2"`},
		{"bad automation", func(c *Catalog) { c.Themes[1].Principles[0].Claims[0].Automation = "AUTO" }, `invalid automation "AUTO"`},
		{"crosswalk to missing claim", func(c *Catalog) { c.Crosswalks[0].Entries[0].Claims = []string{"4.4.4"} }, `unknown claim "4.4.4"`},
		{"empty remediation step", func(c *Catalog) { c.Themes[0].Principles[0].Claims[0].Remediation[0] = " " }, "remediation 1 is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fresh(t)
			tt.mutate(c)
			err := c.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Validate() error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestValidateCollectsAllProblems(t *testing.T) {
	c := fresh(t)
	c.Themes[0].Principles[0].Claims[0].Automation = "bad"
	c.Themes[3].Principles[2].Claims[1].Remediation = nil
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate() succeeded, want error")
	}
	for _, want := range []string{"claim 1.1.1: invalid automation", "claim 4.3.2: no remediation"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestHandBuiltLookups(t *testing.T) {
	// A catalog built in code, without Parse filling parent ids.
	c := &Catalog{
		Framework: Framework{ID: "t", Version: "1", ClaimsVersion: "1", Title: "T"},
		Roles:     []Role{{ID: "r", Themes: []string{"2"}}},
		Themes: []Theme{{ID: "2", Title: "Two", Principles: []Principle{{ID: "2.1", Title: "P", Claims: []Claim{{
			ID: "2.1.1", Statement: "S", Automation: AutomationAuto, Evidence: []string{EvidenceRepo}, Remediation: []string{"r"},
		}}}}}},
		Crosswalks: []Crosswalk{{ID: "x", Source: SourceOurs, Entries: []CrosswalkEntry{{Practice: "P.1", Principles: []string{"2.1"}}}}},
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() error: %v", err)
	}
	if !c.Applies("r", "2.1.1") {
		t.Error("Applies(r, 2.1.1) = false")
	}
	want := []CrosswalkRef{{Crosswalk: "x", Ref: "P.1", Source: SourceOurs, Via: "2.1"}}
	if diff := cmp.Diff(want, c.CrosswalkFor("2.1.1")); diff != "" {
		t.Errorf("CrosswalkFor (-want +got):\n%s", diff)
	}
}

var update = flag.Bool("update", false, "rewrite data/*.json from the YAML catalog")

// The JSON form Default loads must be the YAML catalog exactly.
func TestEmbeddedJSONMatchesYAML(t *testing.T) {
	fromYAML, err := Parse(embedded)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		data, err := json.MarshalIndent(fromYAML, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("data/uk-sscop-2025-05-07.json", append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	fromJSON, err := parseJSON(embeddedJSON)
	if err != nil {
		t.Fatalf("data/uk-sscop-2025-05-07.json: %v (regenerate: go test ./internal/catalog -run TestEmbeddedJSONMatchesYAML -update)", err)
	}
	if diff := cmp.Diff(fromYAML, fromJSON); diff != "" {
		t.Errorf("data/uk-sscop-2025-05-07.json differs from the YAML catalog; regenerate it with go test ./internal/catalog -run TestEmbeddedJSONMatchesYAML -update (-yaml +json):\n%s", diff)
	}
}

// BenchmarkLoad compares the two forms of the embedded catalog: the YAML
// people edit and the JSON every command decodes.
func BenchmarkLoad(b *testing.B) {
	b.Run("yaml", func(b *testing.B) {
		for b.Loop() {
			if _, err := Parse(embedded); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			if _, err := parseJSON(embeddedJSON); err != nil {
				b.Fatal(err)
			}
		}
	})
}
