package manifests

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/source"
)

// maxLines bounds the line scans below.
const maxLines = 20000

// lineOf returns the 1-based line of the first occurrence of needle in
// data, or 0.
func lineOf(data []byte, needle string) int {
	i := bytes.Index(data, []byte(needle))
	if i < 0 {
		return 0
	}
	return bytes.Count(data[:i], []byte("\n")) + 1
}

var (
	// exactSemver is an npm or Composer version without any range operator.
	exactSemver = lazyre.New(`^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	// pep440Exact is "name[extras]==1.2.3" (optionally "; marker"), not "==1.*".
	pep440Exact = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*===?\s*[0-9][0-9A-Za-z.+!-]*\s*(;.*)?$`)
)

// firstRange returns the first dependency of a JSON manifest (package.json
// or composer.json) whose version is not exact, skipping platform entries.
func firstRange(data []byte, keys ...string) (string, int) {
	var raw map[string]json.RawMessage
	if json.Unmarshal(data, &raw) != nil {
		return "", 0
	}
	for _, k := range keys {
		var deps map[string]any
		if json.Unmarshal(raw[k], &deps) != nil {
			continue
		}
		names := make([]string, 0, len(deps))
		for n := range deps {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			if n == "php" || strings.HasPrefix(n, "ext-") || strings.HasPrefix(n, "lib-") {
				continue
			}
			v, _ := deps[n].(string)
			if exactSemver.MatchString(strings.TrimSpace(v)) {
				continue
			}
			return n + " " + v, lineOf(data, `"`+n+`"`)
		}
	}
	return "", 0
}

// pyprojectRange returns the first [project] dependency not pinned with ==.
func pyprojectRange(data []byte) (string, int) {
	var doc struct {
		Project struct {
			Dependencies []string `toml:"dependencies"`
		} `toml:"project"`
	}
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return "", 0
	}
	for _, d := range doc.Project.Dependencies {
		if !pep440Exact.MatchString(strings.TrimSpace(d)) {
			return d, lineOf(data, `"`+d+`"`)
		}
	}
	return "", 0
}

// cargoRange returns the first [dependencies] entry of a Cargo.toml: Cargo
// reads "1.0" as ^1.0, so every registry dependency is a range.
func cargoRange(data []byte) (string, int) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	in := false
	for n := 1; sc.Scan() && n < maxLines; n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			in = line == "[dependencies]" || line == "[workspace.dependencies]"
			continue
		}
		if in && line != "" && !strings.HasPrefix(line, "#") && !strings.Contains(line, "path =") {
			return line, n
		}
	}
	return "", 0
}

// requirementsLocks reports whether a requirements file pins every
// requirement exactly and does not install the local project, so it can
// stand as the lock of the pyproject.toml beside it. why says what broke it.
func requirementsLocks(data []byte) (ok bool, why string) {
	joined := strings.ReplaceAll(string(data), "\\\r\n", " ")
	joined = strings.ReplaceAll(joined, "\\\n", " ")
	pins := 0
	for i, line := range strings.Split(joined, "\n") {
		if i > maxLines {
			break
		}
		line = strings.TrimSpace(line)
		if c := strings.Index(line, " #"); c >= 0 {
			line = strings.TrimSpace(line[:c])
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "-e ") || strings.HasPrefix(line, "--editable") || line == "." || strings.HasPrefix(line, ".[") || strings.HasPrefix(line, "./") || strings.HasPrefix(line, "file:.") {
			return false, "it installs the package itself (" + line + "), so the package's own dependencies resolve from the manifest's ranges"
		}
		if strings.HasPrefix(line, "-") {
			continue // options and includes (-r, --hash on its own line, -i)
		}
		req := line
		if h := strings.Index(req, " --hash"); h >= 0 {
			req = strings.TrimSpace(req[:h])
		}
		if !pep440Exact.MatchString(req) {
			return false, "it does not pin " + req + " exactly"
		}
		pins++
	}
	if pins == 0 {
		return false, "it pins no packages"
	}
	return true, ""
}

// npmMembers returns package.json workspaces (array or {packages: [...]}).
func npmMembers(data []byte) []string {
	var pkg struct {
		Workspaces json.RawMessage `json:"workspaces"`
	}
	if json.Unmarshal(data, &pkg) != nil || len(pkg.Workspaces) == 0 {
		return nil
	}
	var list []string
	if json.Unmarshal(pkg.Workspaces, &list) == nil {
		return list
	}
	var obj struct {
		Packages []string `json:"packages"`
	}
	_ = json.Unmarshal(pkg.Workspaces, &obj)
	return obj.Packages
}

// cargoMembers returns [workspace] members.
func cargoMembers(data []byte) []string {
	var doc struct {
		Workspace struct {
			Members []string `toml:"members"`
		} `toml:"workspace"`
	}
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil
	}
	return doc.Workspace.Members
}

// gradleInclude matches the project paths of include "a", ":b:c" or include(":d").
var (
	gradleIncludeLine = lazyre.New(`(?m)^\s*include\b(.*)$`)
	gradleQuoted      = lazyre.New(`["']([^"']+)["']`)
)

// gradleMembers returns the projects a settings.gradle(.kts) includes, as
// directories.
func gradleMembers(settings []byte) []string {
	var out []string
	for _, m := range gradleIncludeLine.FindAllSubmatch(settings, 200) {
		for _, q := range gradleQuoted.FindAllSubmatch(m[1], 50) {
			p := strings.Trim(strings.ReplaceAll(string(q[1]), ":", "/"), "/")
			if p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// gradleDynamic finds a dynamic or ranged version in a Gradle build file or
// version catalog: "1.+", "latest.release", "[1.0,2.0)". A "+" is dynamic
// only as the version's last character (Gradle's prefix match); inside a
// version it is a literal, as in "9+181-r4173-1" or "1.0+build.5".
var gradleDynamic = lazyre.New(`["'][\w.-]+:[\w.-]+:(` + gradleDynamicVersion + `)["']|version\s*=\s*["'](` + gradleDynamicVersion + `)["']|(strictly|prefer|require)\s*=\s*["'](` + gradleDynamicVersion + `)["']`)

// gradleDynamicVersion is a version Gradle resolves at build time: ending in
// "+", starting with "latest.", or a range in brackets or parentheses.
const gradleDynamicVersion = `[^"'$]*\+|latest\.[^"']*|[^"'$]*[\[\(\]][^"']*`

func gradleRange(data []byte) (string, int) {
	loc := gradleDynamic.FindIndex(data)
	if loc == nil {
		return "", 0
	}
	return strings.TrimSpace(string(data[loc[0]:loc[1]])), bytes.Count(data[:loc[0]], []byte("\n")) + 1
}

// pomInfo is what a pom.xml says about resolution.
type pomInfo struct {
	modules   []string
	rangeText string // first ranged or LATEST/RELEASE version of a dependency, plugin, parent or extension
	rangeLine int
	deps      int // dependencies and plugins with a version or managed by the parent
}

// readPom streams a pom.xml: only <version> inside <dependency>, <plugin>,
// <parent> and <extension> counts, never the enforcer's <requireMavenVersion>.
func readPom(data []byte) pomInfo {
	var info pomInfo
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	props := map[string]string{}
	var stack []string
	type pending struct {
		text string
		line int
	}
	var versions []pending
	var text strings.Builder
	for n := 0; n < 200000; n++ {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) || err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			text.Reset()
		case xml.CharData:
			if text.Len() < 4096 {
				text.Write(t)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				continue
			}
			val := strings.TrimSpace(text.String())
			name := stack[len(stack)-1]
			parent := ""
			if len(stack) > 1 {
				parent = stack[len(stack)-2]
			}
			switch {
			case parent == "modules" && name == "module":
				info.modules = append(info.modules, val)
			case parent == "properties" && len(stack) == 3:
				props[name] = val
			case name == "version" && (parent == "dependency" || parent == "plugin" || parent == "parent" || parent == "extension"):
				line := bytes.Count(data[:min(int(dec.InputOffset()), len(data))], []byte("\n")) + 1
				versions = append(versions, pending{val, line})
			case name == "dependency" || name == "plugin":
				info.deps++
			}
			stack = stack[:len(stack)-1]
			text.Reset()
		}
	}
	for _, v := range versions {
		s := v.text
		for i := 0; i < 5 && strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}"); i++ {
			r, ok := props[strings.TrimSuffix(strings.TrimPrefix(s, "${"), "}")]
			if !ok {
				break
			}
			s = r
		}
		if mavenRange(s) {
			info.rangeText, info.rangeLine = v.text, v.line
			if s != v.text {
				info.rangeText = v.text + " = " + s
			}
			break
		}
	}
	return info
}

func mavenRange(v string) bool {
	v = strings.TrimSpace(v)
	return strings.HasPrefix(v, "[") || strings.HasPrefix(v, "(") || strings.Contains(v, ",") || v == "LATEST" || v == "RELEASE"
}

// cleanMember normalises a member glob relative to the manifest directory.
func cleanMember(dir, m string) string {
	m = strings.Trim(strings.TrimPrefix(m, "./"), "/")
	if m == "" || strings.Contains(m, "..") {
		return ""
	}
	if dir == "." {
		return m
	}
	return path.Join(dir, m)
}

// standalone reports whether dir has no Python project file that a
// requirements.txt there would only be the lock candidate of.
func standalone(t *source.Tree, dir string) bool {
	for _, f := range []string{"pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "requirements.in"} {
		if t.Exists(path.Join(dir, f)) {
			return false
		}
	}
	return true
}

func requirementsNeedsLock(data []byte) (bool, string) {
	if ok, why := requirementsLocks(data); !ok && why == "it pins no packages" {
		return false, "requirements.txt lists no packages"
	}
	return true, ""
}

// requirementsRange returns the first requirement not pinned with ==.
func requirementsRange(data []byte) (string, int) {
	for i, line := range strings.Split(string(data), "\n") {
		if i > maxLines {
			break
		}
		req := strings.TrimSpace(line)
		if c := strings.Index(req, " #"); c >= 0 {
			req = strings.TrimSpace(req[:c])
		}
		if h := strings.Index(req, " --hash"); h >= 0 {
			req = strings.TrimSpace(req[:h])
		}
		if req == "" || strings.HasPrefix(req, "#") || strings.HasPrefix(req, "-") || strings.HasSuffix(req, "\\") {
			continue
		}
		if !pep440Exact.MatchString(req) {
			return req, i + 1
		}
	}
	return "", 0
}
