package evidence

// InsightsDocument is the disclosure-relevant content of a Security Insights file.
type InsightsDocument struct {
	SchemaVersion string // header.schema-version as written, e.g. "1.0.0", "2.2.0"
	Major         int    // 1 or 2

	Reporting InsightsReporting

	// DistributionPoints: v1 top-level distribution-points[] (strings);
	// v2 repository.release.distribution-points[].uri / .comment.
	DistributionPoints []InsightsLink

	// ProjectSource is v2 header.project-si-source: the file that project
	// information (including vulnerability reporting) is inherited from.
	ProjectSource string

	// Lines maps dotted key paths to 1-based lines, for evidence locations.
	// Sequence items use their index: "repository.release.distribution-points.0.uri".
	Lines map[string]int

	// Problems are non-fatal findings: values of the wrong type (left unset),
	// required reporting fields missing, truncated lists or strings.
	Problems []InsightsProblem
}

// InsightsReporting is the vulnerability-reporting block.
type InsightsReporting struct {
	Present bool // the vulnerability-reporting block exists
	Line    int  // line of its key

	AcceptsReports *bool // v1 accepts-vulnerability-reports; v2 reports-accepted

	BugBountyAvailable *bool  // bug-bounty-available
	BugBountyURL       string // v1 bug-bounty-url; v2 bug-bounty-program

	// Contact is an e-mail address when one is given (v1 email-contact, else
	// the primary e-mail in security-contacts; v2 contact.email), otherwise
	// the v2 contact.name. ContactName is v2 contact.name.
	Contact     string
	ContactName string

	// PolicyURL is v1 security-policy; v2 policy (2.2+) or security-policy
	// (2.0/2.1), falling back to repository.documentation.security-policy.
	// PolicySource is the dotted path it was read from.
	PolicyURL    string
	PolicySource string

	PGPKey string // pgp-key (a key, or a URL to one)

	InScope, OutOfScope []string // v1 in-scope / out-scope; v2 in-scope / out-of-scope
}

// InsightsLink is a URI with an optional comment.
type InsightsLink struct {
	URI     string
	Comment string
	Line    int
}

// InsightsProblem is a non-fatal finding with its line.
type InsightsProblem struct {
	Line    int
	Message string
}
