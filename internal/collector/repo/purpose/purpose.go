// Package purpose finds statements, in the README and the security file,
// that the software is vulnerable or insecure on purpose: training targets
// and deliberately broken labs whose vulnerabilities will never be fixed.
package purpose

import (
	"context"
	"strings"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/textsafe"
)

// Name of the collector.
const Name = "repo/purpose"

// Collector reads purpose statements.
type Collector struct{}

// New returns the collector.
func New() collector.Collector { return Collector{} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind {
	return []evidence.Kind{evidence.KindVulnerableOnPurpose, evidence.KindVulnerablePurposeRan}
}

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// Files are where a project states its purpose.
var Files = []string{"README.md", "README", "README.rst", "README.txt", "README.markdown", "SECURITY.md", ".github/SECURITY.md", "docs/SECURITY.md", "SECURITY.rst", "SECURITY.txt"}

// onPurpose matches a statement that vulnerabilities are there by design.
// "Vulnerable" alone is not enough: a README may warn about a vulnerable
// old version.
var onPurpose = lazyre.New(`(?i)\bdamn(?:ed)? vulnerable\b|\b(?:intentionally|deliberately|purposely|purposefully|knowingly|designed to be|made to be|built to be)\s+(?:(?:very|highly|extremely|completely)\s+)?(?:vulnerable|insecure|broken)\b|\bvulnerable by design\b|\binsecure by design\b|\b(?:intentional|deliberate)(?:\s+and\s+unintentional)?\s+(?:security\s+)?vulnerab\w*|\b(?:contains|includes|has)\s+(?:intentional|deliberate)\s+(?:security\s+)?(?:vulnerab\w*|flaws)`)

// fixesEnded matches a statement that no version will get security fixes
// any more: an archived or wound-down project ("There will be no further
// releases, bug fixes, or security fixes.", "No version receives security
// fixes."). Its vulnerabilities stay unfixed as surely as a training
// target's. A statement about one line ("no further security fixes for
// 1.x", "Version 1 receives no security fixes") names an end of support,
// not the product's, so the phrase must end the sentence or name the
// project itself.
var fixesEnded = lazyre.New(`(?i)\bthere will be no (?:further|more) (?:[\w ,-]{0,60}?\s)?security (?:fixes|patches|updates|releases)\s*(?:[.!;]|$)|\bno (?:versions?|releases?) (?:receives?|gets?|will receive|is receiving) (?:any )?security (?:fixes|patches|updates)\b|\bno (?:further|more) security (?:fixes|patches|updates) will be (?:released|made|shipped|provided|published)\s*(?:[.!;]|$)|\b(?:this|the) (?:project|software|repository|application|app|library|package|tool) (?:no longer receives|will no longer receive|will receive no|receives no) (?:further |more |any )?security (?:fixes|patches|updates)\s*(?:[.!;]|$)`)

// Find returns the statements in one file.
func Find(p string, data []byte) []evidence.VulnerableOnPurpose {
	var out []evidence.VulnerableOnPurpose
	for i, l := range strings.Split(string(data), "\n") {
		if i > 5000 || len(out) >= 5 {
			break
		}
		if m := onPurpose.FindString(l); m != "" {
			out = append(out, evidence.VulnerableOnPurpose{Path: p, Line: i + 1, Text: textsafe.Truncate(textsafe.Clean(m), 80)})
		} else if m := fixesEnded.FindString(l); m != "" {
			out = append(out, evidence.VulnerableOnPurpose{Path: p, Line: i + 1, Text: textsafe.Truncate(textsafe.Clean(strings.TrimRight(m, ".!; ")), 80), Ended: true})
		}
	}
	return out
}

// Collect implements collector.Collector.
func (Collector) Collect(_ context.Context, in *collector.Input) ([]evidence.Record, error) {
	var out []evidence.Record
	scan := evidence.PurposeScan{}
	for _, e := range in.Tree.FindFold(Files...) {
		data, err := in.Tree.ReadFile(e.Path, limits.MaxSmallFileSize)
		if err != nil {
			continue
		}
		scan.Files = append(scan.Files, e.Path)
		for _, f := range Find(e.Path, data) {
			out = append(out, evidence.Record{Fact: f, Provenance: in.Provenance(Name, evidence.Location{Path: f.Path, Line: f.Line}, "")})
		}
	}
	out = append(out, evidence.Record{Fact: scan, Provenance: in.Provenance(Name, evidence.Location{}, "")})
	return out, nil
}
