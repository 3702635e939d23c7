package evidence

// KindPackaging is what the repository's package manifests and release
// scripts say about how releases are distributed and signed.
const KindPackaging Kind = "release/packaging"

// Packaging lists the distribution channels that package manifests imply,
// the signing set up in build files and release scripts, the publish
// commands in release scripts outside CI, and download commands in
// installation documents.
type Packaging struct {
	Channels  []PackageChannel
	Signing   []SigningConfig
	Manual    []ScriptPublish // publish commands in release scripts (run by hand)
	Downloads []DownloadMention
	Scanned   int // files read
}

// Kind implements Fact.
func (Packaging) Kind() Kind { return KindPackaging }

// PackageChannel is one registry or download place a manifest publishes to.
type PackageChannel struct {
	Channel string // "pypi", "npm", "crates.io", "maven", "packagist", "rubygems", "go-proxy", "nuget", "cocoapods"
	Name    string // package name, when declared
	Path    string
	Line    int
	// URL is the repository URL the manifest declares (Maven
	// distributionManagement, publishConfig.registry); "" means the
	// channel's public registry.
	URL string
}

// SigningConfig is signing configured in a build file or release script.
type SigningConfig struct {
	Tool   string // "maven-gpg-plugin", "gradle-signing", "gpg", "cosign", "minisign", "npm-provenance"
	Path   string
	Line   int
	Detail string
}

// ScriptPublish is a publish command in a release script the repository
// keeps outside CI.
type ScriptPublish struct {
	Path    string
	Line    int
	Command string
}

// DownloadMention is a download command or link in an installation
// document that fetches over plain http://.
type DownloadMention struct {
	Path string
	Line int
	URL  string
	Text string
	// Link is a web page linked from prose that speaks of downloading,
	// with no download command and no archive in the URL: it may be the
	// product's download page or another program's homepage.
	Link bool
}
