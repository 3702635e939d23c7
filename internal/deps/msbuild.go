package deps

import (
	"bytes"
	"encoding/xml"
	"io"
	"io/fs"
	"path"
	"strings"
)

// .NET projects declare their NuGet dependencies as <PackageReference>
// items of an MSBuild project file (*.csproj, *.fsproj, *.vbproj), very
// often with the version in a property of Directory.Build.props or, under
// Central Package Management, in a <PackageVersion> of
// Directory.Packages.props. OSV-SCALIBR's csproj extractor reads the
// Version attribute of the project file alone and takes "$(Prop)" and
// ranges as versions, so this package reads the project files itself:
// msbuild.go parses the XML into an ordered list of definitions, and
// msbuildeval.go evaluates them the way MSBuild does, as far as can be
// done without running it. What needs a build (a condition on the target
// framework, a property set on the command line, a floating version) is
// reported as unresolved, never guessed.

// Limits on hostile project files.
const (
	// maxMSBuildTokens bounds the XML tokens read from one file.
	maxMSBuildTokens = 200000
	// maxMSBuildNodes bounds the definitions (properties, items, imports)
	// kept from one file.
	maxMSBuildNodes = 20000
	// maxMSBuildValue bounds a property value or attribute kept, in bytes.
	maxMSBuildValue = 4096
	// maxMSBuildDepth bounds the element nesting followed.
	maxMSBuildDepth = 64
)

// msNodeKind is what an evaluated definition is.
type msNodeKind int

const (
	msProperty msNodeKind = iota
	msItem
	msImport
)

// msNode is one definition of a project file, in document order.
type msNode struct {
	kind  msNodeKind
	conds []string // the Condition attributes of the element and its ancestors
	line  int

	// msProperty: Name and its value. msImport: Project in value.
	name, value string
	sdk         bool // an <Import Sdk=...>: resolved by the SDK, not the tree

	// msItem: its type (PackageReference, PackageVersion,
	// GlobalPackageReference), the operation and its metadata, from
	// attributes or child elements (a child wins, as in MSBuild).
	itemType string
	op       string // "include", "update" or "remove"
	spec     string
	meta     map[string]string // lower-case metadata name -> raw value
}

// msOtherwise stands for the condition of an <Otherwise> branch: true
// exactly when no <When> before it held, which Assay does not track.
const msOtherwise = "\x00otherwise"

// msItemTypes are the item types read; every other item (Reference,
// ProjectReference, Compile) names no NuGet package.
var msItemTypes = map[string]bool{"PackageReference": true, "PackageVersion": true, "GlobalPackageReference": true}

// parseMSBuild streams an MSBuild file into its definitions. It never
// fails: a malformed file yields what was read before the problem, and
// the error says where reading stopped (nil when the file was read to its
// end).
func parseMSBuild(data []byte) ([]msNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	type frame struct {
		name string
		cond string
		// node is the property or item this element opened (an index into
		// out), or -1.
		node int
		// meta is the item metadata this element is a child of, "" if none.
		meta string
	}
	var stack []frame
	var out []msNode
	var text strings.Builder
	line, lineOff := 1, 0
	lineAt := func(off int) int {
		off = min(max(off, lineOff), len(data))
		line += bytes.Count(data[lineOff:off], []byte("\n"))
		lineOff = off
		return line
	}
	inTarget := func() bool {
		for _, f := range stack {
			if f.name == "Target" {
				return true
			}
		}
		return false
	}
	conds := func(own string) []string {
		var cs []string
		for _, f := range stack {
			if f.cond != "" {
				cs = append(cs, f.cond)
			}
		}
		if own != "" {
			cs = append(cs, own)
		}
		return cs
	}
	for n := 0; n < maxMSBuildTokens; n++ {
		off := int(dec.InputOffset())
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxMSBuildDepth {
				return out, errMSBuildDepth
			}
			name := t.Name.Local
			attrs := map[string]string{}
			for _, a := range t.Attr {
				if a.Name.Space == "" || a.Name.Space == "xmlns" {
					attrs[strings.ToLower(a.Name.Local)] = clip(a.Value)
				}
			}
			cond := attrs["condition"]
			if name == "Otherwise" {
				cond = msOtherwise
			}
			fr := frame{name: name, cond: cond, node: -1}
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1].name
			}
			switch {
			case inTarget() || len(out) >= maxMSBuildNodes:
				// Targets run during the build, after evaluation: their
				// properties and items are not the project's declarations.
			case parent == "PropertyGroup":
				fr.node = len(out)
				out = append(out, msNode{kind: msProperty, name: name, conds: conds(cond), line: lineAt(off)})
			case parent == "ItemGroup" && msItemTypes[name]:
				nd := msNode{kind: msItem, itemType: name, conds: conds(cond), line: lineAt(off), meta: map[string]string{}}
				for _, op := range []string{"include", "update", "remove"} {
					if v, ok := attrs[op]; ok {
						nd.op, nd.spec = op, v
						break
					}
				}
				for k, v := range attrs {
					switch k {
					case "include", "update", "remove", "condition", "exclude":
					default:
						nd.meta[k] = v
					}
				}
				if nd.op != "" {
					fr.node = len(out)
					out = append(out, nd)
				}
			case len(stack) > 0 && stack[len(stack)-1].node >= 0 && out[stack[len(stack)-1].node].kind == msItem:
				// Metadata as a child element: <Version>1.2.3</Version>.
				fr.meta = strings.ToLower(name)
				if cond != "" {
					// A conditional metadata value may or may not apply.
					fr.meta = ""
					out[stack[len(stack)-1].node].meta["\x00conditional"] = name
				}
			case name == "Import":
				nd := msNode{kind: msImport, conds: conds(cond), line: lineAt(off), value: attrs["project"]}
				_, nd.sdk = attrs["sdk"]
				out = append(out, nd)
			}
			stack = append(stack, fr)
			text.Reset()
		case xml.CharData:
			if text.Len() < maxMSBuildValue {
				text.Write(t)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				continue
			}
			fr := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			v := clip(strings.TrimSpace(text.String()))
			switch {
			case fr.node >= 0 && out[fr.node].kind == msProperty:
				out[fr.node].value = v
			case fr.meta != "" && len(stack) > 0 && stack[len(stack)-1].node >= 0:
				out[stack[len(stack)-1].node].meta[fr.meta] = v
			}
			text.Reset()
		}
	}
	return out, errMSBuildTokens
}

// clip bounds a value kept from a hostile file.
func clip(s string) string {
	if len(s) > maxMSBuildValue {
		return s[:maxMSBuildValue]
	}
	return s
}

type msbuildError string

func (e msbuildError) Error() string { return string(e) }

const (
	errMSBuildDepth  = msbuildError("elements nested too deeply")
	errMSBuildTokens = msbuildError("too many XML tokens")
)

// treePath joins an MSBuild path to the tree directory dir. MSBuild
// paths use either separator; a path starting with "/" is rooted at the
// tree (the directory properties Assay defines are), any other is
// relative to dir. It reports false for a path that leaves the tree, is
// a drive or UNC path, or holds wildcards or unexpanded references.
func treePath(dir, p string) (string, bool) {
	p = strings.ReplaceAll(strings.TrimSpace(p), `\`, "/")
	if p == "" || strings.ContainsAny(p, "*?$@%;:") || strings.HasPrefix(p, "//") {
		return "", false
	}
	var segs []string
	if !strings.HasPrefix(p, "/") && dir != "." && dir != "" {
		segs = strings.Split(dir, "/")
	}
	for _, s := range strings.Split(p, "/") {
		switch s {
		case "", ".":
		case "..":
			if len(segs) == 0 {
				return "", false // above the tree root: never read
			}
			segs = segs[:len(segs)-1]
		default:
			segs = append(segs, s)
		}
	}
	if len(segs) == 0 {
		return ".", true
	}
	out := strings.Join(segs, "/")
	return out, fs.ValidPath(out)
}

// dirProperty is how a tree directory is written in an MSBuild directory
// property: rooted at "/" with a trailing separator, so that
// "$(MSBuildThisFileDirectory)x.props" joins as MSBuild would.
func dirProperty(dir string) string {
	if dir == "." || dir == "" {
		return "/"
	}
	return "/" + dir + "/"
}

// fileAbove finds name in dir or the nearest ancestor directory inside
// the tree, as MSBuild looks for Directory.Build.props.
func fileAbove(fsys fs.FS, dir, name string) string {
	if fsys == nil {
		return ""
	}
	for range maxBuildDepth {
		p := path.Join(dir, name)
		if st, err := fs.Stat(fsys, p); err == nil && !st.IsDir() {
			return p
		}
		if dir == "." || dir == "" || dir == "/" {
			return ""
		}
		dir = path.Dir(dir)
	}
	return ""
}
