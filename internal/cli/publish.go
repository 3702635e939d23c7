package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/assaysec/assay/internal/atomicfile"
	"github.com/assaysec/assay/internal/engine"
	"github.com/assaysec/assay/internal/license"
	"github.com/assaysec/assay/internal/publish"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
)

func newPublishCmd(streams *IO) *cobra.Command {
	var (
		f       assessFlags
		out     string
		force   bool
		repoURL string
		baseURL string
		license string
	)
	cmd := &cobra.Command{
		Use:   "publish [PATH]",
		Short: "Generate the customer-facing artefacts: security.txt, support statement, CSAF, OpenVEX, Security Insights",
		Long: `Publish generates, from assay.yaml and the assessment of PATH, the artefacts the
Code of Practice asks vendors to publish, each checked against its specification:

  security.txt              RFC 9116, Expires one year ahead (sign it with your OpenPGP tooling if you wish)
  support-statement.json    release lines, end-of-support dates, notice and update policy
  support-statement.html    the same, readable
  csaf/<id>.json            a CSAF 2.0 advisory per declared advisory (validated against the CSAF schema)
  vex.openvex.json          OpenVEX from the vex statements declared in assay.yaml
  SECURITY-INSIGHTS.yml     OpenSSF Security Insights 2.0.0

Files are written atomically; existing files are not overwritten without --force.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := pathArg(args)
			if err := refuseFlags(cmd, writesNoReport("publish", "artefacts")); err != nil {
				return err
			}
			if out == "" {
				return usagef("--out is required: the directory to write the artefacts to")
			}
			for name, u := range map[string]string{"--repo-url": repoURL, "--base-url": baseURL} {
				if u != "" && !strings.HasPrefix(u, "https://") {
					return usagef("%s: want an https:// URL, got %q", name, u)
				}
			}
			opts, err := f.options(cmd, path)
			if err != nil {
				return err
			}
			res, err := engine.Run(cmd.Context(), opts)
			if err != nil {
				return err
			}
			if repoURL == "" {
				repoURL = originURL(path)
			}
			licenseFile := ""
			if license == "" {
				license, licenseFile = detectLicense(path)
			}
			in := publish.Input{Config: res.Config, Now: opts.Now, RepoURL: repoURL, BaseURL: baseURL, License: license, LicenseFile: licenseFile}
			in.AddEvidence(res.Evidence)
			arts, skipped, err := publish.All(in)
			if err != nil {
				return err
			}
			if err := writeArtefacts(streams, out, arts, force); err != nil {
				return err
			}
			for _, s := range skipped {
				fmt.Fprintf(streams.Out, "%s\n", s)
			}
			return nil
		},
	}
	bindAssessFlags(cmd, &f)
	hideFlags(cmd, "output", "format", "fail-on")
	fl := cmd.Flags()
	fl.StringVar(&out, "out", "", "write the artefacts to `DIR`")
	fl.BoolVar(&force, "force", false, "overwrite existing files")
	fl.StringVar(&repoURL, "repo-url", "", "https `URL` of the source repository (default: the origin remote)")
	fl.StringVar(&baseURL, "base-url", "", "https `URL` where the artefacts are served, for security.txt Canonical and the CSAF namespace")
	fl.StringVar(&license, "license", "", "SPDX licence `EXPRESSION` for Security Insights (default: detected from LICENSE)")
	return cmd
}

// writeArtefacts writes each artefact under out, atomically, refusing to
// overwrite existing files unless force is set.
func writeArtefacts(streams *IO, out string, arts []publish.Artefact, force bool) error {
	if !force {
		var exist []string
		for _, a := range arts {
			if _, err := os.Lstat(filepath.Join(out, a.Name)); err == nil {
				exist = append(exist, a.Name)
			}
		}
		if len(exist) > 0 {
			return usagef("%s already exist in %s; pass --force to overwrite", strings.Join(exist, ", "), out)
		}
	}
	for _, a := range arts {
		p := filepath.Join(out, filepath.FromSlash(a.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(p, a.Data, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(streams.Out, "wrote %s: %s\n", p, a.Note)
	}
	return nil
}

// originURL returns the origin remote as an https URL, read through go-git
// (no git process, no config commands), or "".
func originURL(dir string) string {
	h, err := source.OpenHistory(dir)
	if err != nil {
		return ""
	}
	defer h.Close()
	r, err := h.Repository().Remote("origin")
	if err != nil || len(r.Config().URLs) == 0 {
		return ""
	}
	u := r.Config().URLs[0]
	if rest, ok := strings.CutPrefix(u, "git@"); ok {
		host, p, found := strings.Cut(rest, ":")
		if !found {
			return ""
		}
		u = "https://" + host + "/" + p
	}
	u = strings.TrimSuffix(u, ".git")
	if !strings.HasPrefix(u, "https://") || strings.ContainsAny(u, " \t\n@") {
		return ""
	}
	return textsafe.Clean(u)
}

// detectLicense returns the SPDX expression of the licence files at the
// root (LICENSE*, LICENCE*, COPYING*, dual LICENSE-MIT/LICENSE-APACHE),
// REUSE's LICENSES/, the root manifest's licence field or SPDX headers.
// The file returned is the first licence file recognised, for the
// licence URL.
func detectLicense(dir string) (expr, file string) {
	tree, err := source.OpenTree(dir)
	if err != nil {
		return "", ""
	}
	defer tree.Close()
	res := license.Detect(tree)
	for _, f := range res.Files {
		if f.ID != "" && !strings.Contains(f.Path, "/") && !strings.HasSuffix(f.Path, ".toml") && !strings.HasSuffix(f.Path, ".json") {
			file = f.Path
			break
		}
	}
	return res.Expression, file
}
