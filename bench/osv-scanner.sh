#!/usr/bin/env bash
# Compare Assay's offline vulnerability matching with osv-scanner's on the
# same lockfile and the same OSV records: findings, wall time and peak
# memory. NOT part of CI: it builds osv-scanner with a newer Go toolchain,
# which takes minutes.
#
# Inputs, all from the Go module proxy (nothing else is fetched):
#   - the lockfile: go.mod/go.sum of github.com/sigstore/cosign/v2 at $COSIGN
#   - the records:  data/osv of golang.org/x/vulndb at $VULNDB (golang/vulndb)
#
# Usage: bench/osv-scanner.sh [WORKDIR]     (run from the repository root)
set -euo pipefail

COSIGN=${COSIGN:-v2.4.1}
VULNDB=${VULNDB:-v0.0.0-20261105234957-e22db6528018}
OSV_SCANNER=${OSV_SCANNER:-v2.6.0}
RUNS=${RUNS:-5}
W=${1:-$(mktemp -d)}
mkdir -p "$W"
W=$(cd "$W" && pwd)
echo "work directory: $W"

# 1. Tools. osv-scanner v2.6.0 needs Go 1.27; Assay builds with the local one.
if [ ! -x "$W/bin/osv-scanner" ]; then
  echo "installing osv-scanner $OSV_SCANNER (GOTOOLCHAIN=go1.27.3) ..."
  GOBIN="$W/bin" GOTOOLCHAIN=go1.27.3 GOFLAGS=-mod=mod \
    go install "github.com/google/osv-scanner/v2/cmd/osv-scanner@$OSV_SCANNER"
fi
GOTOOLCHAIN=local go build -o "$W/bin/assay" ./cmd/assay

# 2. Inputs from the module proxy (downloaded outside this module, so go.mod
#    and go.sum stay untouched).
cosign_dir=$(cd "$W" && GOFLAGS= go mod download -json "github.com/sigstore/cosign/v2@$COSIGN" | jq -r .Dir)
vulndb_dir=$(cd "$W" && GOFLAGS= go mod download -json "golang.org/x/vulndb@$VULNDB" | jq -r .Dir)
rm -rf "$W/proj" && mkdir -p "$W/proj"
cp "$cosign_dir/go.mod" "$cosign_dir/go.sum" "$W/proj/"
chmod u+w "$W/proj/"*
records=$(ls "$vulndb_dir/data/osv" | wc -l)
echo "lockfile: cosign $COSIGN go.mod; records: golang/vulndb $VULNDB data/osv ($records records)"

# 3. Databases. Assay imports the directory; osv-scanner reads
#    $OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY/osv-scalibr/<Ecosystem>/all.zip.
rm -rf "$W/assaydb" "$W/osvdb"
/usr/bin/time -f "assay db import: %e s, %M KiB peak" "$W/bin/assay" db import --db "$W/assaydb" "$vulndb_dir/data/osv" >/dev/null
mkdir -p "$W/osvdb/osv-scalibr/Go"
(cd "$vulndb_dir/data/osv" && zip -q -r "$W/osvdb/osv-scalibr/Go/all.zip" .)
export OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY="$W/osvdb"

# 4. Run each tool $RUNS times; keep the best wall time and its peak RSS.
measure() { # name cmd...
  local name=$1; shift
  local best="" mem=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$W/time.txt" "$@" >"$W/$name.json" 2>"$W/$name.err" || true # osv-scanner exits 1 when it finds vulnerabilities
    read -r t m < <(tail -n 1 "$W/time.txt")
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; mem=$m; fi
  done
  printf '%-12s wall %6.2f s   peak %7.1f MiB\n' "$name" "$best" "$(awk "BEGIN{print $mem/1024}")"
  echo "$best $mem" >"$W/$name.time"
}
measure osv-scanner "$W/bin/osv-scanner" scan source --offline-vulnerabilities --no-call-analysis=go \
  --format json -L "$W/proj/go.mod"
measure assay "$W/bin/assay" vulns --db "$W/assaydb" --format json "$W/proj"

# 5. Compare findings as (module, version, id) with aliases folded to the
#    smallest id of each group. osv-scanner leaves the Go standard library
#    out of go.mod results, so stdlib findings are set aside for Assay too.
jq -r '.results[]?.packages[]? | .package as $p | (.groups[]? | [$p.name, $p.version, (.aliases|sort|first)] | @tsv)' \
  "$W/osv-scanner.json" | sort -u >"$W/osv-scanner.ids"
jq -r '.findings[] | select(.package != "stdlib") | [.package, (.version|ltrimstr("v")), (.aliases|sort|first)] | @tsv' \
  "$W/assay.json" | sed 's/\tv\([0-9]\)/\t\1/' | sort -u >"$W/assay.ids"
sed -i 's/\tv\([0-9]\)/\t\1/' "$W/osv-scanner.ids"
echo
echo "osv-scanner: $(wc -l <"$W/osv-scanner.ids") vulnerabilities; assay: $(wc -l <"$W/assay.ids") (plus $(jq '[.findings[]|select(.package=="stdlib")]|length' "$W/assay.json") in stdlib)"
if diff -u "$W/osv-scanner.ids" "$W/assay.ids" >"$W/diff.txt"; then
  echo "same findings"
else
  echo "findings differ:"; cat "$W/diff.txt"
fi
read -r ot om <"$W/osv-scanner.time"
read -r at am <"$W/assay.time"
awk -v ot="$ot" -v om="$om" -v at="$at" -v am="$am" \
  'BEGIN{printf "assay/osv-scanner: wall %.0f%%, memory %.0f%% (target: at most 50%% each)\n", 100*at/ot, 100*am/om}'
