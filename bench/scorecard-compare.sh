#!/usr/bin/env bash
# scorecard-compare.sh: run OpenSSF Scorecard v5.5.0 (local mode) and Assay
# over the same checkouts and print, per Scorecard check, where the two agree.
#
# usage (from the project root):
#   bench/scorecard-compare.sh DIR...        checkouts, or folders of checkouts
#   SCORECARD=/path/to/scorecard  use a prebuilt binary instead of building one
#   KEEP=DIR                      keep the JSON outputs (and the built scorecard) in DIR
#   REUSE=DIR                     take Scorecard's results from DIR/NAME.scorecard.json
#                                 (a KEEP folder) instead of running it
#
# Scorecard is built from the Go module proxy into a temporary GOPATH
# outside this module (network: proxy.golang.org only, sums checked through
# it). Its Fuzzing check looks projects up in OSS-Fuzz's status list on the
# network; the copy built here reads an empty list instead, so both tools
# judge only what the checkout shows. Nothing from the checkouts is run.
#
# Verdicts per aspect: "pass", "fail", "n/a" (nothing to judge, or the check
# was inconclusive: Scorecard score -1), "elsewhere" (Assay: points outside
# the repository). Scorecard passes a check that must hold everywhere
# (Pinned-Dependencies, Token-Permissions, Dangerous-Workflow,
# Binary-Artifacts) only at 10/10, and a presence check (Fuzzing, SAST,
# Security-Policy, Dependency-Update-Tool, License, Packaging) above 0.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { sed -n '2,21p' "$0"; exit 2; }
command -v jq >/dev/null || { echo "needs jq" >&2; exit 2; }
work=$(mktemp -d); trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
out=${KEEP:-$work/out}; mkdir -p "$out"

checks=Pinned-Dependencies,Token-Permissions,Dangerous-Workflow,Fuzzing,SAST,Security-Policy,Dependency-Update-Tool,License,Binary-Artifacts,Packaging

. "$here/bench/scorecard-build.sh"

sc=${SCORECARD:-}
if [ -n "${REUSE:-}" ]; then
  sc=true
elif [ -z "$sc" ]; then
  echo "building Scorecard v5.5.0 from the Go module proxy ..." >&2
  sc=$(build_scorecard "$work") || { echo "Scorecard v5.5.0 could not be built (no access to proxy.golang.org?); nothing compared" >&2; exit 3; }
  [ -n "${KEEP:-}" ] && cp "$sc" "$KEEP/scorecard"
fi
(cd "$here" && GOTOOLCHAIN=local go build -o "$work/assay" ./cmd/assay) || { echo "cannot build assay" >&2; exit 2; }

repos=()
for d in "$@"; do
  if [ -e "$d/.git" ]; then repos+=("$d"); else for s in "$d"/*/; do [ -e "$s/.git" ] && repos+=("${s%/}"); done; fi
done

# assay_aspects FILE SBOM: one "aspect verdict" line per aspect from Assay's findings.
assay_aspects() {
  jq -r --slurpfile sbom "$2" '
    [.principles[].claims[].findings[]?] | unique_by(.rule + .outcome + .message + (.location.path // "") + ((.location.line // 0) | tostring)) as $fs
    | def v($rules):
        [$fs[] | select(.rule as $r | $rules | index($r))] as $m
        | if ($m | map(select(.outcome == "false" and .negative != "elsewhere")) | length) > 0 then "fail"
          elif ($m | map(select(.outcome == "true")) | length) > 0 then "pass"
          elif ($m | map(select(.negative == "elsewhere")) | length) > 0 then "elsewhere"
          else "n/a" end;
      def presence($rules): v($rules) as $x | if $x == "fail" then "fail" else $x end;
      "Pinned-Dependencies \(v(["ciActionsPinned","containerImagesPinned","downloadsVerified","packageInstallsPinned"]))",
      "Token-Permissions \(v(["workflowPermissionsLeastPrivilege"]))",
      "Dangerous-Workflow \(v(["noUntrustedCheckoutInPrivilegedTrigger","noScriptInjection"]))",
      "Fuzzing \(presence(["fuzzingExists"]))",
      "SAST \(presence(["staticAnalysisRuns"]))",
      "Security-Policy \(presence(["securityPolicyPublished"]))",
      "Dependency-Update-Tool \(presence(["updateAutomationCoversEcosystems"]))",
      "License \(if ($sbom[0].packages[0].licenseDeclared // "NOASSERTION") == "NOASSERTION" then "fail" else "pass" end)",
      "Binary-Artifacts \(v(["noBinaryArtefacts"]))",
      "Packaging \(presence(["releasePublishedFromCI"]))"
  ' "$1"
}

scorecard_aspects() {
  jq -r '.checks[] | .name as $n | .score as $s
    | if $s < 0 then "\($n) n/a"
      elif ($n | IN("Pinned-Dependencies","Token-Permissions","Dangerous-Workflow","Binary-Artifacts")) then "\($n) \(if $s == 10 then "pass" else "fail" end)"
      else "\($n) \(if $s > 0 then "pass" else "fail" end)" end' "$1"
}

table=$work/table; : > "$table"
for r in "${repos[@]}"; do
  name=$(basename "$r")
  now=$(git -C "$r" log -1 --format=%cI 2>/dev/null)
  if [ -n "${REUSE:-}" ]; then
    [ "$REUSE/$name.scorecard.json" -ef "$out/$name.scorecard.json" ] || cp "$REUSE/$name.scorecard.json" "$out/$name.scorecard.json" 2>/dev/null \
      || echo "no stored Scorecard result for $name" >&2
  else
    "$sc" --local "$r" --format json --show-details --checks "$checks" > "$out/$name.scorecard.json" 2> "$out/$name.scorecard.err" \
      || echo "scorecard failed on $name (see $out/$name.scorecard.err)" >&2
  fi
  "$work/assay" assess "$r" --format json ${now:+--now "$now"} > "$out/$name.assay.json" 2> "$out/$name.assay.err"
  "$work/assay" sbom "$r" --format spdx-json ${now:+--now "$now"} > "$out/$name.sbom.json" 2>/dev/null || echo '{"packages":[{}]}' > "$out/$name.sbom.json"
  declare -A scv=()
  while read -r a v; do scv[$a]=$v; done < <(scorecard_aspects "$out/$name.scorecard.json" 2>/dev/null)
  while read -r a v; do printf '%s\t%s\t%s\t%s\n' "$a" "$name" "${scv[$a]:-missing}" "$v" >> "$table"; done < <(assay_aspects "$out/$name.assay.json" "$out/$name.sbom.json")
  unset scv
done

# A check Scorecard could not answer (score -1, "n/a") is not compared
# unless Assay has nothing to judge either.
printf '%-24s %6s %9s %7s  %s\n' aspect agree disagree "sc n/a" "disagreements (repo: scorecard/assay)"
for a in ${checks//,/ }; do
  awk -F'\t' -v a="$a" '
    $1 == a && $3 == "n/a" && $4 != "n/a" { skip++; next }
    $1 == a { n++; if ($3 == $4) ok++; else d = d sprintf(" %s:%s/%s", $2, $3, $4) }
    END { printf "%-24s %3d/%-2d %9d %7d %s\n", a, ok, n, n - ok, skip, d }' "$table"
done
awk -F'\t' '$3 == "n/a" && $4 != "n/a" { next } { n++; if ($3 == $4) ok++ } END { printf "overall agreement %d/%d (where Scorecard answered)\n", ok, n }' "$table"
[ -n "${KEEP:-}" ] && echo "outputs kept in $out" >&2
exit 0
