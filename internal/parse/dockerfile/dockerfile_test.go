package dockerfile

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
)

func TestParse(t *testing.T) {
	doc := "# syntax=docker/dockerfile:1\nFROM --platform=$BUILDPLATFORM golang:1.26@sha256:abc AS build\nRUN go build \\\n    -o /app .\nFROM build AS test\nFROM gcr.io/distroless/static\nRUN <<EOF\ncurl -sSL https://x | sh\nEOF\n"
	got, err := Parse("Dockerfile", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := evidence.Dockerfile{
		Path: "Dockerfile",
		From: []evidence.DockerFrom{
			{Image: "golang:1.26@sha256:abc", Line: 2, Stage: "build"},
			{Image: "stage:build", Line: 5, Stage: "test"},
			{Image: "gcr.io/distroless/static", Line: 6},
		},
		Runs: []evidence.DockerRun{
			{Command: "go build     -o /app .", Line: 3},
			{Command: "<<EOF\ncurl -sSL https://x | sh\n", Line: 7},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestParseArgBase: FROM ${BASE} is the ARG's default (global ARG before
// the first FROM, ${X:-default} forms); an ARG without a default is left
// as written.
func TestParseArgBase(t *testing.T) {
	doc := "ARG GO_VERSION=1.26\nARG BASE=golang:${GO_VERSION}-alpine\nARG RUNTIME\nFROM ${BASE} AS build\nFROM ${RUNTIME:-gcr.io/distroless/static@sha256:abc}\nFROM $RUNTIME\n"
	got, err := Parse("Dockerfile", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []evidence.DockerFrom{
		{Image: "golang:1.26-alpine", Written: "${BASE}", Line: 4, Stage: "build"},
		{Image: "gcr.io/distroless/static@sha256:abc", Written: "${RUNTIME:-gcr.io/distroless/static@sha256:abc}", Line: 5},
		{Image: "$RUNTIME", Line: 6},
	}
	if diff := cmp.Diff(want, got.From); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestIsDockerfile(t *testing.T) {
	for p, want := range map[string]bool{"Dockerfile": true, "build/Dockerfile.prod": true, "x/app.dockerfile": true, "Containerfile": true, "dockerfile.go": false, "Dockerfiles/README": false,
		"priv/templates/phx.gen.release/Dockerfile.eex": false, "templates/Dockerfile.j2": false, "Dockerfile.in": false, "gen/Dockerfile.mustache": false} {
		if got := IsDockerfile(p); got != want {
			t.Errorf("IsDockerfile(%q) = %v", p, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("FROM alpine\nRUN echo\n"))
	f.Add([]byte("FROM a AS b\nRUN <<EOF\nx\nEOF\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse("Dockerfile", data)
	})
}

// TestParse_FrontEndRules covers the parts of Docker's front end the
// reader follows. (The reader was checked against BuildKit's parser on 440
// Dockerfiles from the development set's histories: identical FROM and RUN
// lists, and the same files rejected.)
func TestParse_FrontEndRules(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		from  []evidence.DockerFrom
		runs  []evidence.DockerRun
		error string
	}{
		{name: "escape directive", doc: "# escape=`\nFROM alpine\nRUN echo a `\n  b\n",
			from: []evidence.DockerFrom{{Image: "alpine", Line: 2}}, runs: []evidence.DockerRun{{Command: "echo a   b", Line: 3}}},
		{name: "directive after a comment is a comment", doc: "# hello\n# escape=`\nFROM alpine\nRUN echo a `\n",
			from: []evidence.DockerFrom{{Image: "alpine", Line: 3}}, runs: []evidence.DockerRun{{Command: "echo a `", Line: 4}}},
		{name: "comments and blank lines inside a continuation", doc: "FROM alpine\nRUN apk add \\\n# a comment\n\n    curl\n",
			from: []evidence.DockerFrom{{Image: "alpine", Line: 1}}, runs: []evidence.DockerRun{{Command: "apk add     curl", Line: 2}}},
		{name: "exec form and flags", doc: "FROM --platform=linux/amd64 alpine AS base\nRUN [\"sh\", \"-c\", \"make\"]\nRUN --mount=type=cache,target=/root/.cache --network=none go build\n",
			from: []evidence.DockerFrom{{Image: "alpine", Line: 1, Stage: "base"}},
			runs: []evidence.DockerRun{{Command: "sh -c make", Line: 2}, {Command: "go build", Line: 3}}},
		{name: "heredoc with tab stripping and quotes", doc: "FROM alpine\nRUN <<-\"EOT\" bash\n\techo hi\n\tEOT\nRUN echo after\n",
			from: []evidence.DockerFrom{{Image: "alpine", Line: 1}},
			runs: []evidence.DockerRun{{Command: "<<-\"EOT\" bash\necho hi\n", Line: 2}, {Command: "echo after", Line: 5}}},
		{name: "two heredocs", doc: "FROM alpine\nRUN <<A <<B\na\nA\nb\nB\n",
			from: []evidence.DockerFrom{{Image: "alpine", Line: 1}}, runs: []evidence.DockerRun{{Command: "<<A <<B\na\n\nb\n", Line: 2}}},
		{name: "CRLF, BOM and lower case", doc: "\xef\xbb\xbffrom alpine\r\nrun echo\r\n",
			from: []evidence.DockerFrom{{Image: "alpine", Line: 1}}, runs: []evidence.DockerRun{{Command: "echo", Line: 2}}},
		{name: "ENV and LABEL forms", doc: "FROM alpine\nENV A=1 B=\"two words\"\nENV C 3\nLABEL org.opencontainers.image.source https://x\n",
			from: []evidence.DockerFrom{{Image: "alpine", Line: 1}}},
		{name: "ENV without a value", doc: "FROM alpine\nENV ONLYKEY\n", error: "line 2: ENV must have two arguments"},
		{name: "no instructions", doc: "# just a comment\n\n", error: "file with no instructions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("Dockerfile", []byte(tt.doc))
			if tt.error != "" {
				if err == nil || !strings.Contains(err.Error(), tt.error) {
					t.Fatalf("err = %v, want %q", err, tt.error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.from, got.From); diff != "" {
				t.Errorf("FROM (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.runs, got.Runs); diff != "" {
				t.Errorf("RUN (-want +got):\n%s", diff)
			}
		})
	}
}
