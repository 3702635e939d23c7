#!/usr/bin/env bash
# Installs a pinned Assay release after verifying it: the Sigstore bundle of
# checksums.txt must be a keyless cosign signature by Assay's release
# workflow for that tag, and the archive's SHA-256 must be the one listed in
# checksums.txt. Nothing is extracted or run before both checks pass.
#
# Used by action.yml and ci/gitlab/assay.gitlab-ci.yml; tested by
# scripts/action/action_test.go against a local fake release server.
#
# Environment:
#   ASSAY_VERSION            release tag to install, e.g. v0.1.0 (required)
#   ASSAY_DOWNLOAD_URL       base URL of releases
#                            (default https://github.com/assaysec/assay/releases/download)
#   ASSAY_VERIFY_SIGNATURE   true (default) | false: check the Sigstore bundle
#                            with cosign; false only for a local mirror you trust
#   ASSAY_CERT_IDENTITY      signer identity (default: the release workflow at the tag)
#   ASSAY_CERT_OIDC_ISSUER   default https://token.actions.githubusercontent.com
#   ASSAY_INSTALL_DIR        where the binary goes (default $RUNNER_TEMP or /tmp, /assay-VERSION)
#   ASSAY_OS, ASSAY_ARCH     override the platform (linux|darwin|windows, amd64|arm64)
# Prints the binary's path; with GITHUB_OUTPUT/GITHUB_PATH set, also records
# it there.
set -euo pipefail

fail() { echo "assay install: $*" >&2; exit 1; }

version="${ASSAY_VERSION:-}"
[ -n "$version" ] || fail "ASSAY_VERSION is required (a release tag such as v0.1.0)"
case "$version" in
  v*) ;;
  *) version="v$version" ;;
esac
# A tag, never a path or an option.
[[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+([.+-][0-9A-Za-z.+-]+)?$ ]] || fail "ASSAY_VERSION: not a release version: $version"
plain="${version#v}"

base="${ASSAY_DOWNLOAD_URL:-https://github.com/assaysec/assay/releases/download}"
base="${base%/}"
case "$base" in
  https://*) ;;
  http://127.0.0.1:* | http://127.0.0.1/* | http://localhost:* | http://localhost/* | http://\[::1\]:*) ;; # local mirrors and tests
  *) fail "ASSAY_DOWNLOAD_URL must be https:// (got $base)" ;;
esac

os="${ASSAY_OS:-}"
if [ -z "$os" ]; then
  case "${RUNNER_OS:-$(uname -s)}" in
    Linux | linux) os=linux ;;
    macOS | Darwin | darwin) os=darwin ;;
    Windows | MINGW* | MSYS* | CYGWIN* | windows) os=windows ;;
    *) fail "unsupported OS: ${RUNNER_OS:-$(uname -s)}" ;;
  esac
fi
arch="${ASSAY_ARCH:-}"
if [ -z "$arch" ]; then
  case "${RUNNER_ARCH:-$(uname -m)}" in
    X64 | x86_64 | amd64) arch=amd64 ;;
    ARM64 | arm64 | aarch64) arch=arm64 ;;
    *) fail "unsupported architecture: ${RUNNER_ARCH:-$(uname -m)}" ;;
  esac
fi
case "$os/$arch" in
  linux/amd64 | linux/arm64 | darwin/amd64 | darwin/arm64 | windows/amd64 | windows/arm64) ;;
  *) fail "no release for $os/$arch" ;;
esac

ext=tar.gz
[ "$os" = windows ] && ext=zip
archive="assay_${plain}_${os}_${arch}.${ext}"

dest="${ASSAY_INSTALL_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/assay-$version}"
work="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/assay-download.XXXXXX")"
trap 'rm -rf "$work"' EXIT

fetch() {
  # --proto limits redirects too; -f fails on HTTP errors.
  curl -fsSL --retry 3 --proto '=https,http' --max-filesize 209715200 -o "$work/$1" "$base/$version/$1" ||
    fail "download $base/$version/$1 failed"
}
fetch checksums.txt
fetch "$archive"

# 1. The checksums file is signed by the release workflow of this tag.
if [ "${ASSAY_VERIFY_SIGNATURE:-true}" = false ]; then
  echo "assay install: WARNING: signature check disabled (ASSAY_VERIFY_SIGNATURE=false)" >&2
else
  command -v cosign >/dev/null 2>&1 || fail "cosign is needed to verify the release signature (or set ASSAY_VERIFY_SIGNATURE=false for a trusted mirror)"
  fetch checksums.txt.sigstore.json
  identity="${ASSAY_CERT_IDENTITY:-https://github.com/assaysec/assay/.github/workflows/release.yml@refs/tags/$version}"
  issuer="${ASSAY_CERT_OIDC_ISSUER:-https://token.actions.githubusercontent.com}"
  cosign verify-blob \
    --bundle "$work/checksums.txt.sigstore.json" \
    --certificate-identity "$identity" \
    --certificate-oidc-issuer "$issuer" \
    "$work/checksums.txt" >&2 || fail "the signature of checksums.txt does not verify for $identity"
fi

# 2. The archive is the one listed in the signed checksums file (exactly
#    one line names it).
want="$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1; n++ } END { if (n != 1) exit 1 }' "$work/checksums.txt")" ||
  fail "checksums.txt does not list $archive exactly once"
[[ "$want" =~ ^[0-9a-f]{64}$ ]] || fail "checksums.txt: malformed SHA-256 for $archive"
if command -v sha256sum >/dev/null 2>&1; then
  got="$(sha256sum "$work/$archive" | awk '{ print $1 }')"
else
  got="$(shasum -a 256 "$work/$archive" | awk '{ print $1 }')"
fi
[ "$got" = "$want" ] || fail "$archive: SHA-256 $got does not match checksums.txt ($want); not installing"
echo "assay install: $archive verified (sha256 $got)" >&2

# 3. Only now extract the binary, and nothing else.
mkdir -p "$dest"
bin=assay
[ "$os" = windows ] && bin=assay.exe
if [ "$ext" = zip ]; then
  unzip -o -q "$work/$archive" "$bin" -d "$dest" || fail "extract $bin from $archive"
else
  tar -xzf "$work/$archive" -C "$dest" "$bin" || fail "extract $bin from $archive"
fi
chmod +x "$dest/$bin"
path="$dest/$bin"

if [ -n "${GITHUB_PATH:-}" ]; then echo "$dest" >>"$GITHUB_PATH"; fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "path=$path" >>"$GITHUB_OUTPUT"; fi
echo "$path"
