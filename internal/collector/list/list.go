// Package list is the explicit registry of collectors. Adding a collector is
// one line here, in the same change as the collector. There is no init()
// registration: what runs is what this file lists.
package list

import (
	"fmt"
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/collector"
	cibuildenv "github.com/assaysec/assay/internal/collector/ci/buildenv"
	cipipelines "github.com/assaysec/assay/internal/collector/ci/pipelines"
	citoolchains "github.com/assaysec/assay/internal/collector/ci/toolchains"
	ciupdates "github.com/assaysec/assay/internal/collector/ci/updates"
	"github.com/assaysec/assay/internal/collector/declared/attestations"
	"github.com/assaysec/assay/internal/collector/declared/signoffcheck"
	depshistory "github.com/assaysec/assay/internal/collector/deps/history"
	"github.com/assaysec/assay/internal/collector/deps/inventory"
	"github.com/assaysec/assay/internal/collector/deps/manifests"
	depssbom "github.com/assaysec/assay/internal/collector/deps/sbom"
	"github.com/assaysec/assay/internal/collector/deps/vulns"
	forgeapi "github.com/assaysec/assay/internal/collector/forge/api"
	githistory "github.com/assaysec/assay/internal/collector/git/history"
	"github.com/assaysec/assay/internal/collector/git/repository"
	"github.com/assaysec/assay/internal/collector/lifecycle/support"
	releaseartefacts "github.com/assaysec/assay/internal/collector/release/artefacts"
	releasechannels "github.com/assaysec/assay/internal/collector/release/channels"
	releasepackaging "github.com/assaysec/assay/internal/collector/release/packaging"
	releasetags "github.com/assaysec/assay/internal/collector/release/tags"
	"github.com/assaysec/assay/internal/collector/repo/binaries"
	"github.com/assaysec/assay/internal/collector/repo/disclosure"
	repofiles "github.com/assaysec/assay/internal/collector/repo/files"
	"github.com/assaysec/assay/internal/collector/repo/governance"
	"github.com/assaysec/assay/internal/collector/repo/purpose"
	reposcope "github.com/assaysec/assay/internal/collector/repo/scope"
	reposecrets "github.com/assaysec/assay/internal/collector/repo/secrets"
	"github.com/assaysec/assay/internal/collector/repo/tree"
)

// All lists every collector constructor, in the order they run.
var All = []func() collector.Collector{
	tree.New,
	repofiles.New,
	reposcope.New,
	binaries.New,
	repository.New,
	githistory.New,
	manifests.New,
	inventory.New,
	depssbom.New,
	vulns.New,
	depshistory.New,
	attestations.New,
	signoffcheck.New,
	disclosure.New,
	reposecrets.New,
	governance.New,
	support.New,
	releaseartefacts.New,
	releasetags.New,
	releasechannels.New,
	releasepackaging.New,
	cipipelines.New,
	cibuildenv.New,
	ciupdates.New,
	citoolchains.New,
	purpose.New,
	forgeapi.New,
}

// FromNames returns the named collectors, or all of them when names is empty.
func FromNames(names []string) ([]collector.Collector, error) {
	var out []collector.Collector
	found := map[string]bool{}
	var valid []string
	for _, mk := range All {
		c := mk()
		valid = append(valid, c.Name())
		if len(names) == 0 || slices.Contains(names, c.Name()) {
			out = append(out, c)
			found[c.Name()] = true
		}
	}
	for _, n := range names {
		if !found[n] {
			return nil, fmt.Errorf("unknown collector %q; the collectors are: %s", n, strings.Join(valid, ", "))
		}
	}
	return out, nil
}
