// Command osvcompare prepares the shared OSV data for bench/vulns-compare.sh
// and compares Assay's findings with osv-scanner's on it. It is a bench
// tool, not part of Assay: it reads only local files.
//
//	osvcompare zip -o OUT.zip [-friendsofphp] SRC...
//	    write SRC's records (OSV JSON or YAML files, walked recursively)
//	    as one osv.dev-style all.zip of JSON records. With -friendsofphp,
//	    SRC is a FriendsOfPHP/security-advisories checkout, whose YAML
//	    advisories are converted to OSV Packagist records first.
//	osvcompare diff -assay ASSAY.json -osv OSV.json [-name NAME]
//	    compare `assay vulns --format json` with `osv-scanner --format json`:
//	    findings are (ecosystem, package, version, vulnerability) with
//	    aliases merged, so GHSA-x and CVE-y for the same package and version
//	    are one finding. Prints one summary line and every difference.
package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "zip":
		err = runZip(os.Args[2:])
	case "diff":
		err = runDiff(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "osvcompare:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: osvcompare zip -o OUT.zip [-friendsofphp] SRC... | diff -assay A.json -osv O.json [-name NAME]")
	os.Exit(2)
}

// maxRecord bounds one advisory file; the largest real OSV record is a
// few hundred KiB.
const maxRecord = 8 << 20

func runZip(args []string) error {
	fl := flag.NewFlagSet("zip", flag.ExitOnError)
	out := fl.String("o", "", "output zip `FILE`")
	fop := fl.Bool("friendsofphp", false, "sources are FriendsOfPHP/security-advisories checkouts")
	_ = fl.Parse(args)
	if *out == "" || fl.NArg() == 0 {
		return errors.New("zip: want -o OUT.zip and at least one SRC")
	}
	records := map[string][]byte{}
	for _, src := range fl.Args() {
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if strings.HasPrefix(d.Name(), ".") && p != src {
					return filepath.SkipDir
				}
				return nil
			}
			ext := filepath.Ext(p)
			if ext != ".json" && ext != ".yaml" && ext != ".yml" {
				return nil
			}
			info, err := d.Info()
			if err != nil || info.Size() > maxRecord {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			var rec map[string]any
			if *fop {
				rel, _ := filepath.Rel(src, p)
				rec, err = friendsOfPHP(filepath.ToSlash(rel), data)
			} else if ext == ".json" {
				err = json.Unmarshal(data, &rec)
			} else {
				rec, err = yamlRecord(data)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			id, _ := rec["id"].(string)
			if id == "" || rec["affected"] == nil {
				return nil // not an advisory (README, schema, config)
			}
			js, err := json.Marshal(rec)
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			records[id] = js
			return nil
		})
		if err != nil {
			return err
		}
	}
	ids := make([]string, 0, len(records))
	for id := range records {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, id := range ids {
		w, err := zw.Create(id + ".json")
		if err != nil {
			return err
		}
		if _, err := w.Write(records[id]); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	tmp := *out + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: %d records\n", *out, len(ids))
	return os.Rename(tmp, *out)
}

// yamlRecord decodes an OSV record written as YAML (PyPA's layout) into
// JSON-compatible values.
func yamlRecord(data []byte) (map[string]any, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	j, err := jsonable(v)
	if err != nil {
		return nil, err
	}
	m, _ := j.(map[string]any)
	return m, nil
}

func jsonable(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			j, err := jsonable(e)
			if err != nil {
				return nil, err
			}
			t[k] = j
		}
		return t, nil
	case []any:
		for i, e := range t {
			j, err := jsonable(e)
			if err != nil {
				return nil, err
			}
			t[i] = j
		}
		return t, nil
	default:
		if tm, ok := v.(interface{ Format(string) string }); ok {
			return tm.Format("2006-01-02T15:04:05Z"), nil
		}
		return v, nil
	}
}

// fopAdvisory is one FriendsOfPHP advisory file.
type fopAdvisory struct {
	Title     string `yaml:"title"`
	Link      string `yaml:"link"`
	CVE       string `yaml:"cve"`
	Reference string `yaml:"reference"`
	Branches  map[string]struct {
		Time     any      `yaml:"time"`
		Versions []string `yaml:"versions"`
	} `yaml:"branches"`
}

// friendsOfPHP converts a FriendsOfPHP advisory (composer package, one
// constraint list per branch such as ['>=2.0.0', '<2.0.22']) into an OSV
// Packagist record with one ECOSYSTEM range per branch. The id is the CVE
// when there is one, so osv.dev's GHSA records for the same CVE merge.
func friendsOfPHP(rel string, data []byte) (map[string]any, error) {
	var a fopAdvisory
	if err := yaml.Unmarshal(data, &a); err != nil {
		return nil, err
	}
	pkg, ok := strings.CutPrefix(a.Reference, "composer://")
	if !ok || len(a.Branches) == 0 {
		return map[string]any{}, nil
	}
	id := "FOP-" + strings.TrimSuffix(strings.ReplaceAll(rel, "/", "-"), filepath.Ext(rel))
	var aliases []string
	if a.CVE != "" && a.CVE != "~" {
		aliases = append(aliases, a.CVE)
	}
	names := make([]string, 0, len(a.Branches))
	for n := range a.Branches {
		names = append(names, n)
	}
	sort.Strings(names)
	var ranges []any
	for _, n := range names {
		var events []any
		introduced := false
		for _, c := range a.Branches[n].Versions {
			c = strings.TrimSpace(c)
			switch {
			case strings.HasPrefix(c, ">="):
				events = append(events, map[string]any{"introduced": strings.TrimPrefix(c, ">=")})
				introduced = true
			case strings.HasPrefix(c, "<="):
				events = append(events, map[string]any{"last_affected": strings.TrimPrefix(c, "<=")})
			case strings.HasPrefix(c, "<"):
				events = append(events, map[string]any{"fixed": strings.TrimPrefix(c, "<")})
			}
		}
		if !introduced {
			events = append([]any{map[string]any{"introduced": "0"}}, events...)
		}
		ranges = append(ranges, map[string]any{"type": "ECOSYSTEM", "events": events})
	}
	rec := map[string]any{
		"schema_version": "1.6.0",
		"id":             id,
		"modified":       "2026-01-01T00:00:00Z",
		"summary":        a.Title,
		"affected":       []any{map[string]any{"package": map[string]any{"ecosystem": "Packagist", "name": pkg}, "ranges": ranges}},
	}
	if len(aliases) > 0 {
		rec["aliases"] = aliases
	}
	return rec, nil
}

// finding is one (ecosystem, package, version) with the ids (and aliases)
// that name its vulnerability.
type finding struct {
	eco, name, version string
	ids                map[string]bool
}

func (f finding) key() string { return f.eco + "|" + f.name + "|" + f.version }

func (f finding) label() string {
	ids := make([]string, 0, len(f.ids))
	for id := range f.ids {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return fmt.Sprintf("%s %s@%s %s", f.eco, f.name, f.version, strings.Join(ids, "/"))
}

func runDiff(args []string) error {
	fl := flag.NewFlagSet("diff", flag.ExitOnError)
	assayFile := fl.String("assay", "", "assay vulns --format json output")
	osvFile := fl.String("osv", "", "osv-scanner --format json output")
	name := fl.String("name", "", "label for the summary line")
	_ = fl.Parse(args)
	mine, toolchain, err := assayFindings(*assayFile)
	if err != nil {
		return err
	}
	theirs, err := osvFindings(*osvFile)
	if err != nil {
		return err
	}
	mine, theirs = merge(mine), merge(theirs)
	onlyMine, onlyTheirs, both := match(mine, theirs)
	fmt.Printf("%-12s assay %4d  osv-scanner %4d  same %4d  only-assay %3d  only-osv-scanner %3d\n",
		*name, len(mine), len(theirs), both, len(onlyMine), len(onlyTheirs))
	for _, f := range onlyMine {
		fmt.Printf("  only assay:       %s\n", f.label())
	}
	for _, f := range onlyTheirs {
		fmt.Printf("  only osv-scanner: %s\n", f.label())
	}
	if len(toolchain) > 0 {
		// go.mod's go line is the oldest Go the module accepts, not the
		// toolchain that builds it: Assay lists the standard library's
		// vulnerabilities from that floor up as toolchain findings, which
		// count for nothing until the build's Go version is known;
		// osv-scanner does not report them.
		fmt.Printf("  set apart: %d Go toolchain findings (stdlib from go.mod's floor) that osv-scanner does not list\n", len(merge(toolchain)))
	}
	return nil
}

// normEco folds the spellings of an ecosystem the two tools use.
func normEco(e string) string {
	e = strings.ToLower(e)
	switch e {
	case "crates.io", "cargo":
		return "crates.io"
	case "composer", "packagist":
		return "packagist"
	case "golang", "go":
		return "go"
	case "pypi", "pip":
		return "pypi"
	}
	return e
}

func normName(eco, n string) string {
	if eco == "pypi" {
		n = strings.ToLower(strings.NewReplacer("_", "-", ".", "-").Replace(n))
	}
	return n
}

func newFinding(eco, name, version string, ids ...string) finding {
	eco = normEco(eco)
	f := finding{eco: eco, name: normName(eco, name), version: strings.TrimPrefix(version, "v"), ids: map[string]bool{}}
	for _, id := range ids {
		if id != "" {
			f.ids[id] = true
		}
	}
	return f
}

// assayFindings reads Assay's findings, with its toolchain findings apart.
func assayFindings(path string) (out, toolchain []finding, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var doc struct {
		Findings []struct {
			ID, Ecosystem, Package, Version string
			Aliases                         []string
			Toolchain                       bool
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("parse %s: %w", path, err)
	}
	for _, r := range doc.Findings {
		f := newFinding(r.Ecosystem, r.Package, r.Version, append([]string{r.ID}, r.Aliases...)...)
		if r.Toolchain {
			toolchain = append(toolchain, f)
		} else {
			out = append(out, f)
		}
	}
	return out, toolchain, nil
}

func osvFindings(path string) ([]finding, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Results []struct {
			Packages []struct {
				Package struct{ Name, Version, Ecosystem string } `json:"package"`
				Vulns   []struct {
					ID      string   `json:"id"`
					Aliases []string `json:"aliases"`
				} `json:"vulnerabilities"`
			} `json:"packages"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	var out []finding
	for _, r := range doc.Results {
		for _, p := range r.Packages {
			for _, v := range p.Vulns {
				out = append(out, newFinding(p.Package.Ecosystem, p.Package.Name, p.Package.Version, append([]string{v.ID}, v.Aliases...)...))
			}
		}
	}
	return out, nil
}

// merge joins the findings of one tool for the same package version whose
// id sets share an id, and drops repeats (one lockfile entry listed twice).
func merge(in []finding) []finding {
	var out []finding
	for _, f := range in {
		joined := false
		for i := range out {
			if out[i].key() == f.key() && overlaps(out[i].ids, f.ids) {
				for id := range f.ids {
					out[i].ids[id] = true
				}
				joined = true
				break
			}
		}
		if !joined {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].label() < out[j].label() })
	return out
}

func overlaps(a, b map[string]bool) bool {
	for id := range a {
		if b[id] {
			return true
		}
	}
	return false
}

func match(mine, theirs []finding) (onlyMine, onlyTheirs []finding, both int) {
	used := make([]bool, len(theirs))
	for _, f := range mine {
		found := false
		for i, g := range theirs {
			if !used[i] && f.key() == g.key() && overlaps(f.ids, g.ids) {
				used[i], found = true, true
				break
			}
		}
		if found {
			both++
		} else {
			onlyMine = append(onlyMine, f)
		}
	}
	for i, g := range theirs {
		if !used[i] {
			onlyTheirs = append(onlyTheirs, g)
		}
	}
	return onlyMine, onlyTheirs, both
}
