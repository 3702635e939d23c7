package history

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
)

// ToolingRoot are entries at the root of the tree, beyond the watched build
// files, whose changes can bump a toolchain: version files, go.mod's go
// directive, and directories of CI images and dev containers.
var ToolingRoot = []string{
	"go.mod", ".python-version", ".nvmrc", ".node-version", "rust-toolchain", "rust-toolchain.toml", ".tool-versions",
	".ruby-version", ".java-version", ".sdkmanrc", "ci", ".ci", ".devcontainer", "docker", "tox.ini", "noxfile.py",
	"Dockerfile.dev", "docker-compose.yml", "compose.yml", "compose.yaml",
}

// maxBumpFiles bounds the files of one commit whose versions are compared.
const maxBumpFiles = 20

// maxBumpBlob bounds a file read to compare versions.
const maxBumpBlob = 256 << 10

// maxBumpChanges bounds the changes recorded per commit.
const maxBumpChanges = 4

// isBuildWatched reports whether a watched key is one of the build files
// the build-change counts cover.
func isBuildWatched(k string) bool {
	if g, ok := strings.CutPrefix(k, ".github/"); ok {
		return slices.Contains(WatchedGitHub, g)
	}
	return slices.Contains(WatchedRoot, k)
}

// toolingChanges compares the versions named in the changed watched
// entries of a commit and its parent, and describes those that changed.
func toolingChanges(s storer.EncodedObjectStorer, cur, prev map[string]plumbing.Hash, changed []string) []string {
	var out []string
	files := 0
	for _, k := range changed {
		if files >= maxBumpFiles || len(out) >= maxBumpChanges {
			break
		}
		oldH, newH := prev[k], cur[k]
		if newH.IsZero() || oldH.IsZero() {
			continue // added or removed: not a bump of something that was there
		}
		oldT, errO := object.GetTree(s, oldH)
		newT, errN := object.GetTree(s, newH)
		if errO == nil && errN == nil {
			changes, err := object.DiffTree(oldT, newT)
			if err != nil {
				continue
			}
			// Versions are compared across the changed files of the
			// directory together, so a file renamed for a new release
			// (fedora-41.Dockerfile -> fedora-43.Dockerfile) still shows
			// the image it now names.
			var oldAll, newAll []byte
			for _, ch := range changes {
				if files >= maxBumpFiles {
					break
				}
				files++
				if ch.From.Name != "" && ch.From.TreeEntry.Mode.IsFile() {
					if d, err := readBlob(s, ch.From.TreeEntry.Hash); err == nil {
						oldAll = append(append(oldAll, d...), '\n')
					}
				}
				if ch.To.Name != "" && ch.To.TreeEntry.Mode.IsFile() {
					if d, err := readBlob(s, ch.To.TreeEntry.Hash); err == nil {
						newAll = append(append(newAll, d...), '\n')
					}
				}
			}
			out = append(out, VersionChanges(k+"/*", oldAll, newAll)...)
			continue
		}
		files++
		out = append(out, compareBlobs(s, k, oldH, newH)...)
	}
	if len(out) > maxBumpChanges {
		out = out[:maxBumpChanges]
	}
	return out
}

func compareBlobs(s storer.EncodedObjectStorer, p string, oldH, newH plumbing.Hash) []string {
	oldD, err := readBlob(s, oldH)
	if err != nil {
		return nil
	}
	newD, err := readBlob(s, newH)
	if err != nil {
		return nil
	}
	return VersionChanges(p, oldD, newD)
}

func readBlob(s storer.EncodedObjectStorer, h plumbing.Hash) ([]byte, error) {
	b, err := object.GetBlob(s, h)
	if err != nil {
		return nil, err
	}
	if b.Size > maxBumpBlob {
		return nil, fmt.Errorf("blob %s: %d bytes, over the limit", h, b.Size)
	}
	r, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return source.ReadAllSized(io.LimitReader(r, maxBumpBlob), b.Size)
}

// VersionChanges describes the tool versions that differ between two
// revisions of a CI, build or toolchain file: action refs, image tags,
// runtime versions, pre-commit hook revisions, version files.
func VersionChanges(p string, oldData, newData []byte) []string {
	if path.Base(p) != ".pre-commit-config.yaml" && !versionFiles[path.Base(p)] {
		// Only lines that differ can carry a changed version; a hook's
		// rev needs its repo line, so pre-commit files are read whole.
		oldData, newData = changedLines(oldData, newData)
	}
	o, n := VersionTokens(p, oldData), VersionTokens(p, newData)
	var keys []string
	for k, v := range n {
		if ov, ok := o[k]; ok && ov != v {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		out = append(out, textsafe.Truncate(textsafe.Clean(fmt.Sprintf("%s: %s -> %s (%s)", k, o[k], n[k], p)), 200))
	}
	return out
}

var (
	tokUses      = lazyre.New(`^\s*-?\s*uses:\s*['"]?([\w.-]+/[\w./-]+)@([^\s'"#]+)`)
	tokFrom      = lazyre.New(`(?i)^\s*FROM\s+(?:--platform=\S+\s+)?([^\s]+)`)
	tokImage     = lazyre.New(`^\s*-?\s*(?:image|name):\s*['"]?([\w./-]+[:@][^\s'"]+)`)
	tokGoMod     = lazyre.New(`^(go|toolchain)\s+(\S+)\s*$`)
	tokRuntime   = lazyre.New(`(?i)^\s*-?\s*['"]?((?:[\w-]*[-_])?(?:python|node|go|golang|java|jdk|php|ruby|rust|dotnet|deno|bun|toolchain)(?:[-_]versions?)?|node_js|rvm)['"]?\s*[:=]\s*(\S.*)$`)
	tokRev       = lazyre.New(`^\s*rev:\s*['"]?([^\s'"#]+)`)
	tokRepo      = lazyre.New(`^\s*-\s*repo:\s*['"]?(\S+?)['"]?\s*$`)
	tokVersionKV = lazyre.New(`^\s*(?:ARG|ENV)?\s*([A-Za-z][A-Za-z0-9_]*_VERSION)\s*[=:]\s*['"]?([^\s'"]+)`)
	tokChannel   = lazyre.New(`^\s*channel\s*=\s*"([^"]+)"`)
	// A runtime key inside a flow mapping, as matrix include entries
	// write it: - { ruby: 3.4, rack: head }.
	tokFlowRuntime = lazyre.New(`(?i)[{,]\s*['"]?((?:python|node|go|golang|java|jdk|php|ruby|rust|dotnet|deno|bun)(?:[-_]versions?)?)['"]?\s*:\s*['"]?([^\s,'"{}]+)`)
	runtimeWord    = lazyre.New(`python|node|go|java|jdk|php|ruby|rust|dotnet|deno|bun|toolchain|rvm`)
)

// versionFiles hold nothing but a version.
var versionFiles = map[string]bool{".python-version": true, ".nvmrc": true, ".node-version": true, "rust-toolchain": true, ".ruby-version": true, ".java-version": true}

// changedLines returns the lines of each revision that the other lacks.
func changedLines(a, b []byte) ([]byte, []byte) {
	as, bs := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	// Lines of the common head and tail are in both revisions, so only
	// the middles can hold a line the other revision lacks; a version bump
	// leaves a middle of a line or two. Only the middles' lines are indexed,
	// and each revision's lines are looked up in that index once.
	head := 0
	for head < len(as) && head < len(bs) && bytes.Equal(as[head], bs[head]) {
		head++
	}
	tail := 0
	for tail < len(as)-head && tail < len(bs)-head && bytes.Equal(as[len(as)-1-tail], bs[len(bs)-1-tail]) {
		tail++
	}
	am, bm := as[head:len(as)-tail], bs[head:len(bs)-tail]
	index := make(map[string]int, len(am)+len(bm))
	for _, l := range slices.Concat(am, bm) {
		if _, ok := index[string(l)]; !ok {
			index[string(l)] = len(index)
		}
	}
	const inA, inB = 1, 2
	where := make([]uint8, len(index))
	for _, l := range as {
		if i, ok := index[string(l)]; ok {
			where[i] |= inA
		}
	}
	for _, l := range bs {
		if i, ok := index[string(l)]; ok {
			where[i] |= inB
		}
	}
	only := func(lines [][]byte, missing uint8) []byte {
		var out [][]byte
		for _, l := range lines {
			if where[index[string(l)]]&missing == 0 {
				out = append(out, l)
			}
		}
		return bytes.Join(out, []byte("\n"))
	}
	return only(am, inB), only(bm, inA)
}

// VersionTokens maps what a file names a version for ("uses actions/checkout",
// "FROM golang", "python-version", "rev pre-commit-hooks") to the version.
// Later lines with the same key are joined, so a matrix list compares as
// a whole.
func VersionTokens(p string, data []byte) map[string]string {
	out := map[string]string{}
	base := path.Base(p)
	if versionFiles[base] {
		v := strings.TrimSpace(strings.SplitN(string(data), "\n", 2)[0])
		if v != "" {
			out[base] = textsafe.Truncate(v, 40)
		}
		return out
	}
	put := func(k, v string) {
		v = strings.TrimSpace(v)
		if v == "" || len(out) > 500 {
			return
		}
		if prev, ok := out[k]; ok {
			// The same ref repeated across jobs is one version: listing
			// it once keeps the change readable (A -> B, not A,A,A -> B,B,B).
			if len(prev) < 200 && !slices.Contains(strings.Split(prev, ","), v) {
				out[k] = prev + "," + v
			}
			return
		}
		out[k] = v
	}
	repo := ""
	lb := strings.ToLower(base)
	dockerish := base == "*" || strings.Contains(lb, "dockerfile") || strings.Contains(lb, "containerfile")
	for i, line := range strings.Split(string(data), "\n") {
		if i > 20000 {
			break
		}
		if len(line) > 1000 {
			continue
		}
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "#") && !strings.HasPrefix(strings.ToUpper(t), "FROM") {
			continue
		}
		switch {
		case base == "go.mod":
			if m := tokGoMod.FindStringSubmatch(line); m != nil {
				put(m[1]+" directive", m[2])
			}
			continue
		case base == ".tool-versions":
			if f := strings.Fields(line); len(f) >= 2 {
				put(f[0], f[1])
			}
			continue
		}
		lower := strings.ToLower(line)
		if strings.Contains(lower, "uses:") {
			if m := tokUses.FindStringSubmatch(line); m != nil {
				put("uses "+m[1], m[2])
				continue
			}
		}
		if strings.Contains(lower, "from") && dockerish {
			if m := tokFrom.FindStringSubmatch(line); m != nil {
				name, ver := splitImage(m[1])
				put("FROM "+name, ver)
				continue
			}
		}
		if strings.Contains(line, "repo:") {
			if m := tokRepo.FindStringSubmatch(line); m != nil {
				repo = m[1]
				continue
			}
		}
		if strings.Contains(line, "rev:") && repo != "" {
			if m := tokRev.FindStringSubmatch(line); m != nil {
				put("rev "+path.Base(repo), m[1])
				continue
			}
		}
		if strings.Contains(line, "image:") || strings.Contains(line, "name:") {
			if m := tokImage.FindStringSubmatch(line); m != nil {
				name, ver := splitImage(m[1])
				if ver != "" {
					put("image "+name, ver)
				}
				continue
			}
		}
		if strings.Contains(line, "channel") {
			if m := tokChannel.FindStringSubmatch(line); m != nil {
				put("rust channel", m[1])
				continue
			}
		}
		if !strings.ContainsAny(line, ":=") {
			continue
		}
		if runtimeWord.MatchString(lower) {
			if m := tokRuntime.FindStringSubmatch(line); m != nil {
				put(strings.ToLower(m[1]), m[2])
				continue
			}
			if strings.Contains(line, "{") {
				if m := tokFlowRuntime.FindStringSubmatch(line); m != nil {
					put(strings.ToLower(m[1]), m[2])
					continue
				}
			}
		}
		if strings.Contains(line, "_VERSION") {
			if m := tokVersionKV.FindStringSubmatch(line); m != nil {
				put(m[1], m[2])
			}
		}
	}
	return out
}

// splitImage splits an image reference into its name and tag or digest.
func splitImage(ref string) (string, string) {
	if name, d, ok := strings.Cut(ref, "@"); ok {
		return name, "@" + d
	}
	slash := strings.LastIndex(ref, "/")
	if c := strings.LastIndex(ref, ":"); c > slash {
		return ref[:c], ref[c+1:]
	}
	return ref, ""
}

// toolingEntry reports whether a root entry is watched for tooling bumps.
func toolingEntry(e object.TreeEntry) bool {
	if !slices.Contains(ToolingRoot, e.Name) {
		return false
	}
	return e.Mode == filemode.Dir || e.Mode.IsFile()
}
