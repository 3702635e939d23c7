package cli

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/deps"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
	"github.com/assaysec/assay/internal/vulndb"
)

func newDBUpdateCmd(streams *IO) *cobra.Command {
	var db, ecosystems, osvURL, kevURL, epssURL string
	var online bool
	var timeout, requestTimeout time.Duration
	cmd := &cobra.Command{
		Use:   "update [PATH...]",
		Short: "Download the OSV archives of PATH's ecosystems, the KEV catalogue and EPSS scores",
		Long: `update downloads, only with --online, the vulnerability data the assessment
of PATH needs and imports it into the database:

  - osv.dev's archive of every ecosystem whose components PATH's lockfiles
    and manifests pin (<osv-url>/<Ecosystem>/all.zip), or of the ecosystems
    named with --ecosystems;
  - the CISA Known Exploited Vulnerabilities catalogue (--kev-url);
  - FIRST's EPSS scores (--epss-url).

Each location can be pointed at a mirror; an empty --kev-url or --epss-url
leaves that feed out. Requests are conditional on what the previous update
recorded (ETag, Last-Modified): an unchanged source is not downloaded again
and its import is kept. Downloads are bounded in size and entries, their
SHA-256 is recorded, and the import is atomic: a failed, truncated or
oversized download leaves the database as it was.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := dbDir(db)
			if err != nil {
				return usageError{err}
			}
			if len(args) == 0 {
				args = []string{"."}
			}
			var ecos []string
			var unserved []string
			if ecosystems != "" {
				for _, e := range strings.Split(ecosystems, ",") {
					b, ok := vulndb.OSVEcosystem(e)
					if !ok {
						return usagef("--ecosystems: osv.dev publishes no archive Assay uses for %q (known: %s)", strings.TrimSpace(e), strings.Join(vulndb.OSVEcosystems(), ", "))
					}
					ecos = append(ecos, b)
				}
			} else {
				ecos, unserved, err = treeEcosystems(cmd, args)
				if err != nil {
					return err
				}
			}
			opts := vulndb.UpdateOptions{
				Ecosystems: ecos, OSVBase: osvURL, KEVURL: kevURL, EPSSURL: epssURL,
				Timeout: timeout, RequestTimeout: requestTimeout, UserAgent: "assay (db update)",
			}
			if len(ecos) == 0 && ecosystems == "" {
				return usagef("no components with an osv.dev ecosystem in %s; name the ecosystems with --ecosystems (e.g. --ecosystems npm,PyPI)", strings.Join(args, ", "))
			}
			for flag, u := range map[string]string{"osv-url": osvURL, "kev-url": kevURL, "epss-url": epssURL} {
				if u == "" && flag == "osv-url" {
					return usagef("--osv-url: want the base URL of the OSV archives")
				}
				if err := vulndb.CheckURL(u); u != "" && err != nil {
					return usagef("--%s: %v", flag, err)
				}
			}
			if !online {
				return usagef("db update downloads from the network and needs --online; it would download %s", strings.Join(wouldDownload(opts), ", "))
			}
			for _, u := range unserved {
				fmt.Fprintf(streams.Err, "warning: osv.dev publishes no archive for %s; those components stay unchecked\n", textsafe.Clean(u))
			}
			start := time.Now()
			pm := meter(cmd)
			opts.Stage = pm.Start
			opts.Report = func(s vulndb.SourceMeta, src string) {
				pm.Clear()
				fmt.Fprintf(streams.Err, "imported %s: %d %s records", textsafe.Clean(src), s.Records, s.Kind)
				if s.Withdrawn > 0 {
					fmt.Fprintf(streams.Err, ", %d withdrawn skipped", s.Withdrawn)
				}
				if s.Fetched != nil {
					fmt.Fprintf(streams.Err, " (%s, sha256 %s)", byteSize(s.Fetched.Bytes), s.Fetched.SHA256)
				}
				fmt.Fprintln(streams.Err)
			}
			res, err := vulndb.Update(cmd.Context(), dir, opts)
			if res != nil {
				for _, d := range res.Downloads {
					if d.NotModified {
						pm.Clear()
						fmt.Fprintf(streams.Err, "not modified since the last update: %s (import kept)\n", textsafe.Clean(d.URL))
					}
				}
				for i, p := range res.Problems {
					if i == 20 {
						fmt.Fprintf(streams.Err, "... and %d more problems\n", len(res.Problems)-20)
						break
					}
					fmt.Fprintf(streams.Err, "skipped %s: %s\n", textsafe.Clean(p.Path), textsafe.Clean(p.Err))
				}
			}
			if err != nil {
				return fmt.Errorf("%s; the database is unchanged", textsafe.Clean(err.Error()))
			}
			total := 0
			for _, s := range res.Meta.Sources {
				if s.Kind == vulndb.KindOSV {
					total += s.Records
				}
			}
			fmt.Fprintf(streams.Out, "database %s: %s, %s (update took %s)\n", dir, textsafe.Count(len(res.Meta.Sources), "source"), textsafe.Count(total, "OSV record"), time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&db, "db", "", "database `DIR` (default: the user cache directory)")
	fl.BoolVar(&online, "online", false, "allow the downloads (required)")
	fl.StringVar(&ecosystems, "ecosystems", "", "download these comma-separated `ECOSYSTEMS` (npm, PyPI, crates.io, Go, Maven, ...) instead of PATH's")
	fl.StringVar(&osvURL, "osv-url", vulndb.DefaultOSVBase, "base `URL` of the OSV archives (<URL>/<Ecosystem>/all.zip)")
	fl.StringVar(&kevURL, "kev-url", vulndb.DefaultKEVURL, "`URL` of the CISA KEV catalogue (JSON); empty to leave it out")
	fl.StringVar(&epssURL, "epss-url", vulndb.DefaultEPSSURL, "`URL` of FIRST's EPSS scores (CSV, optionally gzip); empty to leave them out")
	fl.DurationVar(&timeout, "timeout", vulndb.DefaultUpdateTimeout, "give up the whole update after this `DURATION`")
	fl.DurationVar(&requestTimeout, "request-timeout", vulndb.DefaultRequestTimeout, "give up one download after this `DURATION`")
	return cmd
}

// treeEcosystems returns the osv.dev ecosystems of the components pinned
// in the trees, and the ecosystems osv.dev has no archive for.
func treeEcosystems(cmd *cobra.Command, paths []string) (served, unserved []string, err error) {
	found := map[string]bool{}
	missing := map[string]int{}
	for _, p := range paths {
		tree, err := source.OpenTree(p)
		if err != nil {
			return nil, nil, usagef("open %s: %v", p, err)
		}
		for _, pkg := range deps.ScanCached(cmd.Context(), tree).Packages() {
			if b, ok := vulndb.OSVEcosystem(pkg.Ecosystem); ok {
				found[b] = true
			} else if pkg.Ecosystem != "" {
				missing[pkg.Ecosystem]++
			}
		}
		tree.Close()
	}
	for _, e := range slices.Sorted(maps.Keys(missing)) {
		unserved = append(unserved, fmt.Sprintf("%s (%s)", e, textsafe.Count(missing[e], "component")))
	}
	return slices.Sorted(maps.Keys(found)), unserved, nil
}

// wouldDownload lists what an update would fetch, for the refusal
// without --online.
func wouldDownload(o vulndb.UpdateOptions) []string {
	var out []string
	base := strings.TrimRight(o.OSVBase, "/")
	for _, e := range o.Ecosystems {
		out = append(out, base+"/"+e+"/all.zip")
	}
	for _, u := range []string{o.KEVURL, o.EPSSURL} {
		if u != "" {
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return []string{"nothing"}
	}
	return out
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// vulnsMaxAge reads vulns' --db-max-age.
func vulnsMaxAge(cmd *cobra.Command) (time.Duration, error) {
	v, _ := cmd.Flags().GetString("db-max-age")
	age, err := config.ParseAge(v)
	if err != nil {
		return 0, usagef("--db-max-age: %v", err)
	}
	return age, nil
}
