package evidence

// ContactKind classifies a reporting channel.
type ContactKind string

// Contact kinds.
const (
	// ContactEmail is an e-mail address (mailto: link, autolink or plain text).
	ContactEmail ContactKind = "email"
	// ContactPrivateAdvisory is GitHub private vulnerability reporting: a
	// .../security/advisories/new link, or wording such as "private
	// vulnerability reporting" or "report a vulnerability" via the Security tab.
	ContactPrivateAdvisory ContactKind = "private-advisory"
	// ContactGitLabConfidentialIssue is a GitLab confidential issue.
	ContactGitLabConfidentialIssue ContactKind = "gitlab-confidential-issue"
	// ContactBugBounty is a bug bounty platform (HackerOne, Bugcrowd, Intigriti,
	// YesWeHack, huntr, Immunefi, ...).
	ContactBugBounty ContactKind = "bug-bounty"
	// ContactSecurityTxt is a link to a security.txt file.
	ContactSecurityTxt ContactKind = "security-txt"
	// ContactWebForm is an https URL in a sentence about reporting, submitting
	// or disclosing.
	ContactWebForm ContactKind = "web-form"
	// ContactPublicIssue is an instruction to open a public issue for a
	// vulnerability: not confidential.
	ContactPublicIssue ContactKind = "public-issue"
)

// PolicyContact is one reporting channel found in the policy.
type PolicyContact struct {
	Kind ContactKind
	// Value is the address or URL; for channels recognised from wording
	// alone it is the wording matched (e.g. "private vulnerability reporting").
	Value        string
	Line         int
	Confidential bool // false for public issues and public mailing lists
}

// PolicyPointer is a link to a disclosure policy published elsewhere.
type PolicyPointer struct {
	URL  string
	Line int
}

// PolicyHeading is a Markdown heading (ATX "# x" or setext "x\n===").
type PolicyHeading struct {
	Text  string
	Level int
	Line  int
}

// PolicyAnalysis is what the SECURITY file analysis found. Each XLine is the first line with evidence
// for X, 0 when X is false.
type PolicyAnalysis struct {
	Lines int // lines in the file
	Words int // words outside HTML comments, headings included

	Headings []PolicyHeading
	Contacts []PolicyContact

	MentionsEncryption bool // PGP/GPG key, fingerprint, encrypted e-mail
	EncryptionLine     int

	SupportedVersions     bool // a "supported versions" section or table
	SupportedVersionsLine int

	ResponseTimeline     bool // commits to acknowledgement/response times
	ResponseTimelineLine int

	DisclosureTimeline     bool // e.g. "90 day disclosure timeline", coordinated disclosure, embargo
	DisclosureTimelineLine int

	SafeHarbour     bool // safe harbour / no legal action against good-faith research
	SafeHarbourLine int

	// RefusesReports: the text tells people not to report vulnerabilities
	// at all ("please do not report them", "we do not accept
	// vulnerability reports"), as deliberately vulnerable projects do.
	RefusesReports bool
	RefusalLine    int
	Refusal        string // the words matched

	// Pointers are links to a policy kept somewhere else: an
	// organisation-level .github repository, another repository's
	// SECURITY file, the forge's security-policy page or a web page about
	// the policy. They are not reporting channels.
	Pointers []PolicyPointer

	Empty bool // no meaningful text: only whitespace, headings and comments

}
