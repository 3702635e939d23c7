// Package license detects a repository's licence and reports it as an SPDX
// expression: from licence files at the root (LICENSE*, LICENCE*, COPYING*,
// UNLICENSE, MIT-LICENSE, LICENSE-MIT and LICENSE-APACHE pairs, REUSE's
// LICENSES/ directory), an SPDX-License-Identifier line in them, or the
// licence field of a root package manifest. Several licence files at the
// root (LICENSE-MIT and LICENSE-APACHE) are the dual-licence convention and
// are joined with OR. Nothing is guessed from a file's name alone except
// REUSE's LICENSES/<id>.txt, whose name is the identifier by definition.
package license

import (
	"encoding/json"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
)

// File is one licence file and what it was recognised as.
type File struct {
	Path string
	Line int
	ID   string // SPDX identifier or expression; "" when not recognised
}

// Result is the detected licence.
type Result struct {
	// Expression is the SPDX licence expression; "" when none was found.
	Expression string
	// From says where the expression was read: "licence file",
	// "SPDX-License-Identifier", "package manifest", "LICENSES/".
	From  string
	Files []File
}

// isLicenseName reports a root file name that holds a licence.
func isLicenseName(name string) bool {
	n := strings.ToUpper(name)
	for _, x := range []string{"THIRD", "3RD", "VENDOR", "DEPENDENC", "NOTICE", "HEADER"} {
		if strings.Contains(n, x) {
			return false
		}
	}
	for _, p := range []string{"LICENSE", "LICENCE", "COPYING", "UNLICENSE", "MIT-LICENSE", "MIT-LICENCE"} {
		if n == p || strings.HasPrefix(n, p+".") || strings.HasPrefix(n, p+"-") || strings.HasPrefix(n, p+"_") {
			return true
		}
	}
	return false
}

var spdxLine = lazyre.New(`(?m)SPDX-License-Identifier:\s*([A-Za-z0-9.+\-() ]+?)\s*(?:\*/|-->|$)`)

// marker recognises a licence text: all of the phrases must occur
// (compared with case and whitespace folded).
// The first phrase of a marker marked head must occur in the first 200 characters: the
// GPL's text names the Lesser and Affero licences further down.
type marker struct {
	id   string
	all  []string
	head bool
}

// markers are checked in order; more specific texts come first.
var markers = []marker{
	{"AGPL-3.0-only", []string{"gnu affero general public license", "version 3"}, true},
	{"LGPL-3.0-only", []string{"gnu lesser general public license", "version 3"}, true},
	{"LGPL-2.1-only", []string{"gnu lesser general public license", "version 2.1"}, true},
	{"LGPL-2.1-only", []string{"gnu library general public license"}, true},
	{"GPL-3.0-only", []string{"gnu general public license", "version 3"}, true},
	{"GPL-2.0-only", []string{"gnu general public license", "version 2"}, true},
	{"MPL-2.0", []string{"mozilla public license", "2.0"}, false},
	{"Apache-2.0", []string{"apache license", "version 2.0"}, false},
	{"EPL-2.0", []string{"eclipse public license", "v 2.0"}, false},
	{"EPL-2.0", []string{"eclipse public license - v 2.0"}, false},
	{"BSL-1.0", []string{"boost software license"}, false},
	{"Unlicense", []string{"this is free and unencumbered software released into the public domain"}, false},
	{"CC0-1.0", []string{"cc0 1.0 universal"}, false},
	{"ISC", []string{"permission to use, copy, modify, and/or distribute this software for any purpose"}, false},
	{"ISC", []string{"isc license"}, false},
	{"0BSD", []string{"zero-clause bsd"}, false},
	{"BSD-3-Clause", []string{"redistribution and use in source and binary forms", "neither the name"}, false},
	{"BSD-3-Clause", []string{"redistribution and use in source and binary forms", "the names of its contributors may not be used"}, false},
	{"BSD-2-Clause", []string{"redistribution and use in source and binary forms"}, false},
	{"MIT", []string{"permission is hereby granted, free of charge, to any person obtaining a copy"}, false},
	{"Zlib", []string{"this software is provided 'as-is', without any express or implied warranty", "altered source versions must be plainly marked"}, false},
	{"PHP-3.01", []string{"the php license, version 3.01"}, false},
	{"Artistic-2.0", []string{"the artistic license 2.0"}, false},
}

var space = lazyre.New(`\s+`)

// Identify returns the SPDX identifier of a licence text, or "". An
// SPDX-License-Identifier line wins over the text.
func Identify(text []byte) (id string, line int) {
	if len(text) > 64<<10 {
		text = text[:64<<10]
	}
	s := string(text)
	if m := spdxLine.FindStringSubmatchIndex(s); m != nil {
		if e := cleanExpr(s[m[2]:m[3]]); e != "" {
			return e, strings.Count(s[:m[0]], "\n") + 1
		}
	}
	folded := strings.ToLower(space.ReplaceAllString(strings.ReplaceAll(s, "\u2019", "'"), " "))
	for _, mk := range markers {
		ok := true
		for i, p := range mk.all {
			hay := folded
			if i == 0 && mk.head {
				hay = folded[:min(len(folded), 200)]
			}
			if !strings.Contains(hay, p) {
				ok = false
				break
			}
		}
		if ok {
			return mk.id, 1
		}
	}
	return "", 0
}

var exprWord = lazyre.New(`^(?:[A-Za-z0-9][A-Za-z0-9.\-]*\+?|AND|OR|WITH|\(|\))$`)

// cleanExpr returns a normalised SPDX expression, or "" when the text is
// not one.
func cleanExpr(e string) string {
	e = strings.TrimSpace(textsafe.Clean(e))
	e = strings.ReplaceAll(strings.ReplaceAll(e, "(", " ( "), ")", " ) ")
	var out []string
	for _, w := range strings.Fields(e) {
		switch strings.ToUpper(w) {
		case "AND", "OR", "WITH":
			w = strings.ToUpper(w)
		}
		if !exprWord.MatchString(w) {
			return ""
		}
		out = append(out, w)
	}
	if len(out) == 0 || len(out) > 40 {
		return ""
	}
	return strings.ReplaceAll(strings.ReplaceAll(strings.Join(out, " "), "( ", "("), " )", ")")
}

// Detect finds the licence of the tree's root.
func Detect(t *source.Tree) Result {
	var res Result
	var ids []string
	for _, e := range t.Entries() {
		if strings.Contains(e.Path, "/") || !isLicenseName(e.Path) {
			continue
		}
		data, err := t.ReadFile(e.Path, limits.MaxSmallFileSize)
		if err != nil {
			continue
		}
		id, line := Identify(data)
		res.Files = append(res.Files, File{Path: e.Path, Line: line, ID: id})
		if id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		res.Expression, res.From = join(ids), "licence file"
		// The manifest's expression says how several files combine
		// (MIT OR Apache-2.0, in the project's order): use it when it
		// names the same licences.
		if e, _, _ := manifestLicense(t); len(ids) > 1 && sameIDs(e, ids) {
			res.Expression = e
		}
		return res
	}
	// REUSE: LICENSES/<SPDX id>.txt.
	for _, e := range t.Entries() {
		if dir, name := path.Split(e.Path); dir == "LICENSES/" && strings.HasSuffix(name, ".txt") {
			if id := cleanExpr(strings.TrimSuffix(name, ".txt")); id != "" && !strings.Contains(id, " ") && !slices.Contains(ids, id) {
				ids = append(ids, id)
				res.Files = append(res.Files, File{Path: e.Path, ID: id})
			}
		}
	}
	if len(ids) > 0 {
		res.Expression, res.From = join(ids), "LICENSES/"
		return res
	}
	if e, p, line := manifestLicense(t); e != "" {
		res.Expression, res.From = e, "package manifest"
		res.Files = append(res.Files, File{Path: p, Line: line, ID: e})
		return res
	}
	if f, ok := headerLicense(t); ok {
		res.Expression, res.From = f.ID, "SPDX-License-Identifier"
		res.Files = append(res.Files, f)
	}
	return res
}

// maxHeaderFiles bounds the source files whose first bytes are read for
// SPDX-License-Identifier headers.
const maxHeaderFiles = 300

var sourceExt = map[string]bool{".go": true, ".c": true, ".h": true, ".cc": true, ".cpp": true, ".rs": true, ".py": true, ".js": true, ".ts": true, ".java": true, ".kt": true, ".rb": true, ".php": true, ".sh": true, ".cs": true, ".swift": true}

// headerLicense returns the SPDX-License-Identifier most source files
// carry in their first lines.
func headerLicense(t *source.Tree) (File, bool) {
	count := map[string]int{}
	first := map[string]File{}
	n := 0
	for _, e := range t.Entries() {
		if n >= maxHeaderFiles {
			break
		}
		if !sourceExt[path.Ext(e.Path)] || strings.HasPrefix(e.Path, "vendor/") || strings.Contains(e.Path, "node_modules/") {
			continue
		}
		n++
		head, err := t.ReadHead(e.Path, 1024)
		if err != nil {
			continue
		}
		m := spdxLine.FindSubmatchIndex(head)
		if m == nil {
			continue
		}
		if id := cleanExpr(string(head[m[2]:m[3]])); id != "" {
			if count[id] == 0 {
				first[id] = File{Path: e.Path, Line: strings.Count(string(head[:m[0]]), "\n") + 1, ID: id}
			}
			count[id]++
		}
	}
	best := ""
	for id, c := range count {
		if best == "" || c > count[best] || c == count[best] && id < best {
			best = id
		}
	}
	return first[best], best != ""
}

var idWord = lazyre.New(`[A-Za-z0-9][A-Za-z0-9.\-]*\+?`)

// sameIDs reports whether an expression names exactly the given licences.
func sameIDs(expr string, ids []string) bool {
	var got []string
	for _, w := range idWord.FindAllString(expr, -1) {
		if w != "AND" && w != "OR" && w != "WITH" && !slices.Contains(got, w) {
			got = append(got, w)
		}
	}
	want := slices.Clone(ids)
	slices.Sort(got)
	slices.Sort(want)
	return len(got) > 0 && slices.Equal(got, want)
}

// join makes one expression of several licence files: the dual-licence
// convention (LICENSE-MIT, LICENSE-APACHE) offers a choice.
func join(ids []string) string {
	sort.Strings(ids)
	if len(ids) == 1 {
		return ids[0]
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		if strings.Contains(id, " ") {
			id = "(" + id + ")"
		}
		parts[i] = id
	}
	return strings.Join(parts, " OR ")
}

var (
	cargoLicense = lazyre.New(`(?m)^license\s*=\s*"([^"\n]+)"`)
	pyLicense    = lazyre.New(`(?m)^license\s*=\s*(?:"([^"\n]+)"|\{\s*text\s*=\s*"([^"\n]+)"\s*\})`)
)

// manifestLicense reads the licence a root manifest declares (Cargo.toml,
// package.json, composer.json, pyproject.toml).
func manifestLicense(t *source.Tree) (expr, p string, line int) {
	for _, name := range []string{"Cargo.toml", "package.json", "composer.json", "pyproject.toml"} {
		data, err := t.ReadFile(name, limits.MaxSmallFileSize)
		if err != nil {
			continue
		}
		var v string
		var at int
		switch name {
		case "package.json", "composer.json":
			var m struct {
				License any `json:"license"`
			}
			if json.Unmarshal(data, &m) != nil {
				continue
			}
			switch l := m.License.(type) {
			case string:
				v = l
			case []any:
				var ids []string
				for _, x := range l {
					if s, ok := x.(string); ok {
						ids = append(ids, s)
					}
				}
				v = join(ids)
			}
			if i := strings.Index(string(data), `"license"`); i >= 0 {
				at = strings.Count(string(data[:i]), "\n") + 1
			}
		case "Cargo.toml":
			if m := cargoLicense.FindSubmatchIndex(data); m != nil {
				v, at = string(data[m[2]:m[3]]), strings.Count(string(data[:m[0]]), "\n")+1
			}
		case "pyproject.toml":
			if m := pyLicense.FindSubmatchIndex(data); m != nil {
				if m[2] >= 0 {
					v = string(data[m[2]:m[3]])
				} else {
					v = string(data[m[4]:m[5]])
				}
				at = strings.Count(string(data[:m[0]]), "\n") + 1
			}
		}
		v = strings.ReplaceAll(v, "/", " OR ") // Cargo's legacy "MIT/Apache-2.0"
		if e := cleanExpr(v); e != "" && e != "UNLICENSED" && !strings.HasPrefix(e, "SEE") {
			return e, name, at
		}
	}
	return "", "", 0
}
