#!/usr/bin/env bash
# Checks the release configuration without publishing anything:
# `goreleaser check`, then a snapshot build (no signing, no upload) of the
# committed tree in a temporary clone, and checks what it produced: an
# archive and an `assay sbom` SPDX document per platform, all listed in
# checksums.txt. With --twice it builds again and compares checksums.txt:
# the build must be reproducible.
#
# GoReleaser comes from the Go module proxy into a temporary GOBIN (it is
# not a module of ours); set GORELEASER to use one already installed.
# Network: the Go module proxy only.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

GORELEASER_VERSION=v2.17.0 # the newest release that builds with Go 1.26
twice=false
[ "${1:-}" = --twice ] && twice=true

export GOTOOLCHAIN=local
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

gr="${GORELEASER:-}"
if [ -z "$gr" ]; then
  echo "release-check: installing goreleaser $GORELEASER_VERSION into a temporary GOBIN"
  GOFLAGS= GOBIN="$tmp/bin" go install "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION"
  gr="$tmp/bin/goreleaser"
fi

"$gr" check

# The committed tree only, with its tags, so the snapshot is what a tag
# would build.
git clone -q --no-local "$repo" "$tmp/src"
cd "$tmp/src"

build() {
  "$gr" release --snapshot --clean --skip=sign,publish,announce >"$tmp/goreleaser.log" 2>&1 || {
    tail -50 "$tmp/goreleaser.log" >&2
    echo "release-check: snapshot build failed" >&2
    exit 1
  }
}
build

fail() { echo "release-check: $*" >&2; exit 1; }
n=0
for os in linux darwin windows; do
  for arch in amd64 arm64; do
    ext=tar.gz
    [ "$os" = windows ] && ext=zip
    a="$(cd dist && ls assay_*_"${os}_${arch}.$ext" 2>/dev/null | head -1)"
    [ -n "$a" ] || fail "no archive for $os/$arch"
    [ -f "dist/$a.spdx.json" ] || fail "no SBOM for $a"
    jq -e '.spdxVersion == "SPDX-2.3" and (.creationInfo.creators | any(startswith("Tool: assay")))' "dist/$a.spdx.json" >/dev/null ||
      fail "$a.spdx.json is not an SPDX 2.3 document made by assay"
    grep -q "  $a\$" dist/checksums.txt || fail "checksums.txt does not list $a"
    grep -q "  $a.spdx.json\$" dist/checksums.txt || fail "checksums.txt does not list $a.spdx.json"
    n=$((n + 1))
  done
done
(cd dist && sha256sum -c --quiet checksums.txt) || fail "checksums.txt does not match the files"
echo "release-check: $n archives, $n SBOMs, checksums.txt verified"

if $twice; then
  cp dist/checksums.txt "$tmp/first.txt"
  build
  diff -u "$tmp/first.txt" dist/checksums.txt || fail "the second build differs: not reproducible"
  echo "release-check: the second build is byte-identical"
fi
