// Package buildenv reads the build-environment files around CI: Dockerfiles
// and Containerfiles, CODEOWNERS, .pre-commit-config.yaml, GoReleaser
// configuration, and files that prove fuzzing exists (Go fuzz tests,
// cargo-fuzz, ClusterFuzzLite, Jazzer, Atheris).
package buildenv

import (
	"bytes"
	"context"
	"errors"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/parse/ciyaml"
	"github.com/assaysec/assay/internal/parse/codeowners"
	"github.com/assaysec/assay/internal/parse/dockerfile"
	"github.com/assaysec/assay/internal/parse/precommit"
	"github.com/assaysec/assay/internal/source"
)

// Name of the collector.
const Name = "ci/buildenv"

const (
	maxDockerfiles = 500
	// maxScanBytes bounds the source bytes read looking for fuzz harnesses.
	maxScanBytes = 64 << 20
	maxScanFiles = 20_000
	maxHarnesses = 50
)

// Collector reads build-environment files.
type Collector struct{}

// New returns the collector.
func New() collector.Collector { return Collector{} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind {
	return []evidence.Kind{evidence.KindDockerfile, evidence.KindCodeOwners, evidence.KindPreCommit, evidence.KindFuzzHarness, evidence.KindReleaseTool, evidence.KindToolConfig, evidence.KindBuildImage}
}

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// Collect implements collector.Collector.
func (Collector) Collect(ctx context.Context, in *collector.Input) ([]evidence.Record, error) {
	var out []evidence.Record
	add := func(f evidence.Fact, loc evidence.Location, digest string) {
		out = append(out, evidence.Record{Fact: f, Provenance: in.Provenance(Name, loc, digest)})
	}
	problem := func(p string, line int, format string, err error) {
		add(evidence.ParseProblem{Path: p, Line: line, Format: format, Error: err.Error()}, evidence.Location{Path: p, Line: line}, "")
	}
	read := func(p string) ([]byte, bool) {
		data, err := in.Tree.ReadFile(p, limits.MaxSmallFileSize)
		if err != nil {
			problem(p, 0, "build file", err)
			return nil, false
		}
		return data, true
	}

	docker := 0
	for _, e := range in.Tree.Entries() {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		if !dockerfile.IsDockerfile(e.Path) || collector.FixtureOrVendored(e.Path) || docker >= maxDockerfiles {
			continue
		}
		docker++
		data, ok := read(e.Path)
		if !ok {
			continue
		}
		d, err := dockerfile.Parse(e.Path, data)
		if err != nil {
			problem(e.Path, 0, "Dockerfile", err)
			continue
		}
		add(d, evidence.Location{Path: e.Path}, source.Digest(data))
	}

	for _, p := range codeowners.Locations {
		if !in.Tree.Exists(p) {
			continue
		}
		if data, ok := read(p); ok {
			add(codeowners.Parse(p, data), evidence.Location{Path: p}, source.Digest(data))
		}
		break // the forge uses the first file it finds
	}

	for _, p := range []string{".pre-commit-config.yaml", ".pre-commit-config.yml"} {
		if !in.Tree.Exists(p) {
			continue
		}
		if data, ok := read(p); ok {
			pc, err := precommit.Parse(p, data)
			if err != nil {
				problem(p, yamlLine(err), "pre-commit configuration", err)
				continue
			}
			add(pc, evidence.Location{Path: p}, source.Digest(data))
		}
	}

	for _, p := range []string{".goreleaser.yml", ".goreleaser.yaml", "goreleaser.yml", "goreleaser.yaml"} {
		if !in.Tree.Exists(p) {
			continue
		}
		if data, ok := read(p); ok {
			rt, err := goreleaser(p, data)
			if err != nil {
				problem(p, yamlLine(err), "GoReleaser configuration", err)
				continue
			}
			add(rt, evidence.Location{Path: p}, source.Digest(data))
		}
	}

	for _, p := range []string{".golangci.yml", ".golangci.yaml"} {
		if !in.Tree.Exists(p) {
			continue
		}
		if data, ok := read(p); ok {
			tc, err := golangci(p, data)
			if err != nil {
				problem(p, yamlLine(err), "golangci-lint configuration", err)
				continue
			}
			add(tc, evidence.Location{Path: p, Line: tc.Line}, source.Digest(data))
		}
	}

	for _, p := range []string{".ko.yaml", ".ko.yml"} {
		if !in.Tree.Exists(p) {
			continue
		}
		if data, ok := read(p); ok {
			imgs, err := koImages(p, data)
			if err != nil {
				problem(p, yamlLine(err), "ko configuration", err)
				continue
			}
			for _, img := range imgs {
				add(img, evidence.Location{Path: p, Line: img.Line}, source.Digest(data))
			}
		}
	}

	for _, h := range fuzzHarnesses(ctx, in.Tree) {
		add(h, evidence.Location{Path: h.Path, Line: h.Line}, "")
	}
	return out, nil
}

func yamlLine(err error) int {
	var ye *ciyaml.Error
	if errors.As(err, &ye) {
		return ye.Line
	}
	return 0
}

func goreleaser(p string, data []byte) (evidence.ReleaseTool, error) {
	rt := evidence.ReleaseTool{Path: p, Tool: "goreleaser"}
	root, err := ciyaml.Decode(data)
	if err != nil {
		return rt, err
	}
	if root == nil || root.Kind != yaml.MappingNode {
		return rt, nil
	}
	for _, kv := range ciyaml.Pairs(root) {
		switch kv.Key.Value {
		case "signs", "docker_signs", "binary_signs":
			if kv.Value != nil && kv.Value.Kind == yaml.SequenceNode && len(kv.Value.Content) > 0 {
				rt.Signs = append(rt.Signs, kv.Key.Line)
			}
		case "sboms":
			if kv.Value != nil && kv.Value.Kind == yaml.SequenceNode && len(kv.Value.Content) > 0 {
				rt.SBOMs = append(rt.SBOMs, kv.Key.Line)
			}
		case "before":
			hooks, lines := ciyaml.Strings(ciyaml.Get(kv.Value, "hooks"))
			for i, h := range hooks {
				rt.Hooks = append(rt.Hooks, evidence.CIStep{Run: h, Line: lines[i], RunLine: lines[i]})
			}
		}
	}
	return rt, nil
}

// koImages reads the base images of a ko configuration: defaultBaseImage
// and the values of baseImageOverrides.
func koImages(p string, data []byte) ([]evidence.BuildImage, error) {
	root, err := ciyaml.Decode(data)
	if err != nil || root == nil || root.Kind != yaml.MappingNode {
		return nil, err
	}
	var out []evidence.BuildImage
	if v := ciyaml.Get(root, "defaultBaseImage"); ciyaml.Scalar(v) != "" {
		out = append(out, evidence.BuildImage{Path: p, Line: v.Line, Ref: ciyaml.Scalar(v), Tool: "ko"})
	}
	if o := ciyaml.Get(root, "baseImageOverrides"); o != nil && o.Kind == yaml.MappingNode {
		for _, kv := range ciyaml.Pairs(o) {
			if ref := ciyaml.Scalar(kv.Value); ref != "" {
				out = append(out, evidence.BuildImage{Path: p, Line: kv.Value.Line, Ref: ref, Tool: "ko"})
			}
		}
	}
	return out, nil
}

// golangci reads whether a golangci-lint configuration enables gosec:
// listed under linters.enable, or every linter (enable-all, v2 default: all).
func golangci(p string, data []byte) (evidence.ToolConfig, error) {
	tc := evidence.ToolConfig{Path: p, Tool: "golangci-lint"}
	root, err := ciyaml.Decode(data)
	if err != nil || root == nil {
		return tc, err
	}
	l := ciyaml.Get(root, "linters")
	if l == nil {
		return tc, nil
	}
	if v := ciyaml.Get(l, "enable-all"); ciyaml.Scalar(v) == "true" {
		tc.Security, tc.Line = true, v.Line
	}
	if v := ciyaml.Get(l, "default"); ciyaml.Scalar(v) == "all" {
		tc.Security, tc.Line = true, v.Line
	}
	names, lines := ciyaml.Strings(ciyaml.Get(l, "enable"))
	for i, n := range names {
		if n == "gosec" {
			tc.Security, tc.Line = true, lines[i]
		}
	}
	dis, _ := ciyaml.Strings(ciyaml.Get(l, "disable"))
	for _, n := range dis {
		if n == "gosec" {
			tc.Security, tc.Line = false, 0
		}
	}
	return tc, nil
}

var (
	goFuzz    = lazyre.New(`(?m)^func (Fuzz\w*)\(\w+ \*testing\.F\)`)
	jazzer    = lazyre.New(`(?m)com\.code_intelligence\.jazzer|^[ \t]*@FuzzTest\b|\bfuzzerTestOneInput\s*\(\s*(?:FuzzedDataProvider|byte\[\])`)
	atheris   = lazyre.New(`(?m)^[ \t]*import atheris\b|^[ \t]*from atheris\b`)
	libfuzzer = lazyre.New(`(?m)\bint\s+LLVMFuzzerTestOneInput\s*\(|\bLLVMFuzzerTestOneInput\s*\(\s*const\s+uint8_t|libfuzzer_sys::fuzz_target!`)
	cargoFuzz = lazyre.New(`(?m)^\s*cargo-fuzz\s*=\s*true|libfuzzer-sys`)
)

// fuzzHarnesses finds files that prove fuzzing exists: Go fuzz tests,
// cargo-fuzz crates, ClusterFuzzLite configuration, Jazzer, Atheris and
// libFuzzer targets, anywhere in the tree. Paths that name fuzzing are read
// first, then the other source files of those languages, within a byte and
// file budget; one harness per engine is enough.
func fuzzHarnesses(ctx context.Context, t *source.Tree) []evidence.FuzzHarness {
	var out []evidence.FuzzHarness
	budget, files := int64(maxScanBytes), 0
	seen := map[string]bool{}
	entries := t.Entries()
	for pass := 0; pass < 2; pass++ {
		for _, e := range entries {
			if ctx.Err() != nil || len(out) >= maxHarnesses || files >= maxScanFiles || budget <= 0 {
				return out
			}
			p := e.Path
			if collector.FixtureOrVendored(p) {
				continue
			}
			lower := strings.ToLower(p)
			named := strings.Contains(lower, "fuzz")
			if named != (pass == 0) {
				continue
			}
			base := path.Base(lower)
			if (strings.HasPrefix(p, ".clusterfuzzlite/") || strings.Contains(p, "/.clusterfuzzlite/")) && !seen["clusterfuzzlite"] {
				seen["clusterfuzzlite"] = true
				out = append(out, evidence.FuzzHarness{Path: p, Engine: "clusterfuzzlite", Detail: "ClusterFuzzLite configuration"})
				continue
			}
			re, engine, marker := fuzzRecogniser(base, named)
			if re == nil || seen[engine] || e.Size > limits.MaxSmallFileSize {
				continue
			}
			files++
			budget -= e.Size
			data, err := t.ReadFile(p, limits.MaxSmallFileSize)
			if err != nil || !bytes.Contains(data, marker) {
				continue
			}
			loc := re.FindIndex(data)
			if loc == nil {
				continue
			}
			seen[engine] = true
			line := bytes.Count(data[:loc[0]], []byte("\n")) + 1
			detail := strings.TrimSpace(string(data[loc[0]:min(loc[1], loc[0]+80)]))
			out = append(out, evidence.FuzzHarness{Path: p, Line: line, Engine: engine, Detail: detail})
		}
	}
	return out
}

// fuzzRecogniser returns the pattern that proves a harness in a file of
// this name, its engine, and a literal every match contains (a cheap
// filter before the pattern).
func fuzzRecogniser(base string, named bool) (*lazyre.Regexp, string, []byte) {
	switch {
	case strings.HasSuffix(base, "_test.go"):
		return goFuzz, "go-fuzz", []byte("func Fuzz")
	case base == "cargo.toml" && named:
		return cargoFuzz, "cargo-fuzz", []byte("fuzz")
	case strings.HasSuffix(base, ".java") || strings.HasSuffix(base, ".kt"):
		return jazzer, "jazzer", []byte("Fuzz")
	case strings.HasSuffix(base, ".py"):
		return atheris, "atheris", []byte("atheris")
	case strings.HasSuffix(base, ".c") || strings.HasSuffix(base, ".cc") || strings.HasSuffix(base, ".cpp") || strings.HasSuffix(base, ".cxx"):
		return libfuzzer, "libfuzzer", []byte("LLVMFuzzerTestOneInput")
	case strings.HasSuffix(base, ".rs"):
		return libfuzzer, "cargo-fuzz", []byte("fuzz_target!")
	}
	return nil, "", nil
}
