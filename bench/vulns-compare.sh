#!/usr/bin/env bash
# vulns-compare.sh: Assay's vulnerability matching against osv-scanner's on
# the same trees and the same OSV data, for findings and for cost.
#
#   bench/vulns-compare.sh [-n RUNS] [-a ASSAY] -d DATA REPO...
#
# DATA holds osv.dev-style exports, one DATA/<Ecosystem>/all.zip per
# ecosystem (what https://osv-vulnerabilities.storage.googleapis.com serves;
# bench/osvcompare zip builds the same layout from a checkout of
# golang/vulndb, pypa/advisory-database, rustsec/advisory-db's osv branch or
# FriendsOfPHP/security-advisories). Both tools read exactly those records:
# Assay through `assay db import`, osv-scanner as its offline database.
#
# For each REPO it prints:
#   - the finding sets of `assay vulns` and of `osv-scanner scan source
#     --offline`, as (ecosystem, package, version, vulnerability) with
#     aliases merged, and every finding only one tool reports;
#   - the median wall time and peak RSS over RUNS alternated runs (default
#     5) and Assay's ratio to osv-scanner.
# osv-scanner runs without Go call analysis: Assay matches pins and does no
# reachability analysis, and call analysis builds the module.
set -euo pipefail

runs=5
assay=${ASSAY:-assay}
data=
while getopts "n:a:d:" o; do
	case $o in
	n) runs=$OPTARG ;;
	a) assay=$OPTARG ;;
	d) data=$OPTARG ;;
	*) sed -n '2,22p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$data" ] && [ $# -gt 0 ] || { sed -n '2,22p' "$0"; exit 2; }
[ -x /usr/bin/time ] || { echo "vulns-compare.sh: needs GNU time at /usr/bin/time" >&2; exit 2; }
command -v "$assay" >/dev/null || { echo "vulns-compare.sh: $assay not found (set -a or ASSAY)" >&2; exit 2; }
command -v osv-scanner >/dev/null || { echo "vulns-compare.sh: osv-scanner not on PATH" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/osvcompare" "$here/osvcompare"

# One database per tool, from the same archives.
mkdir -p "$tmp/osvdb/osv-scalibr"
zips=()
for z in "$data"/*/all.zip; do
	eco=$(basename "$(dirname "$z")")
	mkdir -p "$tmp/osvdb/osv-scalibr/$eco"
	cp "$z" "$tmp/osvdb/osv-scalibr/$eco/all.zip"
	zips+=("$z")
done
[ ${#zips[@]} -gt 0 ] || { echo "vulns-compare.sh: no <Ecosystem>/all.zip under $data" >&2; exit 2; }
"$assay" db import --quiet --db "$tmp/assaydb" "${zips[@]}" >/dev/null
export OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY="$tmp/osvdb"
echo "data: $(for z in "${zips[@]}"; do printf '%s ' "$(basename "$(dirname "$z")")"; done)"

measure() { # NAME CMD...: one run, appending "wall rss" to $tmp/NAME.times
	local name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$tmp/one" "$@" >"$tmp/$name.json" 2>"$tmp/$name.err" || true
	tail -n 1 "$tmp/one" >>"$tmp/$name.times"
}
median() { # FILE COLUMN
	sort -n -k"$2" "$1" | awk -v c="$2" '{v[NR]=$c} END {if (NR%2) print v[(NR+1)/2]; else printf "%.2f\n", (v[NR/2]+v[NR/2+1])/2}'
}

for repo in "$@"; do
	name=$(basename "$repo")
	now=$(git -C "$repo" log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
	rm -f "$tmp"/*.times
	for _ in $(seq "$runs"); do
		measure assay "$assay" vulns --quiet --format json --db "$tmp/assaydb" --now "$now" "$repo"
		measure osv osv-scanner scan source --offline --no-call-analysis=go --format json -r "$repo"
	done
	"$tmp/osvcompare" diff -name "$name" -assay "$tmp/assay.json" -osv "$tmp/osv.json"
	aw=$(median "$tmp/assay.times" 1) ar=$(median "$tmp/assay.times" 2)
	ow=$(median "$tmp/osv.times" 1) or=$(median "$tmp/osv.times" 2)
	printf "  cost: assay %ss %s KiB, osv-scanner %ss %s KiB: wall %sx, rss %sx (medians of %d; load %s)\n" \
		"$aw" "$ar" "$ow" "$or" \
		"$(awk -v a="$aw" -v b="$ow" 'BEGIN{printf "%.2f", (b>0)?a/b:0}')" \
		"$(awk -v a="$ar" -v b="$or" 'BEGIN{printf "%.2f", (b>0)?a/b:0}')" \
		"$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
done
