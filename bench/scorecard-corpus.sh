#!/usr/bin/env bash
# scorecard-corpus.sh: run OpenSSF Scorecard v5.5.0 (local mode) and Assay on
# each workflow fixture of the shared corpus, one fixture per repository,
# and print per file and per check where the two agree.
#
# usage (from the project root):
#   bench/scorecard-corpus.sh [CORPUS]  default ../shared/corpus/workflows
#   SCORECARD=/path/to/scorecard  use a prebuilt binary instead of building one
#   KEEP=DIR                      keep the JSON outputs (and the built scorecard) in DIR
#   REUSE=DIR                     take Scorecard's results from DIR (a KEEP folder)
#
# A fixture is every *.yml / *.yaml under real/, scorecard/checks/,
# scorecard/raw/ and zizmor/ with a top-level `jobs:` key (GitLab pipelines,
# action.yml, Dependabot and zizmor configurations are not workflows). Each
# is copied into an empty git repository as .github/workflows/NAME.yml, so
# line numbers stay those of the fixture. Checks compared:
#   Pinned-Dependencies  ciActionsPinned, containerImagesPinned, downloadsVerified, packageInstallsPinned
#   Token-Permissions    workflowPermissionsLeastPrivilege
#   Dangerous-Workflow   noUntrustedCheckoutInPrivilegedTrigger, noScriptInjection
# Verdicts: "pass" (Scorecard 10/10; Assay true and no violation), "fail",
# "n/a" (Scorecard -1; Assay nothing to judge). These checks must hold
# everywhere, so the two agree when both fail or neither does ("pass" and
# "n/a" both say no problem was seen). Disagreements are listed as
# file: check scorecard/assay, with both tools' findings in KEEP.
# Nothing from the fixtures is run.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$here/../shared/corpus/workflows}
[ -d "$corpus" ] || { sed -n '2,24p' "$0"; exit 2; }
corpus=$(cd "$corpus" && pwd)
command -v jq >/dev/null || { echo "needs jq" >&2; exit 2; }
work=$(mktemp -d); trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
out=${KEEP:-$work/out}; mkdir -p "$out"
now=2026-08-22T00:00:00Z   # the corpus's newest snapshot date
checks=Pinned-Dependencies,Token-Permissions,Dangerous-Workflow

. "$here/bench/scorecard-build.sh"
sc=${SCORECARD:-}
if [ -n "${REUSE:-}" ]; then
  sc=true
elif [ -z "$sc" ]; then
  echo "building Scorecard v5.5.0 from the Go module proxy ..." >&2
  sc=$(build_scorecard "$work") || { echo "Scorecard v5.5.0 could not be built; nothing compared" >&2; exit 3; }
  [ -n "${KEEP:-}" ] && cp "$sc" "$KEEP/scorecard"
fi
(cd "$here" && GOTOOLCHAIN=local go build -o "$work/assay" ./cmd/assay) || { echo "cannot build assay" >&2; exit 2; }

assay_aspects() {
  jq -r '
    [.principles[].claims[].findings[]?] | unique_by(.rule + .outcome + .message + (.location.path // "") + ((.location.line // 0) | tostring)) as $fs
    | def v($rules):
        [$fs[] | select(.rule as $r | $rules | index($r))] as $m
        | if ($m | map(select(.outcome == "false" and .negative != "elsewhere")) | length) > 0 then "fail"
          elif ($m | map(select(.outcome == "true")) | length) > 0 then "pass"
          else "n/a" end;
      "Pinned-Dependencies \(v(["ciActionsPinned","containerImagesPinned","downloadsVerified","packageInstallsPinned"]))",
      "Token-Permissions \(v(["workflowPermissionsLeastPrivilege"]))",
      "Dangerous-Workflow \(v(["noUntrustedCheckoutInPrivilegedTrigger","noScriptInjection"]))"' "$1"
}
scorecard_aspects() {
  jq -r '.checks[] | "\(.name) \(if .score < 0 then "n/a" elif .score == 10 then "pass" else "fail" end)"' "$1"
}

table=$work/table; : > "$table"
(cd "$corpus" && find real scorecard/checks scorecard/raw zizmor -type f \( -name '*.yml' -o -name '*.yaml' \) | LC_ALL=C sort) |
while read -r f; do
  grep -qE '^jobs:' "$corpus/$f" || continue
  id=${f//\//__}; id=${id%.*}
  r=$work/repos/$id; mkdir -p "$r/.github/workflows"
  b=${f##*/}; cp "$corpus/$f" "$r/.github/workflows/${b%.*}.yml"
  git -C "$r" init -q && git -C "$r" add -A && git -C "$r" -c user.name=bench -c user.email=bench@invalid -c commit.gpgsign=false commit -qm fixture
  if [ -n "${REUSE:-}" ]; then
    [ "$REUSE/$id.scorecard.json" -ef "$out/$id.scorecard.json" ] || cp "$REUSE/$id.scorecard.json" "$out/$id.scorecard.json" 2>/dev/null || echo "no stored Scorecard result for $f" >&2
  else
    "$sc" --local "$r" --format json --show-details --checks "$checks" > "$out/$id.scorecard.json" 2> "$out/$id.scorecard.err" \
      || echo "scorecard failed on $f (see $out/$id.scorecard.err)" >&2
  fi
  "$work/assay" assess "$r" --format json --now "$now" > "$out/$id.assay.json" 2> "$out/$id.assay.err"
  declare -A scv=()
  while read -r a v; do scv[$a]=$v; done < <(scorecard_aspects "$out/$id.scorecard.json" 2>/dev/null)
  while read -r a v; do printf '%s\t%s\t%s\t%s\n' "$a" "$f" "${scv[$a]:-missing}" "$v" >> "$table"; done < <(assay_aspects "$out/$id.assay.json")
  unset scv
  rm -rf "$r"
done
cp "$table" "$out/table.tsv"

printf '%-20s %9s %9s %8s\n' check agree disagree missing
for a in ${checks//,/ }; do
  awk -F'\t' -v a="$a" '
    $1 == a && $3 == "missing" { miss++; next }
    $1 == a { n++; if (($3 == "fail") == ($4 == "fail")) ok++ }
    END { printf "%-20s %4d/%-4d %8d %8d\n", a, ok, n, n - ok, miss }' "$table"
done
awk -F'\t' '$3 == "missing" { next } { n++; if (($3 == "fail") == ($4 == "fail")) ok++ } END { printf "overall agreement %d/%d\n", ok, n }' "$table"
echo "disagreements (file: check scorecard/assay):"
awk -F'\t' '$3 == "missing" { next } ($3 == "fail") != ($4 == "fail") { printf "  %s: %s %s/%s\n", $2, $1, $3, $4 }' "$table"
[ -n "${KEEP:-}" ] && echo "outputs kept in $out" >&2
exit 0
