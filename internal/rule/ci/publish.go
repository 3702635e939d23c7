package ci

import (
	"fmt"
	"slices"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/evidence/publishing"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/rule"
)

var needSigning = []evidence.Kind{evidence.KindCIPipeline, evidence.KindDockerfile, evidence.KindReleaseTool, evidence.KindPackaging}

var needPublish = []evidence.Kind{evidence.KindCIPipeline, evidence.KindCIScan, evidence.KindPackaging}

// publishRules are the rules about publishing releases from CI.
func publishRules(b *rule.Builder) []rule.Rule {
	return []rule.Rule{
		b.Rule(ReleasePublishedFromCI, needPublish, releasePublishedFromCI),
		b.Rule(PublishCredentialsFromSecretStore, needPublish, publishCredentialsFromSecretStore),
		b.Rule(PublishUsesOIDC, needPublish, publishUsesOIDC),
	}
}

// publishes returns every publish step in CI. GitLab files are merged into
// one pipeline, as GitLab runs them.
func publishes(ix *index) []publishing.Publish {
	pubs, _ := publishesAndNotes(ix)
	return pubs
}

// publishesAndNotes returns the publish steps that ship the product, and
// apart from them the GitHub releases that only carry notes while the
// product is distributed through a package registry: such a release page
// ships nothing, and the package reaches the registry some other way (a
// maintainer's cargo release or npm publish).
func publishesAndNotes(ix *index) (pubs, notes []publishing.Publish) {
	var pls []evidence.CIPipeline
	for _, it := range ix.all {
		if it.Fact.System != evidence.CIGitLab {
			pls = append(pls, it.Fact)
		}
	}
	if gl, ok := ix.gitlab(); ok {
		pls = append(pls, gl)
	}
	all := publishing.Find(pls)
	if len(packagingOf(ix.ev).Channels) == 0 {
		return all, nil
	}
	for _, p := range all {
		if p.NotesOnly {
			notes = append(notes, p)
			continue
		}
		pubs = append(pubs, p)
	}
	return pubs, notes
}

// packagingOf merges the packaging facts. Release scripts that a CI step
// runs are not manual releases, so they are dropped from Manual.
func packagingOf(ev *evidence.Set) evidence.Packaging {
	fromCI := map[string]bool{}
	for _, it := range evidence.Facts[evidence.CIPipeline](ev) {
		for _, j := range it.Fact.Jobs {
			for _, s := range j.Steps {
				if s.File != "" {
					fromCI[s.File] = true
				}
			}
		}
	}
	var out evidence.Packaging
	for _, it := range evidence.Facts[evidence.Packaging](ev) {
		out.Channels = append(out.Channels, it.Fact.Channels...)
		out.Signing = append(out.Signing, it.Fact.Signing...)
		for _, m := range it.Fact.Manual {
			if !fromCI[m.Path] {
				out.Manual = append(out.Manual, m)
			}
		}
	}
	return out
}

// notesNote names a notes-only GitHub release left out of the publishes.
func notesNote(ix *index) string {
	_, notes := publishesAndNotes(ix)
	if len(notes) == 0 {
		return ""
	}
	n := notes[0]
	return fmt.Sprintf("; job %q of %s only creates a GitHub release page with notes (%s, %s:%d), and the package (%s) is published outside CI", n.Job, n.Pipeline, n.What, n.Path, n.Line, packagingOf(ix.ev).Channels[0].Channel)
}

// manualNote names release scripts that publish by hand.
func manualNote(pk evidence.Packaging) string {
	if len(pk.Manual) == 0 {
		return ""
	}
	m := pk.Manual[0]
	return fmt.Sprintf("; %s:%d publishes by hand (%s), so releases are cut on a maintainer's machine", m.Path, m.Line, m.Command)
}

func ciScanned(ev *evidence.Set) bool {
	return len(evidence.Facts[evidence.CIScan](ev)) > 0 || len(evidence.Facts[evidence.CIPipeline](ev)) > 0
}

func releasePublishedFromCI(ev *evidence.Set) []rule.Finding {
	const id = ReleasePublishedFromCI
	ix := newIndex(ev)
	pk := packagingOf(ev)
	if !ciScanned(ev) {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "the CI definitions were not read")}
	}
	pubs := publishes(ix)
	if len(pubs) == 0 {
		var where evidence.Location
		if len(pk.Manual) > 0 {
			where = loc(pk.Manual[0].Path, pk.Manual[0].Line)
		}
		if len(ix.runnable()) == 0 {
			return []rule.Finding{rule.Absent(id, where, "no CI definitions found (.github/workflows/*.yml, .gitlab-ci.yml), so no release is published from CI%s", manualNote(pk))}
		}
		return []rule.Finding{rule.Absent(id, where, "none of %d CI pipelines has a job that publishes a release (no registry upload, release creation or image push was recognised)%s%s", len(ix.runnable()), notesNote(ix), manualNote(pk))}
	}
	var out []rule.Finding
	for _, p := range pubs {
		f := rule.New(id, rule.True, loc(p.Path, p.Line), "job %q of %s publishes to %s (%s, %s:%d), started by %s; credentials: %s",
			p.Job, p.Pipeline, p.Channel, p.What, p.Path, p.Line, p.Trigger, credSummary(p))
		f.Values = map[string]string{"job": p.Job, "pipeline": p.Pipeline, "channel": p.Channel}
		out = append(out, f)
	}
	return out
}

// credSummary describes the credentials of a publish job without their
// values.
func credSummary(p publishing.Publish) string {
	var parts []string
	if p.OIDCLine > 0 {
		parts = append(parts, fmt.Sprintf("OIDC identity (id-token: write, line %d)", p.OIDCLine))
	}
	if p.Trusted != "" {
		parts = append(parts, p.Trusted)
	}
	seen := map[string]bool{}
	for _, c := range p.Creds {
		var s string
		switch c.Source {
		case publishing.SourceSecret:
			s = fmt.Sprintf("%s from secrets.%s", c.Key, c.Ref)
		case publishing.SourcePlaintext:
			s = fmt.Sprintf("%s written in plaintext (%s:%d, value not shown)", c.Key, c.Path, c.Line)
		default:
			s = fmt.Sprintf("%s from the %s", c.Key, c.Source)
		}
		if !seen[s] {
			seen[s] = true
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return "none written in the pipeline"
	}
	if len(parts) > 6 {
		parts = append(parts[:6:6], fmt.Sprintf("and %d more", len(parts)-6))
	}
	return strings.Join(parts, ", ")
}

// plaintextCredentials finds credentials written as literal values in CI:
// any credential of a publish job, registry and forge tokens in any job,
// and passwords given on login and upload command lines.
func plaintextCredentials(ix *index, pubs []publishing.Publish) []publishing.Credential {
	var out []publishing.Credential
	seen := map[string]bool{}
	add := func(c publishing.Credential) {
		k := fmt.Sprintf("%s:%d:%s", c.Path, c.Line, c.Key)
		if !seen[k] {
			seen[k] = true
			out = append(out, c)
		}
	}
	for _, p := range pubs {
		for _, c := range p.Creds {
			if c.Source == publishing.SourcePlaintext {
				add(c)
			}
		}
	}
	for _, it := range ix.all {
		pl := it.Fact
		for _, j := range pl.Jobs {
			for _, s := range j.Steps {
				file := pl.Path
				if s.File != "" {
					file = s.File
				} else if j.File != "" {
					file = j.File
				}
				for _, m := range []map[string]string{s.With, s.Env} {
					for k, v := range m {
						if !publishing.RegistryKey.MatchString(k) {
							continue
						}
						if src, _ := publishing.Classify(v); src == publishing.SourcePlaintext {
							add(publishing.Credential{Key: k, Source: src, Path: file, Line: s.Line})
						}
					}
				}
				for _, c := range publishing.InlineCredentials(s, file) {
					if c.Source == publishing.SourcePlaintext {
						add(c)
					}
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b publishing.Credential) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	return out
}

func publishCredentialsFromSecretStore(ev *evidence.Set) []rule.Finding {
	const id = PublishCredentialsFromSecretStore
	ix := newIndex(ev)
	if !ciScanned(ev) {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "the CI definitions were not read")}
	}
	pubs := publishes(ix)
	var out []rule.Finding
	for _, c := range plaintextCredentials(ix, pubs) {
		out = append(out, rule.Violated(id, loc(c.Path, c.Line), "%s at %s:%d is a credential written in plaintext in the CI configuration (value not shown): anyone who can read the repository can publish with it; move it to the secret store", c.Key, c.Path, c.Line))
	}
	if len(pubs) == 0 {
		if len(out) > 0 {
			return out
		}
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no CI job publishes a release%s", manualNote(packagingOf(ev)))}
	}
	for _, p := range pubs {
		plain := slices.ContainsFunc(p.Creds, func(c publishing.Credential) bool { return c.Source == publishing.SourcePlaintext })
		if plain {
			continue // reported above
		}
		if p.OIDCLine == 0 && len(p.Creds) == 0 {
			out = append(out, rule.Absent(id, loc(p.Path, p.Line), "job %q of %s publishes to %s (%s) but no credential is passed in the pipeline, so where it comes from cannot be told", p.Job, p.Pipeline, p.Destination(), p.What))
			continue
		}
		out = append(out, rule.New(id, rule.True, loc(p.Path, p.Line), "job %q of %s publishes to %s with credentials from the secret store, OIDC or the job token: %s", p.Job, p.Pipeline, p.Destination(), credSummary(p)))
	}
	return out
}

func publishUsesOIDC(ev *evidence.Set) []rule.Finding {
	const id = PublishUsesOIDC
	ix := newIndex(ev)
	if !ciScanned(ev) {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "the CI definitions were not read")}
	}
	pubs := publishes(ix)
	if len(pubs) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no CI job publishes a release")}
	}
	var out []rule.Finding
	for _, p := range pubs {
		switch {
		case p.Trusted != "":
			out = append(out, rule.New(id, rule.True, loc(p.Pipeline, p.OIDCLine), "job %q of %s publishes to %s with %s", p.Job, p.Pipeline, p.Destination(), p.Trusted))
		case p.OIDCLine > 0:
			what := "an OIDC identity"
			if p.Provenance != "" {
				what += " used for " + p.Provenance
			}
			out = append(out, rule.New(id, rule.True, loc(p.Pipeline, p.OIDCLine), "job %q of %s has %s (id-token: write, line %d); it publishes to %s with %s", p.Job, p.Pipeline, what, p.OIDCLine, p.Destination(), credSummary(p)))
		default:
			out = append(out, rule.Absent(id, loc(p.Path, p.Line), "job %q of %s publishes to %s without an OIDC identity (no id-token: write); credentials: %s", p.Job, p.Pipeline, p.Destination(), credSummary(p)))
		}
	}
	return out
}

// releaseSigning recognises signing and attestation in CI. Verification
// commands (gh attestation verify, cosign verify, cosign verify-blob) check
// someone else's signature and are not signing.
var releaseSigning = recogniser{
	name: "signing",
	uses: []string{"actions/attest-build-provenance", "actions/attest", "actions/attest-sbom", "slsa-framework/slsa-github-generator", "sigstore/gh-action-sigstore-python"},
	run: cmd(`cosign\s+(?:sign|sign-blob|attest|attest-blob)\b`, `gpg2?\s+[^\n]*--(?:detach-sign|clearsign|clear-sign|sign)\b`, `gpg2?\s+(?:[^\n]*\s)?-[a-zA-Z]*(?:bs|sb)[a-zA-Z]*\b`, `minisign\s+-S\b`, `signify(?:-openbsd)?\s+-S\b`, `notation\s+sign\b`, `(?:npm|pnpm)\s+publish\s+[^\n]*--provenance\b`, `sigstore\s+sign\b`, `python3?\s+-m\s+sigstore\s+sign\b`,
		// Code and package signing on Windows and .NET: the dotnet sign
		// tool, NuGet author signing, signtool, AzureSignTool.
		`(?:\.\\)?sign(?:\.exe)?\s+code\s+(?:azure-key-vault|certificate-store|trusted-signing)\b`, `(?:dotnet\s+)?nuget(?:\.exe)?\s+sign\b`, `signtool(?:\.exe)?\s+sign\b`, `azuresigntool(?:\.exe)?\s+sign\b`),
}

// buildkitProvenance recognises the provenance BuildKit attaches to an
// image when build-push-action's inputs ask for it (hugo's image.yml sets
// `provenance: mode=max`). No key signs that attestation, so it is named
// in the finding but does not count as signing.
var buildkitProvenance = recogniser{
	name: "BuildKit provenance",
	with: []actionInput{
		{uses: dockerBuild, key: "provenance", val: lazyre.New(`(?i)^(?:true|mode=(?:min|max)\b.*|builder-id=\S+)$`)},
		{uses: dockerBuild, key: "attests", val: lazyre.New(`(?i)\btype=provenance\b`)},
	},
}

// goreleaserRun matches a release run through GoReleaser, as an action or
// a command.
var goreleaserRun = lazyre.New(`(?i)goreleaser`)

// buildSigns returns signing configured in build files that the channel's
// publish uses: the Maven GPG plugin or Gradle signing for Maven publishing.
func buildSigns(pk evidence.Packaging, channel string) (evidence.SigningConfig, bool) {
	for _, s := range pk.Signing {
		switch s.Tool {
		case "maven-gpg-plugin", "maven-signing", "gradle-signing":
			if channel == publishing.Maven {
				return s, true
			}
		case "npm-provenance":
			if channel == publishing.NPM {
				return s, true
			}
		}
	}
	return evidence.SigningConfig{}, false
}

func releaseSignsArtifacts(ev *evidence.Set) []rule.Finding {
	const id = ReleaseSignsArtifacts
	ix := newIndex(ev)
	pk := packagingOf(ev)
	tools := evidence.Facts[evidence.ReleaseTool](ev)
	pubs := publishes(ix)
	var out []rule.Finding
	toolSigns := func() (evidence.Location, bool) {
		for _, t := range tools {
			if len(t.Fact.Signs) > 0 {
				return loc(t.Fact.Path, t.Fact.Signs[0]), true
			}
		}
		return evidence.Location{}, false
	}
	done := map[string]bool{}
	for _, p := range pubs {
		if done[p.Pipeline] {
			continue
		}
		var same []publishing.Publish
		for _, q := range pubs {
			if q.Pipeline == p.Pipeline {
				same = append(same, q)
			}
		}
		done[p.Pipeline] = true
		pl, ok := ix.byPath[p.Pipeline]
		if !ok && p.System == evidence.CIGitLab {
			pl, _ = ix.gitlab()
		}
		if h, ok := ix.pipelineDoes(releaseSigning, pl); ok {
			out = append(out, rule.New(id, rule.True, h.loc(), "the release pipeline signs or attests the artefacts: %s (%s:%d, in %s)", h.what, h.path, h.line, p.Pipeline))
			continue
		}
		found := false
		for _, q := range same {
			if q.Provenance != "" {
				out = append(out, rule.New(id, rule.True, loc(q.Path, q.ProvenanceLine), "job %q of %s publishes to %s with %s", q.Job, q.Pipeline, q.Destination(), q.Provenance))
				found = true
				break
			}
			if goreleaserRun.MatchString(q.What) {
				if l, ok := toolSigns(); ok {
					out = append(out, rule.New(id, rule.True, l, "the release runs GoReleaser (%s:%d), whose configuration signs the artefacts (%s:%d)", q.Path, q.Line, l.Path, l.Line))
					found = true
					break
				}
			}
			if s, ok := buildSigns(pk, q.Channel); ok {
				out = append(out, rule.New(id, rule.True, loc(s.Path, s.Line), "job %q of %s publishes to %s, and %s:%d signs what it publishes (%s)", q.Job, q.Pipeline, q.Destination(), s.Path, s.Line, s.Tool))
				found = true
				break
			}
		}
		if !found {
			var chs []string
			for _, q := range same {
				chs = append(chs, q.Channel)
			}
			if h, ok := ix.pipelineDoes(buildkitProvenance, pl); ok {
				out = append(out, rule.Absent(id, loc(p.Path, p.Line), "release job %q of %s publishes to %s (%s); %s (%s:%d) records unsigned BuildKit provenance with the image, but nothing in the pipeline or its release configuration signs the artefacts", p.Job, p.Pipeline, strings.Join(slices.Compact(chs), ", "), p.What, h.what, h.path, h.line))
				continue
			}
			out = append(out, rule.Absent(id, loc(p.Path, p.Line), "release job %q of %s publishes to %s (%s) but nothing in the pipeline or its release configuration signs the artefacts or records provenance", p.Job, p.Pipeline, strings.Join(slices.Compact(chs), ", "), p.What))
		}
	}
	if len(pubs) == 0 {
		// Releases built outside CI can still be signed by the build.
		for _, s := range pk.Signing {
			out = append(out, rule.New(id, rule.True, loc(s.Path, s.Line), "%s:%d signs releases when they are built (%s: %s); no CI job publishes, so releases are built elsewhere", s.Path, s.Line, s.Tool, s.Detail))
			break
		}
		// A pipeline can build and sign the packages on the default branch
		// or a tag while a person uploads them: the signature is still made
		// by the vendor's pipeline. Pull-request runs sign nothing shipped.
		if len(out) == 0 {
			if h, job, pl, ok := ciSignsBuilds(ix, ev); ok {
				who := fmt.Sprintf("job %q of %s", job, pl)
				if job == "" {
					who = pl
				}
				out = append(out, rule.New(id, rule.True, h.loc(), "%s signs the packages it builds on the default branch or tags: %s (%s:%d); no CI job publishes, so they are uploaded from there by hand or by a system outside the repository", who, strings.TrimRight(h.what, " `"), h.path, h.line))
			}
		}
		if l, ok := toolSigns(); ok && len(out) == 0 {
			out = append(out, rule.New(id, rule.True, l, "the GoReleaser configuration signs the artefacts (%s:%d)", l.Path, l.Line))
		}
		if len(out) == 0 {
			out = append(out, rule.New(id, rule.NotApplicable, evidence.Location{}, "no job that publishes a release was recognised in CI, and no build file or release script signs releases"))
		}
	}
	return out
}

// ciSignsBuilds finds a job that runs on the default branch or on tags and
// signs or attests what it builds.
func ciSignsBuilds(ix *index, ev *evidence.Set) (hit, string, string, bool) {
	scanItem, _ := evidence.First[evidence.CIScan](ev)
	cands := defaultCandidates(scanItem.Fact)
	for _, pl := range ix.runnable() {
		for _, j := range pl.Jobs {
			if j.Hidden {
				continue
			}
			if s := sidesOf(pl, j, cands); !s.main && !s.tag {
				continue
			}
			if h, ok := ix.jobDoes(releaseSigning, pl, j); ok && !h.soft {
				return h, j.Name, pl.Path, true
			}
		}
	}
	return hit{}, "", "", false
}
