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
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/forge"
)

// Settings is what collectors are constructed with: the declaration and
// the forge API settings. Collectors that read neither ignore it.
type Settings struct {
	Config *config.Config // never nil; empty when there is no assay.yaml
	Forge  forge.Config   // --repo, --github-api-url, --gitlab-api-url, --cache-dir, token variables
}

// plain adapts the constructor of a collector that needs no settings.
func plain(mk func() collector.Collector) func(Settings) collector.Collector {
	return func(Settings) collector.Collector { return mk() }
}

// declared adapts the constructor of a collector that reads the declaration.
func declared(mk func(*config.Config) collector.Collector) func(Settings) collector.Collector {
	return func(s Settings) collector.Collector { return mk(s.Config) }
}

// All lists every collector constructor, in the order they run.
var All = []func(Settings) collector.Collector{
	plain(tree.New),
	plain(repofiles.New),
	declared(reposcope.New),
	plain(binaries.New),
	plain(repository.New),
	declared(githistory.New),
	declared(manifests.New),
	declared(inventory.New),
	plain(depssbom.New),
	declared(vulns.New),
	plain(depshistory.New),
	declared(attestations.New),
	declared(signoffcheck.New),
	plain(disclosure.New),
	plain(reposecrets.New),
	plain(governance.New),
	declared(support.New),
	declared(releaseartefacts.New),
	declared(releasetags.New),
	declared(releasechannels.New),
	plain(releasepackaging.New),
	plain(cipipelines.New),
	plain(cibuildenv.New),
	plain(ciupdates.New),
	plain(citoolchains.New),
	plain(purpose.New),
	func(s Settings) collector.Collector { return forgeapi.New(s.Forge, s.Config) },
}

// FromNames returns the named collectors, constructed with s, or all of
// them when names is empty.
func FromNames(names []string, s Settings) ([]collector.Collector, error) {
	var out []collector.Collector
	found := map[string]bool{}
	var valid []string
	for _, mk := range All {
		c := mk(s)
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
