package publishing

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
)

func TestStepPublishes(t *testing.T) {
	type res struct {
		Line    int
		Channel string
		OK      bool
	}
	tests := []struct {
		name string
		step evidence.CIStep
		want res
	}{
		{"uv publish", evidence.CIStep{Run: "uv build\nuv publish", RunLine: 10}, res{11, PyPI, true}},
		{"dry run", evidence.CIStep{Run: "npm publish --dry-run", RunLine: 1}, res{}},
		{"pypi action", evidence.CIStep{Line: 4, Uses: "pypa/gh-action-pypi-publish@v1", With: map[string]string{"attestations": "true"}}, res{4, PyPI, true}},
		{"pypi action to test pypi", evidence.CIStep{Line: 4, Uses: "pypa/gh-action-pypi-publish@v1", With: map[string]string{"repository-url": "https://test.pypi.org/legacy/"}}, res{}},
		{"pypi action to test pypi, old input name", evidence.CIStep{Line: 4, Uses: "pypa/gh-action-pypi-publish@release/v1", With: map[string]string{"repository_url": "https://test.pypi.org/legacy/"}}, res{}},
		{"twine to test pypi", evidence.CIStep{Run: "twine upload --repository testpypi dist/*", RunLine: 1}, res{}},
		{"uv publish to test pypi", evidence.CIStep{Run: "uv publish --publish-url https://test.pypi.org/legacy/", RunLine: 1}, res{}},
		{"test pypi then pypi", evidence.CIStep{Run: "twine upload -r testpypi dist/*\ntwine upload dist/*", RunLine: 1}, res{2, PyPI, true}},
		{"commented", evidence.CIStep{Run: "# cargo publish\necho", RunLine: 1}, res{}},
		{"continued push after blank lines", evidence.CIStep{Run: "\n\ndocker buildx build . \\\n  --push\n", RunLine: 5}, res{7, ContainerRegistry, true}},
		{"gradle publish", evidence.CIStep{Run: "./gradlew publishToSonatype closeAndReleaseSonatypeStagingRepository", RunLine: 3}, res{3, Maven, true}},
		{"gradle publish to the local repository", evidence.CIStep{Run: "./gradlew publishToMavenLocal -DRELEASE_SIGNING_ENABLED=false", RunLine: 3}, res{}},
		{"gradle local publication task", evidence.CIStep{Run: "./gradlew publishMavenPublicationToMavenLocal", RunLine: 3}, res{}},
		{"gradle local then remote", evidence.CIStep{Run: "./gradlew publishToMavenLocal publishToMavenCentral", RunLine: 3}, res{3, Maven, true}},
		{"rake release", evidence.CIStep{Run: "bundle exec rake build\nbundle exec rake release", RunLine: 3}, res{4, RubyGems, true}},
		{"rake release of one gem", evidence.CIStep{Run: "bundle exec rake release:sinatra-contrib", RunLine: 3}, res{3, RubyGems, true}},
		{"rake release notes is not a publish", evidence.CIStep{Run: "rake release_notes", RunLine: 3}, res{}},
		{"mvn deploy", evidence.CIStep{Run: "mvn -B deploy -Prelease", RunLine: 3}, res{3, Maven, true}},
		{"snapshot goreleaser", evidence.CIStep{Line: 4, Uses: "goreleaser/goreleaser-action@v6", With: map[string]string{"args": "release --snapshot"}}, res{}},
		{"build-push without push", evidence.CIStep{Line: 4, Uses: "docker/build-push-action@v6", With: map[string]string{"push": "false"}}, res{}},
		{"gh release", evidence.CIStep{Run: "gh release create v1 dist/*", RunLine: 2}, res{2, GitHubReleases, true}},
		{"GitLab release keyword", evidence.CIStep{Line: 8, Uses: "gitlab:release"}, res{8, GitLabReleases, true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, _, ch, ok := StepPublishes(tc.step)
			if d := cmp.Diff(tc.want, res{l, ch, ok}); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	for v, want := range map[string]string{
		"${{ secrets.PYPI_TOKEN }}":    SourceSecret,
		"${{ secrets.GITHUB_TOKEN }}":  SourceJobToken,
		"${{ github.token }}":          SourceJobToken,
		"${{ steps.t.outputs.token }}": SourceExpr,
		"$NPM_TOKEN":                   SourceEnv,
		"npm_abcdefghijklmnop1234":     SourcePlaintext,
		"true":                         "",
		"__token__":                    "",
		"<your token>":                 "",
	} {
		if got, _ := Classify(v); got != want {
			t.Errorf("Classify(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestCredKey(t *testing.T) {
	for k, want := range map[string]bool{
		"TWINE_PASSWORD": true, "NODE_AUTH_TOKEN": true, "GITHUB_TOKEN": true, "repo-token": true, "password": true,
		"token": true, "api-key": true, "apiKey": true, "npmToken": true, "CARGO_REGISTRY_TOKEN": true, "GPG_PASSPHRASE": true,
		"authority": false, "author": false, "key": false, "cache-key": false, "passive": false, "tokenizer": false,
	} {
		if got := credKey.MatchString(k); got != want {
			t.Errorf("credKey(%q) = %v, want %v", k, got, want)
		}
	}
}

// Pushes to a registry that exists only for the job (kind, a local docker
// registry) are test scaffolding; Find reports no release for them.
func TestFindSkipsJobLocalRegistries(t *testing.T) {
	job := func(env map[string]string, run string) evidence.CIPipeline {
		return evidence.CIPipeline{Path: ".github/workflows/e2e.yml", System: evidence.CIGitHubActions,
			Triggers: []evidence.CITrigger{{Event: "workflow_dispatch"}},
			Jobs:     []evidence.CIJob{{ID: "e2e", Env: env, Steps: []evidence.CIStep{{Run: run, RunLine: 9}}}}}
	}
	tests := []struct {
		name string
		pl   evidence.CIPipeline
		want int
	}{
		{"ko to an insecure registry", job(nil, "img=$(ko publish --insecure-registry -B example.com/demo)"), 0},
		{"ko with a kind registry in KO_DOCKER_REPO", job(map[string]string{"KO_DOCKER_REPO": "registry.local:5000/demo"}, "ko build ./cmd/demo"), 0},
		{"docker push to localhost", job(nil, "docker push localhost:5000/demo:test"), 0},
		{"push to a public registry mentioning localhost", job(nil, "docker buildx build --push --build-arg API=http://localhost:8080 -t ghcr.io/acme/demo:v1 ."), 1},
		{"ko to a public registry", job(map[string]string{"KO_DOCKER_REPO": "ghcr.io/acme/demo"}, "ko build ./cmd/demo"), 1},
		{"docker push to a public registry", job(nil, "docker push ghcr.io/acme/demo:v1"), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := len(Find([]evidence.CIPipeline{tc.pl})); got != tc.want {
				t.Errorf("Find found %d publishes, want %d", got, tc.want)
			}
		})
	}
}

func TestTrigger(t *testing.T) {
	closed := evidence.CIPipeline{Triggers: []evidence.CITrigger{{Event: "pull_request", Types: []string{"closed"}}}}
	if got := Trigger(closed, evidence.CIJob{If: "github.event.pull_request.merged == true"}); got != "merged pull request" {
		t.Errorf("merged: got %q", got)
	}
	if got := Trigger(closed, evidence.CIJob{}); got != "" {
		t.Errorf("closed without a merged check: got %q, want none", got)
	}
	pr := evidence.CIPipeline{Triggers: []evidence.CITrigger{{Event: "pull_request"}}}
	if got := Trigger(pr, evidence.CIJob{}); got != "" {
		t.Errorf("pull request: got %q, want none", got)
	}
}

func FuzzStepPublishes(f *testing.F) {
	for _, s := range []string{"npm publish", "\n\ndocker push \\\n x", "docker login -p hunter2hunter2 r", "# twine upload"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, run string) {
		s := evidence.CIStep{Run: run, RunLine: 1}
		StepPublishes(s)
		InlineCredentials(s, "f")
	})
}

// Inputs that name an environment variable (actions/setup-java's
// server-password, or a name the job sets in env:) are references, not
// credentials written in plaintext.
func TestFindEnvVarNameInputs(t *testing.T) {
	deploy := evidence.CIStep{Line: 20, Run: "mvn -B deploy", RunLine: 21,
		Env: map[string]string{"CI_DEPLOY_PASSWORD": "${{ secrets.CI_DEPLOY_PASSWORD }}"}}
	job := func(setup evidence.CIStep, steps ...evidence.CIStep) evidence.CIPipeline {
		return evidence.CIPipeline{Path: ".github/workflows/main.yml", System: evidence.CIGitHubActions,
			Triggers: []evidence.CITrigger{{Event: "push"}},
			Jobs:     []evidence.CIJob{{ID: "build", Steps: append([]evidence.CIStep{setup}, steps...)}}}
	}
	type cred struct{ Key, Source, Ref string }
	tests := []struct {
		name string
		pl   evidence.CIPipeline
		want []cred
	}{
		{"setup-java server-password names a variable",
			job(evidence.CIStep{Line: 10, Uses: "actions/setup-java@v4", With: map[string]string{"server-password": "MAVEN_PASSWORD"}}, evidence.CIStep{Line: 20, Run: "mvn deploy", RunLine: 21}),
			[]cred{{"server-password", SourceEnv, "MAVEN_PASSWORD"}}},
		{"a name another step sets in env",
			job(evidence.CIStep{Line: 10, Uses: "acme/settings@v1", With: map[string]string{"password": "CI_DEPLOY_PASSWORD"}}, deploy),
			[]cred{{"password", SourceEnv, "CI_DEPLOY_PASSWORD"}, {"CI_DEPLOY_PASSWORD", SourceSecret, "CI_DEPLOY_PASSWORD"}}},
		{"an upper-case literal nobody sets stays plaintext",
			job(evidence.CIStep{Line: 10, Uses: "acme/settings@v1", With: map[string]string{"password": "HUNTER_TWO_2024"}}, evidence.CIStep{Line: 20, Run: "mvn deploy", RunLine: 21}),
			[]cred{{"password", SourcePlaintext, ""}}},
		{"a literal password in setup-java stays plaintext",
			job(evidence.CIStep{Line: 10, Uses: "actions/setup-java@v4", With: map[string]string{"server-password": "s3cr3t-Value"}}, evidence.CIStep{Line: 20, Run: "mvn deploy", RunLine: 21}),
			[]cred{{"server-password", SourcePlaintext, ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pubs := Find([]evidence.CIPipeline{tc.pl})
			if len(pubs) != 1 {
				t.Fatalf("Find found %d publishes, want 1", len(pubs))
			}
			var got []cred
			for _, c := range pubs[0].Creds {
				got = append(got, cred{c.Key, c.Source, c.Ref})
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("credentials mismatch (-want +got):\n%s", d)
			}
		})
	}
}

// A Maven deploy that runs only for -SNAPSHOT versions is a development
// build, not a release; a release-only condition or an unconditional deploy
// still publishes.
func TestFindSkipsSnapshotDeploys(t *testing.T) {
	pl := func(j evidence.CIJob) evidence.CIPipeline {
		return evidence.CIPipeline{Path: ".github/workflows/main.yml", System: evidence.CIGitHubActions,
			Triggers: []evidence.CITrigger{{Event: "push"}}, Jobs: []evidence.CIJob{j}}
	}
	deploy := func(name, cond string) evidence.CIStep {
		return evidence.CIStep{Line: 20, Name: name, If: cond, Run: "./mvnw -B deploy", RunLine: 21}
	}
	tests := []struct {
		name string
		job  evidence.CIJob
		want int
	}{
		{"snapshot version condition", evidence.CIJob{ID: "build", Steps: []evidence.CIStep{deploy("Deploy", "${{ matrix.release && endsWith(steps.v.outputs.version, '-SNAPSHOT') }}")}}, 0},
		{"step named for snapshots", evidence.CIJob{ID: "build", Steps: []evidence.CIStep{deploy("Deploy snapshot", "")}}, 0},
		{"job condition compares a snapshot literal", evidence.CIJob{ID: "build", If: "env.VERSION == '2.0-SNAPSHOT'", Steps: []evidence.CIStep{deploy("Deploy", "")}}, 0},
		{"release only condition", evidence.CIJob{ID: "build", Steps: []evidence.CIStep{deploy("Deploy", "${{ !endsWith(steps.v.outputs.version, '-SNAPSHOT') }}")}}, 1},
		{"snapshot and release step", evidence.CIJob{ID: "build", Steps: []evidence.CIStep{deploy("Deploy snapshot or release", "")}}, 1},
		{"unconditional deploy", evidence.CIJob{ID: "build", Steps: []evidence.CIStep{deploy("Deploy", "")}}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := len(Find([]evidence.CIPipeline{pl(tc.job)})); got != tc.want {
				t.Errorf("Find found %d publishes, want %d", got, tc.want)
			}
		})
	}
}

func TestGhCreateWithoutFiles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, script string
		want         bool
	}{
		{"notes file and title", `gh release create "$TAG" --title "$TAG" --notes-file notes.md`, true},
		{"generated notes", "gh release create v1.2.3 --generate-notes --verify-tag", true},
		{"expressions and quoted titles hold spaces", `gh release create "${{ steps.v.outputs.version }}" --title "Release ${{ github.ref_name }}" -n 'see the changelog'`, true},
		{"flag variable set empty or to a flag", "FLAG=\"\"\nif [[ $V == *-rc* ]]; then\n  FLAG=\"--prerelease\"\nfi\ngh release create \"$V\" \\\n  --notes-file notes.md \\\n  $FLAG\n", true},
		{"flag value with equals", "gh release create v1 --notes=done dist/app.tgz", false},
		{"asset after the tag", "gh release create v1 dist/*.tar.gz --notes x", false},
		{"asset on a continued line", "gh release create v1 \\\n  --title v1 \\\n  out/app.zip\n", false},
		{"variable that holds a path", "ASSET=dist/app.tgz\ngh release create v1 $ASSET", false},
		{"variable never assigned", "gh release create v1 $FILES", false},
		{"no gh release create", "gh release upload v1 dist/app.tgz", false},
		{"draft with a command substitution target", "gh release create \"$VERSION\" \\\n  --draft \\\n  --title \"$VERSION\" \\\n  --notes-file draft-release-notes.md \\\n  --target \"$(git rev-parse HEAD)\"\n", true},
		{"quoted notes with spaces", `gh release create v1.2.3 --notes "Bug fixes and more"`, true},
		{"files after flags and the tag", `gh release create --draft --repo ${GITHUB_REPOSITORY} ${GITHUB_REF_NAME} dist/*`, false},
		{"an upload after && is judged apart", "gh release create v1 && gh release upload v1 dist/x.tgz", true},
		{"no release command", `echo no release here`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := ghCreateWithoutFiles(tc.script); got != tc.want {
				t.Errorf("ghCreateWithoutFiles = %v, want %v", got, tc.want)
			}
		})
	}
}
