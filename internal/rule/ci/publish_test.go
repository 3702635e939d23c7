package ci

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/collector"
	"github.com/assaysec/assay/internal/collector/ci/buildenv"
	"github.com/assaysec/assay/internal/collector/ci/pipelines"
	"github.com/assaysec/assay/internal/collector/release/packaging"
	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/source"
)

// collectPublish runs the collectors the publishing rules read.
func collectPublish(t *testing.T, files map[string]string) *evidence.Set {
	t.Helper()
	src, err := source.OpenTree(tree(t, files))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	in := &collector.Input{Tree: src, Now: testNow}
	ev := evidence.NewSet()
	for _, c := range []collector.Collector{pipelines.New(), buildenv.New(), packaging.New()} {
		recs, err := c.Collect(context.Background(), in)
		if err != nil {
			t.Fatalf("%s: %v", c.Name(), err)
		}
		ev.Add(recs...)
	}
	return ev
}

// answer is one finding reduced to what the tests compare.
type answer struct {
	Outcome  rule.Outcome
	Negative rule.Negative
	Path     string
	Line     int
}

func answers(fs []rule.Finding) []answer {
	var out []answer
	for _, f := range fs {
		out = append(out, answer{f.Outcome, f.Negative, f.Location.Path, f.Location.Line})
	}
	return out
}

const (
	// Trusted publishing to PyPI from a tag, in the shape most Python
	// projects use: a build job and a publish job with an OIDC identity.
	pypiTrusted = `on:
  push:
    tags: ['*']
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: uv build
  publish:
    needs: [build]
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: pypa/gh-action-pypi-publish@v1
`
	// npm publishing from a merged release pull request, with provenance
	// and a stored token.
	npmMergedPR = `on:
  pull_request:
    types: [closed]
    branches: [main]
jobs:
  publish:
    if: github.event.pull_request.merged == true
    runs-on: ubuntu-latest
    permissions:
      contents: write
      id-token: write
    steps:
      - run: npm ci
      - run: npm publish --provenance --access public
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
`
	// npm trusted publishing: an OIDC identity and no npm token, so npm
	// authenticates with the identity and records provenance itself.
	npmTrusted = `on:
  push:
    branches: [main]
jobs:
  release:
    runs-on: ubuntu-latest
    permissions:
      contents: write
      id-token: write
    steps:
      - uses: actions/setup-node@v4
        with:
          registry-url: 'https://registry.npmjs.org'
      - run: npm install -g npm@latest
      - run: npm publish --access public
`
	// A pull-request workflow that only rehearses.
	prOnly = `on:
  pull_request:
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - run: npm publish --dry-run
      - run: cargo publish
`
	// A multi-line image push logged in with the job token.
	imagePush = `on:
  push:
    branches: [master]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          username: ${{ github.actor }}
          password: ${{ secrets.GITHUB_TOKEN }}
      - run: |

          docker buildx build --platform linux/amd64 \
            --tag ghcr.io/o/app:latest \
            --push .
`
	// A token committed in plaintext.
	plaintext = `on:
  push:
    tags: ['v*']
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: twine upload dist/*
        env:
          TWINE_USERNAME: __token__
          TWINE_PASSWORD: pypi-AgEIcHlwaS5vcmcCJGFiY2RlZg
`
	// release-plz opening its pull request publishes nothing; release
	// does, with trusted publishing when no registry token is given.
	releasePlz = `on:
  push:
    branches: [main]
jobs:
  release:
    runs-on: ubuntu-latest
    permissions:
      contents: write
      id-token: write
    steps:
      - uses: release-plz/action@v0.5
        with:
          command: release
        env:
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
  pr:
    runs-on: ubuntu-latest
    steps:
      - uses: release-plz/action@v0.5
        with:
          command: release-pr
`
	// RubyGems trusted publishing: the credentials action trades the OIDC
	// identity for a key, and Bundler's rake release pushes each gem.
	rubygemsTrusted = `on:
  push:
    tags: ['v*']
jobs:
  release:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: actions/checkout@v4
      - uses: rubygems/configure-rubygems-credentials@v1.0.0
      - run: bundle exec rake install:lib
      - run: bundle exec rake release:lib
`
	// GoReleaser with a verification step after it: gh attestation
	// verify checks a signature and is not signing.
	verifyOnly = `on:
  push:
    tags: ['v*']
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: goreleaser/goreleaser-action@v6
        with:
          args: release --clean
        env:
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
      - run: gh attestation verify dist/app.tar.gz -R o/app
      - run: cosign verify-blob --bundle x.sigstore.json x
`
	// A script the job runs by its relative path.
	scriptPublish = `on:
  push:
    tags: ['*']
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: "scripts/publish"
        env:
          TWINE_PASSWORD: ${{ secrets.PYPI_TOKEN }}
`
	mavenPOM = `<project>
  <artifactId>lib</artifactId>
  <profiles>
    <profile>
      <id>release</id>
      <build><plugins><plugin>
        <artifactId>maven-gpg-plugin</artifactId>
      </plugin></plugins></build>
    </profile>
  </profiles>
</project>
`
	testsOnly = `on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: go test ./...
`
)

func TestPublishRules(t *testing.T) {
	wf := ".github/workflows/release.yml"
	tests := []struct {
		name  string
		files map[string]string
		want  map[string][]answer
		// say holds text the first finding of a rule must contain.
		say map[string]string
	}{
		{
			name:  "PyPI trusted publishing from a tag",
			files: map[string]string{wf: pypiTrusted},
			want: map[string][]answer{
				ReleasePublishedFromCI:            {{rule.True, "", wf, 16}},
				PublishCredentialsFromSecretStore: {{rule.True, "", wf, 16}},
				PublishUsesOIDC:                   {{rule.True, "", wf, 13}},
				ReleaseSignsArtifacts:             {{rule.True, "", wf, 16}},
			},
			say: map[string]string{PublishUsesOIDC: "PyPI trusted publishing", ReleaseSignsArtifacts: "PyPI attestations"},
		},
		{
			// The crate reaches crates.io from a maintainer's machine; CI
			// only opens a release page with notes, which ships nothing.
			name: "notes-only GitHub release of a crate",
			files: map[string]string{
				wf:           "on:\n  push:\n    tags: ['v*']\njobs:\n  create-release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/create-release@v1\n        env:\n          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n        with:\n          tag_name: ${{ github.ref }}\n",
				"Cargo.toml": "[package]\nname = \"demo\"\nversion = \"1.0.0\"\n",
			},
			want: map[string][]answer{
				ReleasePublishedFromCI: {{rule.False, rule.NoSignal, "", 0}},
			},
			say: map[string]string{ReleasePublishedFromCI: "only creates a GitHub release page with notes"},
		},
		{
			// gh release create with a tag and flags only attaches no
			// assets; the npm package is published by hand.
			name: "notes-only gh release create of an npm package",
			files: map[string]string{
				wf:             "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          PRE=\"\"\n          gh release create \"$GITHUB_REF_NAME\" \\\n            --notes-file notes.md $PRE\n        env:\n          GH_TOKEN: ${{ github.token }}\n",
				"package.json": "{\"name\": \"demo\", \"version\": \"1.0.0\"}\n",
			},
			want: map[string][]answer{
				ReleasePublishedFromCI: {{rule.False, rule.NoSignal, "", 0}},
			},
			say: map[string]string{ReleasePublishedFromCI: "only creates a GitHub release page with notes"},
		},
		{
			name: "notes-only gh release create of a crate",
			files: map[string]string{
				wf:           "on:\n  push:\n    branches: [main]\njobs:\n  draft:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          gh release create \"$VERSION\" \\\n            --draft --notes-file notes.md \\\n            --target \"$(git rev-parse HEAD)\"\n        env:\n          GH_TOKEN: ${{ github.token }}\n",
				"Cargo.toml": "[package]\nname = \"demo\"\nversion = \"1.0.0\"\n",
			},
			want: map[string][]answer{
				ReleasePublishedFromCI: {{rule.False, rule.NoSignal, "", 0}},
			},
			say: map[string]string{ReleasePublishedFromCI: "only creates a GitHub release page with notes"},
		},
		{
			name: "GitHub release with uploaded assets of a crate",
			files: map[string]string{
				wf:           "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/*\n",
				"Cargo.toml": "[package]\nname = \"demo\"\nversion = \"1.0.0\"\n",
			},
			want: map[string][]answer{
				ReleasePublishedFromCI: {{rule.True, "", wf, 8}},
			},
		},
		{
			name:  "notes-only GitHub release with no registry package",
			files: map[string]string{wf: "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: softprops/action-gh-release@v2\n"},
			want: map[string][]answer{
				ReleasePublishedFromCI: {{rule.True, "", wf, 8}},
			},
		},
		{
			name:  "npm from a merged pull request, provenance and a stored token",
			files: map[string]string{wf: npmMergedPR},
			want: map[string][]answer{
				ReleasePublishedFromCI:            {{rule.True, "", wf, 14}},
				PublishCredentialsFromSecretStore: {{rule.True, "", wf, 14}},
				PublishUsesOIDC:                   {{rule.True, "", wf, 9}},
				ReleaseSignsArtifacts:             {{rule.True, "", wf, 14}},
			},
			say: map[string]string{ReleasePublishedFromCI: "merged pull request", PublishCredentialsFromSecretStore: "secrets.NPM_TOKEN"},
		},
		{
			name:  "npm trusted publishing without a token records provenance",
			files: map[string]string{wf: npmTrusted},
			want: map[string][]answer{
				ReleasePublishedFromCI: {{rule.True, "", wf, 15}},
				PublishUsesOIDC:        {{rule.True, "", wf, 7}},
				ReleaseSignsArtifacts:  {{rule.True, "", wf, 15}},
			},
			say: map[string]string{PublishUsesOIDC: "npm trusted publishing", ReleaseSignsArtifacts: "npm provenance"},
		},
		{
			name:  "an npm token in the job's environment is not trusted publishing",
			files: map[string]string{wf: strings.Replace(npmTrusted, "    permissions:", "    env:\n      NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n    permissions:", 1)},
			want: map[string][]answer{
				ReleasePublishedFromCI: {{rule.True, "", wf, 17}},
				ReleaseSignsArtifacts:  {{rule.False, rule.NoSignal, wf, 17}},
			},
			say: map[string]string{PublishCredentialsFromSecretStore: "secrets.NPM_TOKEN"},
		},
		{
			name:  "pull-request workflows and dry runs publish nothing",
			files: map[string]string{wf: prOnly},
			want: map[string][]answer{
				ReleasePublishedFromCI:            {{rule.False, rule.NoSignal, "", 0}},
				PublishCredentialsFromSecretStore: {{rule.NotApplicable, "", "", 0}},
				PublishUsesOIDC:                   {{rule.NotApplicable, "", "", 0}},
				ReleaseSignsArtifacts:             {{rule.NotApplicable, "", "", 0}},
			},
		},
		{
			name:  "multi-line image push with the job token",
			files: map[string]string{wf: imagePush},
			want: map[string][]answer{
				ReleasePublishedFromCI:            {{rule.True, "", wf, 15}},
				PublishCredentialsFromSecretStore: {{rule.True, "", wf, 15}},
				PublishUsesOIDC:                   {{rule.False, rule.NoSignal, wf, 15}},
				ReleaseSignsArtifacts:             {{rule.False, rule.NoSignal, wf, 15}},
			},
			say: map[string]string{PublishCredentialsFromSecretStore: "ghcr.io with credentials", ReleasePublishedFromCI: "docker buildx build"},
		},
		{
			name:  "plaintext publish token is a violation and is not shown",
			files: map[string]string{wf: plaintext},
			want: map[string][]answer{
				ReleasePublishedFromCI:            {{rule.True, "", wf, 8}},
				PublishCredentialsFromSecretStore: {{rule.False, rule.Violation, wf, 8}},
				PublishUsesOIDC:                   {{rule.False, rule.NoSignal, wf, 8}},
			},
			say: map[string]string{PublishCredentialsFromSecretStore: "TWINE_PASSWORD"},
		},
		{
			name:  "release-plz release with OIDC is trusted publishing; release-pr is not a publish",
			files: map[string]string{wf: releasePlz},
			want: map[string][]answer{
				ReleasePublishedFromCI: {{rule.True, "", wf, 11}},
				PublishUsesOIDC:        {{rule.True, "", wf, 7}},
				ReleaseSignsArtifacts:  {{rule.False, rule.NoSignal, wf, 11}},
			},
			say: map[string]string{PublishUsesOIDC: "crates.io trusted publishing"},
		},
		{
			name:  "RubyGems trusted publishing with rake release",
			files: map[string]string{wf: rubygemsTrusted, "lib.gemspec": "Gem::Specification.new do |s|\nend\n"},
			want: map[string][]answer{
				ReleasePublishedFromCI:            {{rule.True, "", wf, 13}},
				PublishCredentialsFromSecretStore: {{rule.True, "", wf, 13}},
				PublishUsesOIDC:                   {{rule.True, "", wf, 7}},
			},
			say: map[string]string{PublishUsesOIDC: "RubyGems trusted publishing", ReleasePublishedFromCI: "rake release:lib"},
		},
		{
			name:  "verification commands are not signing",
			files: map[string]string{wf: verifyOnly},
			want: map[string][]answer{
				ReleaseSignsArtifacts: {{rule.False, rule.NoSignal, wf, 8}},
			},
		},
		{
			name:  "GoReleaser signs: entries sign the release",
			files: map[string]string{wf: verifyOnly, ".goreleaser.yaml": "checksum:\n  name_template: checksums.txt\nsigns:\n  - artifacts: checksum\n"},
			want: map[string][]answer{
				ReleaseSignsArtifacts: {{rule.True, "", ".goreleaser.yaml", 3}},
			},
		},
		{
			name:  "a script run by its path publishes",
			files: map[string]string{wf: scriptPublish, "scripts/publish": "#!/bin/sh -e\n${PREFIX}twine upload dist/*\n"},
			want: map[string][]answer{
				ReleasePublishedFromCI:            {{rule.True, "", "scripts/publish", 2}},
				PublishCredentialsFromSecretStore: {{rule.True, "", "scripts/publish", 2}},
			},
		},
		{
			name:  "manual Maven release signed by the GPG plugin in a release profile",
			files: map[string]string{".github/workflows/build.yml": testsOnly, "pom.xml": mavenPOM},
			want: map[string][]answer{
				ReleasePublishedFromCI: {{rule.False, rule.NoSignal, "", 0}},
				ReleaseSignsArtifacts:  {{rule.True, "", "pom.xml", 7}},
			},
		},
		{
			name:  "manual release script outside CI is named",
			files: map[string]string{"release.sh": "#!/bin/sh\nnpm version minor\nnpm publish || exit 1\n", "package.json": `{"name": "lib"}`},
			want: map[string][]answer{
				ReleasePublishedFromCI: {{rule.False, rule.NoSignal, "release.sh", 3}},
			},
			say: map[string]string{ReleasePublishedFromCI: "publishes by hand"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := evalAll(t, collectPublish(t, tc.files))
			for id, want := range tc.want {
				if d := cmp.Diff(want, answers(got[id])); d != "" {
					t.Errorf("%s (-want +got):\n%s\n%v", id, d, got[id])
				}
			}
			for id, s := range tc.say {
				if fs := got[id]; len(fs) == 0 || !strings.Contains(fs[0].Message, s) {
					t.Errorf("%s: want a message containing %q, got %v", id, s, fs)
				}
			}
			for _, f := range got[PublishCredentialsFromSecretStore] {
				if strings.Contains(f.Message, "pypi-AgEI") {
					t.Errorf("a finding prints the secret: %s", f.Message)
				}
			}
		})
	}
}
