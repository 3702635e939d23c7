#!/usr/bin/env bash
# Runs one Assay assessment for CI and publishes it: the JSON report, SARIF
# (GitHub code scanning), optionally GitLab's code-quality report and one
# more format, a Markdown job summary, and the claim counts as outputs.
# One assessment; every other file is rendered from its JSON report with
# `assay render`.
#
# Used by action.yml and ci/gitlab/assay.gitlab-ci.yml; tested by
# scripts/action/action_test.go.
#
# Environment:
#   ASSAY               the assay binary (default: assay on PATH)
#   ASSAY_PATH          repository to assess (default .)
#   ASSAY_FORMAT        one more report format to write (default markdown;
#                       json: only the JSON report)
#   ASSAY_FAIL_ON       not_met (default) | unknown | never
#   ASSAY_ASSURANCE     observed | attested (default: assay.yaml's)
#   ASSAY_DB_UPDATE     false (default) or OSV ecosystems to import before
#                       assessing, e.g. "Go PyPI npm"
#   ASSAY_OSV_URL       OSV bucket (default https://osv-vulnerabilities.storage.googleapis.com)
#   ASSAY_DB            vulnerability database directory (default: Assay's cache)
#   ASSAY_OUT_DIR       where reports go (default $RUNNER_TEMP or /tmp, /assay)
#   ASSAY_SARIF         true (default) | false
#   ASSAY_CODEQUALITY   false (default) | true: also gl-code-quality-report.json
#   ASSAY_ENFORCE       true: exit 1 when the --fail-on policy fails; false
#                       (default): record it in the "policy" output only
# Outputs (GITHUB_OUTPUT when set, else printed): met, not-met, unknown,
# not-applicable, waived, total, policy (pass|fail), report (JSON),
# report-path (the ASSAY_FORMAT report), sarif, codequality.
set -euo pipefail

fail() { echo "assay: $*" >&2; exit 2; }

assay="${ASSAY:-assay}"
target="${ASSAY_PATH:-.}"
format="${ASSAY_FORMAT:-markdown}"
fail_on="${ASSAY_FAIL_ON:-not_met}"
out="${ASSAY_OUT_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/assay}"
mkdir -p "$out"
command -v jq >/dev/null 2>&1 || fail "jq is needed to read the report"

case "$fail_on" in not_met | unknown | never) ;; *) fail "fail-on: want not_met, unknown or never; got $fail_on" ;; esac
case "${ASSAY_ASSURANCE:-}" in "" | observed | attested) ;; *) fail "assurance: want observed or attested; got $ASSAY_ASSURANCE" ;; esac

db_args=()
[ -n "${ASSAY_DB:-}" ] && db_args=(--db "$ASSAY_DB")

# Vulnerability data, imported before the assessment when asked for.
update="${ASSAY_DB_UPDATE:-false}"
if [ "$update" != false ] && [ -n "$update" ]; then
  osv="${ASSAY_OSV_URL:-https://osv-vulnerabilities.storage.googleapis.com}"
  dl="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/assay-osv.XXXXXX")"
  trap 'rm -rf "$dl"' EXIT
  zips=()
  for eco in $update; do
    [[ "$eco" =~ ^[A-Za-z0-9.:-]+$ ]] || fail "db-update: not an OSV ecosystem name: $eco"
    curl -fsSL --retry 3 --proto '=https,http' -o "$dl/$eco.zip" "$osv/$eco/all.zip" || fail "download $osv/$eco/all.zip failed"
    zips+=("$dl/$eco.zip")
  done
  "$assay" db import "${db_args[@]}" "${zips[@]}" >&2
fi

args=(assess "$target" --format json --output "$out/assay-report.json" --fail-on "$fail_on")
[ -n "${ASSAY_ASSURANCE:-}" ] && args+=(--assurance "$ASSAY_ASSURANCE")
args+=("${db_args[@]}")

policy=pass
set +e
"$assay" "${args[@]}"
rc=$?
set -e
case "$rc" in
  0) ;;
  1) policy=fail ;;
  *) echo "assay: the assessment did not finish (exit $rc)" >&2; exit "$rc" ;;
esac

json="$out/assay-report.json"
sarif=""
if [ "${ASSAY_SARIF:-true}" = true ]; then
  sarif="$out/assay.sarif"
  "$assay" render "$json" --format sarif --output "$sarif"
fi
codequality=""
if [ "${ASSAY_CODEQUALITY:-false}" = true ]; then
  codequality="$out/gl-code-quality-report.json"
  "$assay" render "$json" --format codequality --output "$codequality"
fi
report="$json"
case "$format" in
  json) ;;
  *)
    case "$format" in
      markdown) ext=md ;; text) ext=txt ;; svg-badge) ext=svg ;; codequality) ext=codequality.json ;;
      oscal) ext=oscal.json ;; *) ext="$format" ;;
    esac
    report="$out/assay-report.$ext"
    "$assay" render "$json" --format "$format" --output "$report"
    ;;
esac

count() { jq -r --arg k "$1" '.summary.claims[$k] // 0' "$json"; }
met="$(count met)"
not_met="$(count not_met)"
unknown="$(count unknown)"
na="$(count not_applicable)"
waived="$(count waived)"
total="$(jq -r '.summary.totalClaims // 0' "$json")"

emit() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; else echo "$1=$2"; fi
}
emit met "$met"
emit not-met "$not_met"
emit unknown "$unknown"
emit not-applicable "$na"
emit waived "$waived"
emit total "$total"
emit policy "$policy"
emit report "$json"
emit report-path "$report"
emit sarif "$sarif"
emit codequality "$codequality"

# The job summary: counts, then the claims not met and unknown. Repository
# text is made inert: control characters dropped, table and HTML markup
# escaped, long reasons cut.
summary() {
  jq -r --arg policy "$policy" --arg failon "$fail_on" '
    def cell: tostring | gsub("[\u0000-\u001f\u007f]"; " ") | gsub("\\\\"; "\\\\")
      | gsub("[|]"; "\\|") | gsub("<"; "&lt;") | gsub(">"; "&gt;")
      | if length > 300 then .[0:300] + "…" else . end;
    def rows($st; $max):
      [.principles[].claims[] | select(.status == $st)] as $cs
      | if ($cs | length) == 0 then empty else
          "", "| Claim | Reason |", "|---|---|",
          ($cs[0:$max][] | "| \(.id) | \(.reason // "" | cell) |"),
          (if ($cs | length) > $max then "", "…and \(($cs | length) - $max) more in the report." else empty end)
        end;
    "## Assay: \(.framework.title // "Code of Practice" | cell)", "",
    "**\(.subject.product // "product" | cell)**" + (if (.subject.commit // "") != "" then " at `\(.subject.commit[0:12] | cell)`" else "" end)
      + " · Assay \(.tool.version // "" | cell) · policy `--fail-on \($failon)`: "
      + (if $policy == "pass" then "holds" else "**fails**" end), "",
    "| Met | Not met | Unknown | Not applicable | Waived | Total |",
    "|---|---|---|---|---|---|",
    "| \(.summary.claims.met // 0) | \(.summary.claims.not_met // 0) | \(.summary.claims.unknown // 0) | \(.summary.claims.not_applicable // 0) | \(.summary.claims.waived // 0) | \(.summary.totalClaims // 0) |",
    (if (.summary.claims.not_met // 0) > 0 then "", "### Not met", (. | rows("not_met"; 50)) else empty end),
    (if (.summary.claims.unknown // 0) > 0 then "", "<details><summary>Unknown: \(.summary.claims.unknown) claims need evidence or an attestation</summary>", (. | rows("unknown"; 50)), "", "</details>" else empty end)
  ' "$json"
}
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  summary >>"$GITHUB_STEP_SUMMARY"
else
  summary >"$out/summary.md"
fi

echo "assay: $met met, $not_met not met, $unknown unknown of $total claims; policy --fail-on $fail_on: $policy" >&2
if [ "$policy" = fail ] && [ "${ASSAY_ENFORCE:-false}" = true ]; then
  exit 1
fi
exit 0
