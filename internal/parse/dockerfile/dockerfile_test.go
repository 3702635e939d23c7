package dockerfile

import (
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
	for p, want := range map[string]bool{"Dockerfile": true, "build/Dockerfile.prod": true, "x/app.dockerfile": true, "Containerfile": true, "dockerfile.go": false, "Dockerfiles/README": false} {
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
