#!/usr/bin/env bash
# compare.sh: Assay side by side with the scanners it replaces.
#
#   bench/compare.sh [-n RUNS] [-a ASSAY] [-d OSV_DB_DIR] REPO...
#
# For each checkout it runs, alternately and RUNS times (default 5):
#   assay assess   vs  osv-scanner scan source --offline --no-call-analysis=go
#   assay vulns    vs  the same osv-scanner run (same tree, offline data)
#   assay sbom     vs  syft scan dir:REPO -o cyclonedx-json
# and prints the median wall time and peak RSS of each, and Assay's ratio
# to its peer. A tool that is not on PATH is skipped with a note. Wall time
# and peak RSS come from GNU time (/usr/bin/time -f "%e %M"); the machine's
# load average is printed with the results, since it moves wall times.
#
# osv-scanner runs without Go call analysis, as bench/osv-scanner.sh does:
# Assay matches lockfile pins and analyses no reachability, and call
# analysis builds the whole module (on cosign: 75 s and 5.9 GB instead of
# 0.45 s and 75 MB), so the ratios would say nothing about Assay.
#
# Offline data: osv-scanner reads its local databases from
# OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY (-d); Assay reads its own database
# (assay db import), built from the same OSV export.
set -euo pipefail

runs=5
assay=${ASSAY:-assay}
osvdb=${OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY:-}
while getopts "n:a:d:" o; do
	case $o in
	n) runs=$OPTARG ;;
	a) assay=$OPTARG ;;
	d) osvdb=$OPTARG ;;
	*) sed -n '2,20p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { sed -n '2,20p' "$0"; exit 2; }
[ -x /usr/bin/time ] || { echo "compare.sh: needs GNU time at /usr/bin/time" >&2; exit 2; }
command -v "$assay" >/dev/null || { echo "compare.sh: $assay not found (set -a or ASSAY)" >&2; exit 2; }
have() { command -v "$1" >/dev/null 2>&1; }
have osv-scanner || echo "note: osv-scanner not on PATH; its comparisons are skipped"
have syft || echo "note: syft not on PATH; its comparisons are skipped"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure NAME CMD...: one run, appending "wall rss" to $tmp/NAME.
measure() {
	local name=$1
	shift
	local rc=0
	/usr/bin/time -f "%e %M" -o "$tmp/one" "$@" >/dev/null 2>"$tmp/err" || rc=$?
	# assess exits 1 when claims are not met; anything else is a failure.
	if [ "$rc" -gt 1 ] && [ ! -e "$tmp/failed-$name" ]; then
		touch "$tmp/failed-$name"
		echo "note: $name exited $rc: $(tail -n 1 "$tmp/err")" >&2
	fi
	tail -n 1 "$tmp/one" >>"$tmp/$name"
}

# median FILE COLUMN
median() {
	sort -n -k"$2" "$1" | awk -v c="$2" '{v[NR]=$c} END {if (NR%2) print v[(NR+1)/2]; else printf "%.2f\n", (v[NR/2]+v[NR/2+1])/2}'
}

# report LABEL MINE PEER
report() {
	local label=$1 mine=$2 peer=$3 mw mr pw pr
	mw=$(median "$tmp/$mine" 1)
	mr=$(median "$tmp/$mine" 2)
	if [ -s "$tmp/$peer" ]; then
		pw=$(median "$tmp/$peer" 1)
		pr=$(median "$tmp/$peer" 2)
		printf "%-34s %8ss %8s KiB   peer %8ss %8s KiB   wall %5sx  rss %5sx\n" "$label" "$mw" "$mr" "$pw" "$pr" \
			"$(awk -v a="$mw" -v b="$pw" 'BEGIN{printf "%.2f", (b>0)?a/b:0}')" \
			"$(awk -v a="$mr" -v b="$pr" 'BEGIN{printf "%.2f", (b>0)?a/b:0}')"
	else
		printf "%-34s %8ss %8s KiB   (no peer)\n" "$label" "$mw" "$mr"
	fi
}

for repo in "$@"; do
	name=$(basename "$repo")
	now=$(git -C "$repo" log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
	rm -f "$tmp"/{assess,vulns,sbom,osv,syft}
	for _ in $(seq "$runs"); do
		# Alternate Assay and its peer, so that load hits both alike.
		measure assess "$assay" assess --quiet --fail-on never --format json --now "$now" "$repo"
		if have osv-scanner; then
			measure osv env ${osvdb:+OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY="$osvdb"} osv-scanner scan source --offline --no-call-analysis=go -r "$repo"
		fi
		measure vulns "$assay" vulns --quiet --format json --now "$now" "$repo"
		measure sbom "$assay" sbom --quiet --now "$now" "$repo"
		if have syft; then
			measure syft syft scan "dir:$repo" -q -o cyclonedx-json
		fi
	done
	echo "== $name ($runs runs, medians; load $(cut -d' ' -f1-3 /proc/loadavg))"
	report "assay assess vs osv-scanner" assess osv
	report "assay vulns vs osv-scanner" vulns osv
	report "assay sbom vs syft" sbom syft
done
