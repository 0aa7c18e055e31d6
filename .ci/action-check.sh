#!/usr/bin/env bash
# Runs the GitHub Action's script (action/pacts-ci.sh) as a pull-request job would, since GitHub is not reachable here:
#   1. on this repository's examples, installing the tool from this source as the action does, against HEAD: no flips;
#   2. in a shallow clone of a repository made here, on a branch that lowers the treasury cap, with GITHUB_BASE_REF set
#      and the base branch missing from the checkout (the script fetches it): the 13 newly blocked calls (one budget breach changes too) fail the job and
#      the job summary starts with the diff's verdict line.
# Usage: .ci/action-check.sh [PACTS_BIN]   (without one, case 1 packs and installs the tool itself)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-}
work=$(mktemp -d)
fail() { echo "action-check: $*" >&2; exit 1; }

# 1. This repository, base HEAD: validate, 43 test cases, a diff with no flips.
(
  cd "$repo"
  env -u GITHUB_BASE_REF RUNNER_TEMP="$work" ${bin:+PACTS_BIN=$bin} PACTS_PACTS=examples/pacts PACTS_LOGS='examples/events/*.jsonl' PACTS_BASE=HEAD \
    PACTS_AMOUNT=amount GITHUB_STEP_SUMMARY="$work/summary1.md" GITHUB_OUTPUT="$work/output1" \
    bash action/pacts-ci.sh >"$work/run1.out" 2>&1
) || { cat "$work/run1.out"; fail "case 1 exited $? on an unchanged repository"; }
grep -q '^\*\*pacts validate\*\*: every pact loads' "$work/summary1.md" || fail "case 1: no validate line in the summary"
grep -Eq '^\*\*pacts test\*\*: [0-9]+ passed, 0 failed' "$work/summary1.md" || fail "case 1: no test line in the summary"
grep -q '^\*\*0 calls newly blocked, 0 newly allowed' "$work/summary1.md" || { cat "$work/summary1.md"; fail "case 1: the diff is not empty"; }
grep -qx 'diff=0' "$work/output1" || fail "case 1: no diff output"

# 2. A pull request that lowers the treasury cap, in a shallow clone without its base branch.
upstream=$work/upstream
git init -q -b main "$upstream"
cp -r "$repo/examples/pacts" "$repo/examples/events" "$upstream/"
git -C "$upstream" -c user.name=ci -c user.email=ci@example.invalid add -A
git -C "$upstream" -c user.name=ci -c user.email=ci@example.invalid commit -q -m "pacts"
pr=$work/pr
git clone -q --depth 1 "file://$upstream" "$pr"
git -C "$pr" checkout -q -b lower-cap
sed -i 's/maxAmount: 5000 /maxAmount: 500  /' "$pr/pacts/treasury.pact.yaml"
grep -q 'maxAmount: 500 ' "$pr/pacts/treasury.pact.yaml" || fail "case 2: the cap edit did not apply"
git -C "$pr" -c user.name=ci -c user.email=ci@example.invalid commit -q -am "lower the treasury cap"
git -C "$pr" update-ref -d refs/remotes/origin/main
pacts_bin=${bin:-$(ls -d "$work"/pacts-ci.*/tool/pacts 2>/dev/null | head -n 1)}
[ -x "$pacts_bin" ] || fail "case 2: no pacts binary (case 1 installs one when none is given)"
set +e
(
  cd "$pr"
  PACTS_BIN=$pacts_bin GITHUB_BASE_REF=main PACTS_PACTS=pacts PACTS_TESTS=none PACTS_LOGS='events/*.jsonl' \
    PACTS_AMOUNT=amount GITHUB_STEP_SUMMARY="$work/summary2.md" GITHUB_OUTPUT="$work/output2" \
    bash "$repo/action/pacts-ci.sh" >"$work/run2.out" 2>&1
)
status=$?
set -e
[ "$status" -eq 1 ] || { cat "$work/run2.out"; fail "case 2 exited $status, not 1 (newly blocked calls)"; }
grep -q '^\*\*13 calls newly blocked, 0 newly allowed, 1 changed otherwise; amount 50893 newly blocked, 0 newly allowed\*\*' "$work/summary2.md" ||
  { cat "$work/summary2.md"; fail "case 2: the summary does not carry the diff's verdict line"; }
grep -q '<details><summary>Flips</summary>' "$work/summary2.md" || fail "case 2: no flips in the summary"
grep -qx 'diff=1' "$work/output2" || fail "case 2: diff output is not 1"
git -C "$pr" rev-parse --verify --quiet refs/remotes/origin/main >/dev/null || fail "case 2: the base branch was not fetched"
echo "action: pacts-ci.sh passes an unchanged repository and fails a lowered cap with 13 calls newly blocked (amount 50893)"
