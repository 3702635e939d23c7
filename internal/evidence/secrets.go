package evidence

// Kinds of secret-scanning evidence.
const (
	// KindSecretScan records what the secret scan covered and whether a
	// limit cut it short, so rules can tell "none found" from "not looked".
	KindSecretScan Kind = "repo/secret-scan"
	// KindSecret is one committed secret found by a detector.
	KindSecret Kind = "repo/secret"
	// KindDefaultCredential is one default or weak credential shipped in
	// configuration, seed data or setup instructions.
	KindDefaultCredential Kind = "repo/default-credential"
	// KindSecretScannerConfig is a configuration file of a secret scanner.
	KindSecretScannerConfig Kind = "repo/secret-scanner-config"
)

// Scopes of a file: what part of the repository it belongs to. Only
// ScopeProduct decides claims about what ships; the others are reported
// apart.
const (
	ScopeProduct = "product"
	ScopeTest    = "test"    // tests, fixtures, test data, mocks
	ScopeExample = "example" // examples, samples, demos, tutorials
	ScopeDocs    = "docs"    // documentation: docs/, README, *.md
	ScopeVendor  = "vendor"  // third-party code copied into the tree
	// ScopeUnshipped: a product-looking file that .gitattributes
	// export-ignore leaves out of the source archive.
	ScopeUnshipped = "unshipped"
	// ScopeUnpublished is a key or certificate file in a workspace member
	// that is never published while another member is.
	ScopeUnpublished = "unpublished"
)

// SecretScan summarises one secret scan of the tree.
type SecretScan struct {
	Detectors    int   // secret detectors run on each file
	Files        int   // files read and scanned
	Bytes        int64 // bytes scanned
	ProductFiles int   // of Files, those in ScopeProduct
	BuildFiles   int   // of Files, CI and build definitions
	// Files not scanned, by reason.
	SkippedBinary     int
	SkippedLarge      int // larger than MaxFile
	SkippedUnreadable int
	SkippedGenerated  int // lockfiles and other generated files
	MaxFile           int64
	// Cut names the limit that stopped the scan early ("" when it covered
	// every file): "byte budget of N bytes", "time limit of 60s".
	Cut string
	// Unscanned counts files the scan did not reach because of Cut, and
	// how many of them are product and build files.
	Unscanned        int
	UnscannedProduct int
	UnscannedBuild   int
}

// Kind implements Fact.
func (SecretScan) Kind() Kind { return KindSecretScan }

// Secret is a committed secret. It never carries the secret's value: only
// what kind it is, where it is and a fingerprint to tell two apart.
type Secret struct {
	Detector    string // detector name, "secrets/privatekey"
	Path        string
	Line        int
	Fingerprint string // first 8 hex digits of the SHA-256 of the value
	Scope       string // ScopeProduct, ScopeTest, ...
	Build       bool   // the file is a CI or build definition
	// ClientConfig: the key sits in a Firebase web-app configuration (next
	// to its authDomain), the browser-side settings every copy of the app
	// is served. Google documents those keys as identifiers, not secrets;
	// what they may call is restricted in the Google Cloud console.
	ClientConfig bool
}

// Kind implements Fact.
func (Secret) Kind() Kind { return KindSecret }

// Forms of a default credential.
const (
	CredSetting     = "setting"           // a password-like key set to a literal
	CredSQL         = "sql"               // SQL seed data or a CREATE USER ... IDENTIFIED BY
	CredInstruction = "login-instruction" // prose telling users to log in with a default account
)

// DefaultCredential is a default or weak credential shipped with the
// product. Like Secret, it carries no value.
type DefaultCredential struct {
	Path        string
	Line        int
	Key         string // the setting or column it is assigned to, sanitised; may be empty
	Form        string // CredSetting, CredSQL, CredInstruction
	Reason      string // why it is a default: "a well-known default password", "the same as the user name"
	Fingerprint string
	Scope       string
	Build       bool
}

// Kind implements Fact.
func (DefaultCredential) Kind() Kind { return KindDefaultCredential }

// SecretScannerConfig is a secret scanner's configuration committed to the
// repository: .gitleaks.toml, .secrets.baseline, .github/secret_scanning.yml.
type SecretScannerConfig struct {
	Path string
	Tool string // "gitleaks", "trufflehog", "detect-secrets", "ggshield", "github-secret-scanning"
}

// Kind implements Fact.
func (SecretScannerConfig) Kind() Kind { return KindSecretScannerConfig }
