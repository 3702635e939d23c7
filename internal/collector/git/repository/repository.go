// Package repository records whether the tree is under version control, its
// HEAD, and its tags.
package repository

import (
	"context"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/parse/tagname"
)

// Name of the collector.
const Name = "git/repository"

// maxTags bounds how many tags are read.
const maxTags = 2000

// Collector reads the repository and its tags.
type Collector struct{}

// New returns the collector.
func New() collector.Collector { return Collector{} }

// Name implements collector.Collector.
func (Collector) Name() string { return Name }

// Produces implements collector.Collector.
func (Collector) Produces() []evidence.Kind {
	return []evidence.Kind{evidence.KindVCS, evidence.KindTags}
}

// Requirements implements collector.Collector. History is optional here: a
// tree without .git is itself the evidence this collector reports.
func (Collector) Requirements() collector.Requirements { return collector.Requirements{} }

// Collect implements collector.Collector.
func (Collector) Collect(_ context.Context, in *collector.Input) ([]evidence.Record, error) {
	if in.History == nil {
		reason := in.NoHistory
		if reason == "" {
			reason = "no .git directory at the root of the tree"
		}
		return []evidence.Record{{
			Fact:       evidence.VCS{Present: false, Reason: reason},
			Provenance: in.Provenance(Name, evidence.Location{}, ""),
		}}, nil
	}
	h := in.History
	loc := evidence.Location{Path: ".git", Commit: h.HeadHash()}
	out := []evidence.Record{{
		Fact:       evidence.VCS{System: "git", Present: true, Head: h.HeadHash(), Branch: h.Branch()},
		Provenance: in.Provenance(Name, loc, ""),
	}}
	tags, err := h.Tags(maxTags)
	if err != nil {
		return out, err
	}
	fact := evidence.Tags{Total: len(tags)}
	for _, t := range tags {
		fact.Tags = append(fact.Tags, evidence.TagInfo{
			Name: t.Name, Commit: t.Commit, Date: t.Date, Annotated: t.Annotated, Signed: t.Signed,
			Release: tagname.IsVersion(t.Name),
		})
	}
	out = append(out, evidence.Record{Fact: fact, Provenance: in.Provenance(Name, loc, "")})
	return out, nil
}
