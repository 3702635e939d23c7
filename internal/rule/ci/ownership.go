package ci

import (
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

func codeownersCoverBuild(ev *evidence.Set) []rule.Finding {
	const id = CodeownersCoverBuild
	var files []string
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		files = append(files, it.Fact.Path)
	}
	for _, it := range evidence.Facts[evidence.Dockerfile](ev) {
		files = append(files, it.Fact.Path)
	}
	if scan, ok := evidence.First[evidence.CIScan](ev); ok {
		for _, f := range unparsed(scan.Fact) {
			files = append(files, f.Path)
		}
	}
	if len(files) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no CI definitions or Dockerfiles to own")}
	}
	co, ok := evidence.First[evidence.CodeOwners](ev)
	if !ok {
		return []rule.Finding{rule.Absent(id, evidence.Location{}, "no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS or .gitlab/CODEOWNERS) names owners for %d build files", len(files))}
	}
	files = append(files, co.Fact.Path)
	var out []rule.Finding
	covered := 0
	for _, f := range files {
		if owners, _ := co.Fact.Owners(f); len(owners) == 0 {
			out = append(out, rule.Absent(id, loc(f, 0), "%s has no code owner in %s", f, co.Fact.Path))
			continue
		}
		covered++
	}
	if len(out) > 0 {
		return out
	}
	return []rule.Finding{rule.New(id, rule.True, loc(co.Fact.Path, 0), "%s names owners for all %d CI definitions, Dockerfiles and itself", co.Fact.Path, covered)}
}
