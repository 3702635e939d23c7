package release

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

func stableTag(name string, day int, annotated, signed, pre bool) evidence.Record {
	return at(evidence.ReleaseTagSignature{Tag: name, Date: time.Date(2026, 1, day, 0, 0, 0, 0, time.UTC),
		Annotated: annotated, Signed: signed, Prerelease: pre, Format: map[bool]string{true: "openpgp"}[signed]}, "refs/tags/"+name, 0)
}

func TestLatestReleaseTagsSigned(t *testing.T) {
	tests := []struct {
		name string
		recs []evidence.Record
		want rule.Outcome
		neg  rule.Negative
		say  string
	}{
		{"no tags", nil, rule.NotApplicable, "", "no stable release tags"},
		{"a lightweight nightly newer than signed releases is ignored",
			[]evidence.Record{stableTag("v2.18.0-abc-nightly", 20, false, false, true), stableTag("v2.17.1", 10, true, true, false), stableTag("v2.17.0", 5, true, true, false)},
			rule.True, "", "v2.17.1 (openpgp)"},
		{"newest stable unsigned is a violation even with an older signed one",
			[]evidence.Record{stableTag("v2.88.1", 20, true, false, false), stableTag("v2.88.0", 10, true, false, false), stableTag("v2.87.1", 5, true, true, false)},
			rule.False, rule.Violation, "v2.88.1 (annotated, unsigned)"},
		{"signing adopted recently still counts",
			[]evidence.Record{stableTag("1.2.0", 20, true, true, false), stableTag("1.1.0", 10, false, false, false)},
			rule.True, "", "older ones are not: 1.1.0 (lightweight)"},
		{"monorepo tags are ordered by date, not version",
			[]evidence.Record{stableTag("core-v0.5.2", 20, true, true, false), stableTag("extra-v0.12.0", 1, false, false, false)},
			rule.True, "", "core-v0.5.2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := latestReleaseTagsSigned(evidence.NewSet(tc.recs...))
			if len(fs) != 1 {
				t.Fatalf("got %d findings: %v", len(fs), fs)
			}
			f := fs[0]
			if d := cmp.Diff([]any{tc.want, tc.neg}, []any{f.Outcome, f.Negative}); d != "" || !strings.Contains(f.Message, tc.say) {
				t.Errorf("%s %s %q, want %s %s containing %q", f.Outcome, f.Negative, f.Message, tc.want, tc.neg, tc.say)
			}
		})
	}
}

func TestInferredChannels(t *testing.T) {
	pk := evidence.Packaging{
		Channels: []evidence.PackageChannel{
			{Channel: "pypi", Name: "lib", Path: "pyproject.toml", Line: 2},
			{Channel: "npm", Name: "lib", Path: "package.json", Line: 2, URL: "http://npm.internal.example.net"},
			{Channel: "maven", Path: "pom.xml", Line: 9, URL: "https://repo.example.net/releases"},
		},
		Downloads: []evidence.DownloadMention{
			{Path: "INSTALL.md", Line: 4, URL: "http://dl.vendor.net/tool.tar.gz"},
			// Prose linking another program's homepage: a person must read it.
			{Path: "README.md", Line: 80, URL: "http://www.greenwoodsoftware.com/less/download.html", Link: true},
		},
	}
	wf := evidence.CIPipeline{Path: ".github/workflows/r.yml", System: evidence.CIGitHubActions,
		Triggers: []evidence.CITrigger{{Event: "push", Tags: []string{"v*"}}},
		Jobs:     []evidence.CIJob{{ID: "r", Steps: []evidence.CIStep{{Line: 9, Uses: "softprops/action-gh-release@v2"}}}}}
	fs := distributionChannelsUseHTTPS(evidence.NewSet(rec(pk), rec(wf)))
	type got struct {
		O    rule.Outcome
		N    rule.Negative
		Path string
	}
	var gs []got
	for _, f := range fs {
		gs = append(gs, got{f.Outcome, f.Negative, f.Location.Path})
	}
	want := []got{
		{rule.False, rule.Violation, "package.json"},
		{rule.False, rule.Violation, "INSTALL.md"},
		{rule.True, "", "pyproject.toml"},
		{rule.True, "", "pom.xml"},
		{rule.NotAvailable, "", "README.md"},
		{rule.True, "", ".github/workflows/r.yml"},
	}
	if d := cmp.Diff(want, gs); d != "" {
		t.Errorf("(-want +got):\n%s\n%v", d, fs)
	}
	if fs := distributionChannelsUseHTTPS(evidence.NewSet(rec(evidence.Packaging{}))); len(fs) != 1 || fs[0].Outcome != rule.NotApplicable {
		t.Errorf("nothing distributed: got %v, want one not_applicable", fs)
	}
}

// A publish command's address can come through the step's environment,
// also when the command is read from a script the step runs; each publish
// is checked for plain http://, not only the first of its channel.
func TestInferredChannelsReadStepEnvironment(t *testing.T) {
	push := "dotnet nuget push $_ --source $Env:NUGET_URL --api-key $Env:NUGET_API_KEY\n"
	job := func(id, url string) evidence.CIJob {
		return evidence.CIJob{ID: id, Steps: []evidence.CIStep{
			{Line: 20, Run: "./Build.ps1"},
			{Line: 24, Run: "./Push.ps1", Env: map[string]string{"NUGET_URL": url, "NUGET_API_KEY": "${{ secrets.KEY }}"}},
			{Line: 24, Run: push, RunLine: 1, File: "Push.ps1"},
		}}
	}
	wf := func(path, url string) evidence.CIPipeline {
		return evidence.CIPipeline{Path: path, System: evidence.CIGitHubActions,
			Triggers: []evidence.CITrigger{{Event: "push", Tags: []string{"*"}}},
			Jobs:     []evidence.CIJob{job("build", url)}}
	}
	tests := []struct {
		name string
		pls  []evidence.CIPipeline
		want []string
	}{
		{"https feed named in the step env", []evidence.CIPipeline{wf(".github/workflows/ci.yml", "https://www.myget.org/F/dev/api/v3/index.json")},
			[]string{"true: https://www.myget.org/F/dev/api/v3/index.json"}},
		{"a later publish to a plain http feed", []evidence.CIPipeline{
			wf(".github/workflows/ci.yml", "https://api.nuget.org/v3/index.json"),
			wf(".github/workflows/release.yml", "http://feed.example.net/nuget"),
		}, []string{"false: http://feed.example.net/nuget", "true: https://api.nuget.org/v3/index.json"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := []evidence.Record{rec(evidence.Packaging{})}
			for _, pl := range tc.pls {
				recs = append(recs, rec(pl))
			}
			var got []string
			for _, f := range distributionChannelsUseHTTPS(evidence.NewSet(recs...)) {
				u := ""
				for _, w := range strings.Fields(f.Message) {
					w = strings.Trim(w, "()")
					if strings.HasPrefix(w, "http://") || strings.HasPrefix(w, "https://") {
						u = w
					}
				}
				got = append(got, string(f.Outcome)+": "+u)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
