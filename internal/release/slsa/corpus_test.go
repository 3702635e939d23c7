package slsa_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaysec/assay/internal/release/intoto"
	"github.com/assaysec/assay/internal/release/slsa"
)

const provDir = "../../../../shared/corpus/provenance/slsa-verifier"

// TestCorpusProvenance checks every SLSA sample: its subject digest is the
// artefact's (ARTIFACT-DIGESTS.txt), and its builder id and source
// repository are the ones that project's release workflow uses.
func TestCorpusProvenance(t *testing.T) {
	digests, err := os.ReadFile(filepath.Join(provDir, "ARTIFACT-DIGESTS.txt"))
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	want := map[string]string{} // artefact path -> sha256
	sc := bufio.NewScanner(bytes.NewReader(digests))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && !strings.HasPrefix(f[0], "#") {
			want[f[2]] = f[0]
		}
	}
	expect := []struct {
		prefix, builder, repo string
		level                 int
	}{
		{"gha_generic/", "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/", "github.com/slsa-framework/example-package", 3},
		{"gha_go/", "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@refs/tags/", "github.com/slsa-framework/example-package", 3},
		{"bcr/rules_lint", "https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml@refs/tags/v7.1.0", "github.com/aspect-build/rules_lint", 0},
		{"bcr/MODULE", "https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1", "github.com/aspect-build/rules_lint", 3},
		{"npm/gha/provenance-npm-test-ossf", "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_nodejs_slsa3.yml@refs/tags/v1.6.0", "", 3},
		{"npm/gha/", "https://github.com/actions/runner", "", 2},
	}
	checked := 0
	for artefact, sum := range want {
		var attPath string
		for _, ext := range []string{".intoto.jsonl", ".json"} {
			if _, err := os.Stat(filepath.Join(provDir, artefact+ext)); err == nil {
				attPath = artefact + ext
			}
		}
		if attPath == "" {
			t.Errorf("%s: no attestation file", artefact)
			continue
		}
		t.Run(attPath, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(provDir, attPath))
			if err != nil {
				t.Fatal(err)
			}
			atts, err := intoto.ParseFile(data)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, a := range atts {
				st, err := intoto.ParseStatement(a.Envelope.PayloadType, a.Envelope.Payload)
				if err != nil {
					t.Fatal(err)
				}
				if !slsa.IsProvenance(st.PredicateType) {
					continue
				}
				found = true
				p, err := slsa.Parse(st.PredicateType, st.Predicate)
				if err != nil {
					t.Fatal(err)
				}
				matched := false
				for _, s := range st.Subject {
					if s.Digest["sha256"] == sum {
						matched = true
					}
				}
				if !matched && st.Subject[0].Digest["sha256"] != "" {
					t.Errorf("no subject has sha256 %s: %+v", sum, st.Subject)
				}
				for _, e := range expect {
					if !strings.HasPrefix(attPath, e.prefix) {
						continue
					}
					if !strings.HasPrefix(p.BuilderID, e.builder) {
						t.Errorf("builder %q, want prefix %q", p.BuilderID, e.builder)
					}
					if e.repo != "" && p.SourceRepo != e.repo {
						t.Errorf("source repo %q, want %q", p.SourceRepo, e.repo)
					}
					if e.repo == "" && !strings.HasPrefix(p.SourceRepo, "github.com/") {
						t.Errorf("source repo %q not read", p.SourceRepo)
					}
					if lvl, _ := slsa.BuilderLevel(p.BuilderID); lvl != e.level {
						t.Errorf("builder level %d, want %d", lvl, e.level)
					}
					if !slsa.KnownBuildType(p.BuildType) {
						t.Errorf("build type %q not known", p.BuildType)
					}
					break
				}
			}
			if !found {
				t.Fatal("no SLSA provenance in the file")
			}
			checked++
		})
	}
	if checked < 30 {
		t.Errorf("checked %d samples, want every one of ARTIFACT-DIGESTS.txt", checked)
	}
}

func TestNormaliseRepo(t *testing.T) {
	for in, want := range map[string]string{
		"https://GitHub.com/Org/Repo.git":                     "github.com/Org/Repo",
		"git+https://github.com/org/repo@refs/tags/v1":        "github.com/org/repo@refs/tags/v1",
		"git@github.com:org/repo.git":                         "github.com/org/repo",
		"ssh://git@gitlab.example.com/group/sub/project.git/": "gitlab.example.com/group/sub/project",
	} {
		if got := slsa.NormaliseRepo(in); got != want {
			t.Errorf("%s: got %q want %q", in, got, want)
		}
	}
	repo, ref := slsa.SplitSource("git+https://github.com/org/repo@refs/tags/v1.2.3")
	if repo != "github.com/org/repo" || ref != "refs/tags/v1.2.3" {
		t.Errorf("split: %q %q", repo, ref)
	}
}

func TestAllowed(t *testing.T) {
	id := "https://github.com/acme/ci/.github/workflows/release.yml@refs/tags/v2"
	if slsa.Allowed(id, nil) {
		t.Error("unknown builder allowed by default")
	}
	if !slsa.Allowed(id, []string{"https://github.com/acme/ci/.github/workflows/release.yml@*"}) {
		t.Error("prefix entry not honoured")
	}
	if slsa.Allowed(id, []string{"https://github.com/acme/ci/.github/workflows/release.yml"}) {
		t.Error("exact entry matched a longer id")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(slsa.PredicateV1, []byte(`{"buildDefinition":{"buildType":"x","resolvedDependencies":[{"uri":"git+https://h/o/r@refs/tags/v1","digest":{"gitCommit":"ab"}}]},"runDetails":{"builder":{"id":"b"}}}`))
	f.Add(slsa.PredicateV02, []byte(`{"builder":{"id":"b"},"invocation":{"configSource":{"uri":"git+https://h/o/r@refs/heads/main"}}}`))
	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		p, err := slsa.Parse(typ, data)
		if err == nil && p.BuilderID == "" {
			t.Fatal("provenance without builder accepted")
		}
	})
}
