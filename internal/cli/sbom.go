package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/atomicfile"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/deps"
	"github.com/assaysec/assay/internal/license"
	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/sbom"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
	"github.com/assaysec/assay/internal/version"
)

func newSBOMCmd(streams *IO) *cobra.Command {
	var format, output, name, productVersion, supplier, now string
	var all bool
	cmd := &cobra.Command{
		Use:   "sbom [PATH]",
		Short: "Write an SBOM (CycloneDX 1.6 or SPDX 2.3) of the components pinned in PATH",
		Long: `sbom inventories every lockfile and manifest under PATH (default ".") and
writes a CycloneDX 1.6 or SPDX 2.3 document with the NTIA minimum elements:
supplier, name, version and purl of each component, the dependency
relationships, the author and a timestamp.

The output is deterministic: the timestamp comes from --now, else
SOURCE_DATE_EPOCH, else the HEAD commit's time; the serial number and
namespace are derived from the content. The product name and supplier come
from assay.yaml (product, vendor) unless given as flags.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := pathArg(args)
			if !containsString(sbom.Formats, format) {
				return usagef("--format: want one of %s, got %q", strings.Join(sbom.Formats, ", "), format)
			}
			tree, err := source.OpenTree(dir)
			if err != nil {
				return usagef("open %s: %v", dir, err)
			}
			defer tree.Close()
			subj := sbomSubject(tree, dir, sbom.Subject{Name: name, Version: productVersion, Supplier: supplier, Tool: "assay", ToolVer: version.Version()})
			ts, err := sbomTimestamp(now, headTime(dir, &subj))
			if err != nil {
				return err
			}
			subj.Timestamp = ts
			inv := deps.Scan(cmd.Context(), tree, deps.Options{All: all})
			for _, w := range inv.Warnings() {
				streamsWarn(streams, "warning: %s\n", textsafe.Clean(w))
			}
			var buf bytes.Buffer
			if err := sbom.Write(&buf, format, subj, inv.Packages(), inv.Edges()); err != nil {
				return err
			}
			if output == "" {
				_, err := streams.Out.Write(buf.Bytes())
				return err
			}
			return atomicfile.WriteFile(output, buf.Bytes(), 0o644)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", sbom.CycloneDXJSON, "output format: "+strings.Join(sbom.Formats, ", "))
	fl.StringVarP(&output, "output", "o", "", "write to `FILE` (atomically) instead of standard output")
	fl.StringVar(&name, "name", "", "product `NAME` (default: product in assay.yaml, else the directory name)")
	fl.StringVar(&productVersion, "product-version", "", "product `VERSION` (default: the HEAD commit)")
	fl.StringVar(&supplier, "supplier", "", "supplier and SBOM author `NAME` (default: vendor in assay.yaml)")
	fl.StringVar(&now, "now", "", "SBOM timestamp as an `RFC3339` time, for reproducible output")
	fl.BoolVar(&all, "all", false, "include lockfiles under testdata, vendor, node_modules and fixture directories")
	return cmd
}

// sbomSubject fills what the flags left out of the product: name and
// supplier from assay.yaml, the licence found in the tree, the directory
// name as a last resort.
func sbomSubject(tree *source.Tree, dir string, subj sbom.Subject) sbom.Subject {
	if cfg := loadConfigQuiet(tree); cfg != nil {
		if subj.Name == "" {
			subj.Name = cfg.Product
		}
		if subj.Supplier == "" {
			subj.Supplier = cfg.Vendor
		}
	}
	subj.License = license.Detect(tree).Expression
	if subj.Name == "" {
		abs, _ := filepath.Abs(dir)
		subj.Name = filepath.Base(abs)
	}
	return subj
}

// headTime returns the HEAD commit's time, zero without history, and
// versions the product by the HEAD commit when no version was given.
func headTime(dir string, subj *sbom.Subject) time.Time {
	var head time.Time
	if h, err := source.OpenHistory(dir); err == nil && h.Head() != nil {
		defer h.Close()
		head = h.Head().Committer.When.UTC()
		if subj.Version == "" {
			subj.Version = h.HeadHash()[:12]
		}
	}
	if subj.Version == "" {
		subj.Version = "unversioned"
	}
	return head
}

// sbomTimestamp is --now, else SOURCE_DATE_EPOCH, else the HEAD commit's
// time, else now.
func sbomTimestamp(now string, head time.Time) (time.Time, error) {
	switch {
	case now != "":
		return parseNow(now, time.Time{})
	case os.Getenv("SOURCE_DATE_EPOCH") != "":
		sec, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64)
		if err != nil {
			return time.Time{}, usagef("SOURCE_DATE_EPOCH: want seconds since 1970, got %q", os.Getenv("SOURCE_DATE_EPOCH"))
		}
		return time.Unix(sec, 0).UTC(), nil
	case !head.IsZero():
		return head, nil
	}
	return time.Now().UTC().Truncate(time.Second), nil
}

// loadConfigQuiet reads assay.yaml for product details; a missing or
// invalid declaration is not this command's business.
func loadConfigQuiet(tree *source.Tree) *config.Config {
	data, err := tree.ReadFileNoFollow(config.FileName, limits.MaxSmallFileSize)
	if err != nil {
		return nil
	}
	cfg, err := config.Parse(config.FileName, data, func(string) bool { return true })
	if err != nil {
		return nil
	}
	return cfg
}

func streamsWarn(streams *IO, format string, args ...any) {
	if streams.Err != nil {
		_, _ = fmt.Fprintf(streams.Err, format, args...)
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
