// Package files lists the tree's regular files and their sizes, from the
// tree index (no file is opened), so custom rules can ask about files by
// name without doing I/O.
package files

import (
	"context"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
)

// Name of the collector.
const Name = "repo/files"

// MaxFiles bounds the list.
const MaxFiles = 100_000

// Collector lists files.
type Collector struct{}

// New returns the collector.
func New() collector.Collector { return Collector{} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind { return []evidence.Kind{evidence.KindFileList} }

// Requirements implements collector.Collector.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// Collect implements collector.Collector.
func (Collector) Collect(_ context.Context, in *collector.Input) ([]evidence.Record, error) {
	var fl evidence.FileList
	for _, e := range in.Tree.Entries() {
		if e.Symlink {
			continue
		}
		if len(fl.Files) == MaxFiles {
			fl.Truncated = true
			break
		}
		fl.Files = append(fl.Files, evidence.FileEntry{Path: e.Path, Size: e.Size})
	}
	return []evidence.Record{{Fact: fl, Provenance: in.Provenance(Name, evidence.Location{}, "")}}, nil
}
