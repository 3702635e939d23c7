package evidence

import "time"

// Kinds of support-lifecycle, incident and publication evidence.
const (
	KindReleaseLine   Kind = "lifecycle/release-line"
	KindLifecycle     Kind = "lifecycle/declaration"
	KindDocument      Kind = "lifecycle/document"
	KindIncident      Kind = "incident/record"
	KindAdvisory      Kind = "incident/advisory"
	KindSecurityFix   Kind = "incident/security-fix"
	KindFramework     Kind = "lifecycle/framework"
	KindHistoryWalked Kind = "lifecycle/history"
)

// Lifecycle says where the product's lifecycle was declared, if anywhere.
type Lifecycle struct {
	Sources         []string // "assay.yaml", a lifecycle file path
	PolicyRef       string   // support policy: path or URL
	UpdatePolicyRef string
	UpdateFrequency time.Duration // stated cadence; 0 when not stated
	NoticePeriod    time.Duration // promised notice; 0 when not stated
	HistoryUsed     bool          // announcement dates could be read from git
	// SupportRule is a support rule written without dates ("only the
	// latest version is supported"), with where it was read.
	SupportRule     string
	SupportRulePath string
	SupportRuleLine int
	// NoticeMonths is a notice commitment written in a support document
	// ("12 months' notice", or "the previous major release is supported
	// for no less than 2 years" after its successor ships), with where it
	// was read; 0 when no document makes one.
	NoticeMonths int
	// NoticeAfterSuccessor: NoticeMonths is support kept for a line after
	// its successor ships, not an explicit notice period.
	NoticeAfterSuccessor bool
	NoticePath           string
	NoticeLine           int
	NoticeQuote          string
}

// Kind implements Fact.
func (Lifecycle) Kind() Kind { return KindLifecycle }

// ReleaseLine is one release line with its support dates.
type ReleaseLine struct {
	Version              string
	Released             time.Time
	EndOfSecuritySupport time.Time
	EndOfLife            time.Time
	TBA                  bool // the source says the end date is "to be announced"
	// Current: a document marks the line as the latest or active one and
	// gives it no end date yet.
	Current bool
	// Ended: a document marks the line as past its end (end of life,
	// unsupported) without giving the date.
	Ended bool
	// Announced is when the end date was first published: declared, or the
	// date of the commit that first introduced it.
	Announced      time.Time
	AnnouncedBy    string // "declared", "git", "uncommitted" or ""
	AnnounceCommit string
	Tags           []string // release tags that belong to this line
	Source         string   // file the line was read from
	Line           int
}

// Kind implements Fact.
func (ReleaseLine) Kind() Kind { return KindReleaseLine }

// EndOfSupport is the date support ends: end of security support, or end of
// life when only that is given.
func (l ReleaseLine) EndOfSupport() time.Time {
	if !l.EndOfSecuritySupport.IsZero() {
		return l.EndOfSecuritySupport
	}
	return l.EndOfLife
}

// Document is a customer-facing document found or declared for a purpose,
// with the topics it covers.
type Document struct {
	Purpose  string // "update_policy", "user_docs", "incident_plan", "support_policy", "framework"
	Ref      string // path or URL
	URL      bool
	Found    bool   // the path exists in the tree
	Declared bool   // named in assay.yaml rather than found by convention
	Problem  string // why it could not be read
	Topics   []TopicHit
}

// TopicHit is one topic a document covers and where.
type TopicHit struct {
	Topic string
	Path  string
	Line  int
}

// Kind implements Fact.
func (Document) Kind() Kind { return KindDocument }

// Framework is the declared secure development framework.
type Framework struct {
	Name, Version, Document string
	DocumentFound           bool
	NamedInDocument         bool // the document mentions the framework by name
	Line                    int
}

// Kind implements Fact.
func (Framework) Kind() Kind { return KindFramework }

// Incident is one entry of the declared incident log.
type Incident struct {
	ID, Title, Severity string
	Started             time.Time
	CustomersNotified   time.Time
	Resolved            time.Time
	Report              string
	Line                int
}

// Kind implements Fact.
func (Incident) Kind() Kind { return KindIncident }

// Advisory is one declared security advisory.
type Advisory struct {
	ID, CVE, GHSA, Title string
	Published            time.Time
	Line                 int
}

// Kind implements Fact.
func (Advisory) Kind() Kind { return KindAdvisory }

// SecurityFix is a commit whose message names vulnerability ids.
type SecurityFix struct {
	Commit string
	Date   time.Time
	IDs    []string // CVE-... and GHSA-... ids named in the message
	Title  string   // first line of the message
	// Context is, for each of IDs, the line of the message that names it
	// (cleaned, at most 200 bytes): "Update exporter-toolkit (CVE-...)"
	// says whose vulnerability it is.
	Context []string
}

// Kind implements Fact.
func (SecurityFix) Kind() Kind { return KindSecurityFix }

// HistoryWalked records that commit messages were scanned for security
// fixes, so "no fixes found" can be told apart from "not looked".
type HistoryWalked struct {
	Commits   int
	Truncated bool
}

// Kind implements Fact.
func (HistoryWalked) Kind() Kind { return KindHistoryWalked }
