#!/usr/bin/env bash
# Runs `rolecall report` from the action's inputs and writes the action's outputs.
#
# Environment: RC_BIN (the binary), RC_CONFIG, RC_SOURCES (one per line or comma),
# RC_ROLES, RC_FORMATS (comma lists), RC_WEEK [last], RC_OUT [reports], RC_PUBLISH
# (targets, one per line or comma), RC_EMAIL (true/false), RC_FAIL_ON (red, amber or empty).
# Outputs (to $GITHUB_OUTPUT when set, and stdout): week, dir, product, program, project.
set -euo pipefail

bin=${RC_BIN:-rolecall}
args=()
if [ -n "${RC_CONFIG:-}" ]; then args+=(-c "$RC_CONFIG"); fi
args+=(report --week "${RC_WEEK:-last}" -o "${RC_OUT:-reports}")
while IFS= read -r s; do
  s=$(printf '%s' "$s" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
  if [ -n "$s" ]; then args+=(-s "$s"); fi
done < <(printf '%s\n' "${RC_SOURCES:-}" | tr ',' '\n')
if [ -n "${RC_ROLES:-}" ]; then args+=(--roles "$RC_ROLES"); fi
if [ -n "${RC_FORMATS:-}" ]; then args+=(--format "$RC_FORMATS"); fi
while IFS= read -r t; do
  t=$(printf '%s' "$t" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
  if [ -n "$t" ]; then args+=(--publish "$t"); fi
done < <(printf '%s\n' "${RC_PUBLISH:-}" | tr ',' '\n')
case ${RC_EMAIL:-false} in true | yes | 1) args+=(--email) ;; esac
if [ -n "${RC_FAIL_ON:-}" ]; then args+=(--fail-on "$RC_FAIL_ON"); fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# A run that wrote the week and then failed to publish or e-mail part of it still gives
# its outputs, so that the later steps (step summary, artifact, data branch — which
# keeps the ledger of what was sent, so a re-run sends only what is missing) run too;
# its exit code is kept.
set +e
"$bin" "${args[@]}" | tee "$log"
code=${PIPESTATUS[0]}
set -e

week=$(grep -o '[0-9]\{4\}-W[0-9]\{2\}' "$log" | head -n 1 || true)
if [ -z "$week" ]; then
  [ "$code" -ne 0 ] || echo "rolecall: no week in the report's output" >&2
  exit $((code == 0 ? 1 : code))
fi
{
  printf 'week=%s\n' "$week"
  printf 'dir=%s\n' "${RC_OUT:-reports}/$week"
  for role in product program project; do
    status=$(sed -n "s/^$role[[:space:]]\{1,\}[^[:alpha:]]*\([[:alpha:]]\{1,\}\)\$/\1/p" "$log" | head -n 1 | tr 'A-Z' 'a-z')
    printf '%s=%s\n' "$role" "$status"
  done
} >"$log.out"
if [ -n "${GITHUB_OUTPUT:-}" ]; then cat "$log.out" >>"$GITHUB_OUTPUT"; fi
cat "$log.out"
rm -f "$log.out"
exit "$code"
