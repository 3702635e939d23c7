package pipelines

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
)

// coverageConfigs are the root files where coverage.py reads its report
// settings, each with the section that holds fail_under.
var coverageConfigs = []struct{ path, section string }{
	{"pyproject.toml", "tool.coverage.report"},
	{".coveragerc", "report"},
	{"setup.cfg", "coverage:report"},
	{"tox.ini", "coverage:report"},
}

var (
	sectionRe   = lazyre.New(`^\[\s*([^\]]+?)\s*\]\s*(?:#.*)?$`)
	failUnderRe = lazyre.New(`^fail_under\s*[=:]\s*["']?(\d+(?:\.\d+)?)["']?\s*(?:[#;].*)?$`)
)

// coverageThresholds reads coverage.py's fail_under from the root
// configuration files. coverage.py (coverage report, and pytest-cov when no
// --cov-fail-under is given) fails below it, so the threshold binds every CI
// run of the report. A zero threshold checks nothing and is left out.
func coverageThresholds(in *collector.Input) []evidence.CoverageThreshold {
	var out []evidence.CoverageThreshold
	for _, cf := range coverageConfigs {
		if !in.Tree.Exists(cf.path) {
			continue
		}
		data, err := in.Tree.ReadFile(cf.path, limits.MaxSmallFileSize)
		if err != nil {
			// An unreadable file sets no threshold Assay can show; the
			// rule then reports no gate, which is an absence, not a
			// violation.
			continue
		}
		if t, ok := FailUnder(cf.path, cf.section, data); ok {
			out = append(out, t)
		}
	}
	return out
}

// FailUnder finds fail_under in section of an INI or TOML file.
func FailUnder(path, section string, data []byte) (evidence.CoverageThreshold, bool) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	cur, line := "", 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if m := sectionRe.FindStringSubmatch(t); m != nil {
			cur = strings.Trim(m[1], `"' `)
			continue
		}
		if cur != section {
			continue
		}
		m := failUnderRe.FindStringSubmatch(t)
		if m == nil {
			continue
		}
		if v, err := strconv.ParseFloat(m[1], 64); err != nil || v <= 0 {
			return evidence.CoverageThreshold{}, false
		}
		return evidence.CoverageThreshold{Path: path, Line: line, Tool: "coverage.py", Value: m[1]}, true
	}
	return evidence.CoverageThreshold{}, false
}
