package evidence

// KindFileList is the list of regular files in the tree.
const KindFileList Kind = "repo/files"

// FileList is every regular file of the tree index with its size, for
// custom rules that ask about files by name. Truncated says the list was
// cut at its limit.
type FileList struct {
	Files     []FileEntry
	Truncated bool
}

// FileEntry is one file: slash-separated path relative to the root.
type FileEntry struct {
	Path string
	Size int64
}

// Kind implements Fact.
func (FileList) Kind() Kind { return KindFileList }
