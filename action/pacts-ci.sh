#!/usr/bin/env bash
# The steps of this repository's GitHub Action (../action.yml), as one script so that `.ci/run` runs exactly what a
# user's workflow runs: install `pacts`, `pacts validate`, `pacts test`, and `pacts diff` of the pull request's pacts
# against the base branch on recorded traffic, with the diff's markdown in the job summary.
#
# Every input is an environment variable (action.yml maps its inputs onto them); all are optional:
#   PACTS_PACTS            pact files or directories, space-separated              [pacts]
#   PACTS_TESTS            test files or directories for `pacts test`; `none` skips  [PACTS_PACTS]
#   PACTS_LOGS             recorded logs for `pacts diff` (globs allowed); empty skips the diff
#   PACTS_CANDIDATE        the path `pacts diff` compares at the base revision      [first of PACTS_PACTS]
#   PACTS_BASE             the base revision                                         [origin/$GITHUB_BASE_REF]
#   PACTS_AMOUNT           a param path whose amounts the diff adds up (--amount)
#   PACTS_FAIL_ON          which flips fail the job (--fail-on)                      [newly-invalid]
#   PACTS_VALIDATE_FORMAT  github (annotations) or sarif (written to PACTS_SARIF)    [github]
#   PACTS_SARIF            where the SARIF log goes                                  [pacts.sarif]
#   PACTS_STRICT           true: warnings fail validate too (--strict)               [false]
#   PACTS_BIN              a `pacts` to use; else PACTS_VERSION from NuGet, else built from this action's source
#   PACTS_VERSION          the tool version to install from the configured NuGet feeds
#   GITHUB_STEP_SUMMARY    the job summary (markdown); unset, the summary goes to stdout
#   GITHUB_OUTPUT          where the outputs `validate`, `test`, `diff` (exit codes) and `diff-markdown` go
#
# Exit code: 0 when every step passed, 1 when any found a problem (errors, failing cases, flips of the --fail-on
# kind), 2 when any could not run (a usage or I/O error, the tool does not install). All steps run either way.
set -uo pipefail

action_path=$(cd "$(dirname "$0")/.." && pwd)
read -r -a pacts_paths <<<"${PACTS_PACTS:-pacts}"
read -r -a test_paths <<<"${PACTS_TESTS:-${pacts_paths[*]}}"
candidate=${PACTS_CANDIDATE:-${pacts_paths[0]}}
base=${PACTS_BASE:-}
if [ -z "$base" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
  base="origin/$GITHUB_BASE_REF"
fi
fail_on=${PACTS_FAIL_ON:-newly-invalid}
validate_format=${PACTS_VALIDATE_FORMAT:-github}
sarif=${PACTS_SARIF:-pacts.sarif}
work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/pacts-ci.XXXXXX")
summary=${GITHUB_STEP_SUMMARY:-$work/summary.md}
worst=0

note() { printf '%s\n' "$*" >>"$summary"; }
output() { [ -n "${GITHUB_OUTPUT:-}" ] && printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; return 0; }
record() { # step name, exit code: remember the worst, tell the workflow
  output "$1" "$2"
  if [ "$2" -gt "$worst" ]; then worst=$2; fi
  if [ "$2" -gt 2 ]; then worst=2; fi
}
finish() {
  [ -z "${GITHUB_STEP_SUMMARY:-}" ] && cat "$summary"
  exit "$worst"
}

# Install. A pinned version from NuGet when one is named; otherwise this action's own source, packed and installed as
# the .NET tool it is (the same `dotnet pack` + `dotnet tool install` as README's install steps).
if [ -n "${PACTS_BIN:-}" ]; then
  pacts=$PACTS_BIN
else
  tool=$work/tool
  if [ -n "${PACTS_VERSION:-}" ]; then
    dotnet tool install pacts --version "$PACTS_VERSION" --tool-path "$tool" >"$work/install.log" 2>&1
  else
    dotnet pack "$action_path/src/Pacts.Cli" -c Release -o "$tool/nupkg" >"$work/install.log" 2>&1 &&
      dotnet tool install pacts --tool-path "$tool" --add-source "$tool/nupkg" >>"$work/install.log" 2>&1
  fi
  status=$?
  if [ "$status" -ne 0 ]; then
    cat "$work/install.log" >&2
    echo "pacts-ci: the tool did not install (see above)" >&2
    note "**pacts**: the tool did not install; see the step's log"
    record install 2
    finish
  fi
  pacts=$tool/pacts
fi
echo "pacts-ci: $("$pacts" --version)"

# Validate: annotations on the pull request's files (github) or a SARIF log for code scanning.
echo "::group::pacts validate ${pacts_paths[*]}"
strict=()
[ "${PACTS_STRICT:-false}" = true ] && strict=(--strict)
if [ "$validate_format" = sarif ]; then
  "$pacts" validate "${pacts_paths[@]}" --format sarif "${strict[@]}" >"$sarif"
  status=$?
else
  "$pacts" validate "${pacts_paths[@]}" --format "$validate_format" "${strict[@]}"
  status=$?
fi
echo "::endgroup::"
record validate "$status"
case $status in
  0) note "**pacts validate**: every pact loads" ;;
  1) note "**pacts validate**: the pacts have errors (see the annotations)" ;;
  *) note "**pacts validate**: could not run (see the step's log)" ;;
esac

# Test: the pact unit tests, when there are any.
if [ "${test_paths[*]}" != none ]; then
  echo "::group::pacts test ${test_paths[*]}"
  "$pacts" test "${test_paths[@]}" --pacts "${pacts_paths[@]}" | tee "$work/test.out"
  status=${PIPESTATUS[0]}
  echo "::endgroup::"
  record test "$status"
  note "**pacts test**: $(tail -n 1 "$work/test.out" 2>/dev/null || echo "could not run")"
fi

# Diff: the base branch's pacts against this branch's on recorded traffic.
shopt -s nullglob
logs=()
for pattern in ${PACTS_LOGS:-}; do
  matches=($pattern)
  if [ "${#matches[@]}" -eq 0 ]; then logs+=("$pattern"); else logs+=("${matches[@]}"); fi
done
shopt -u nullglob
if [ "${#logs[@]}" -eq 0 ]; then
  note "**pacts diff**: skipped (no recorded logs named)"
elif [ -z "$base" ]; then
  note "**pacts diff**: skipped (no base revision: not a pull request, and none named)"
else
  # A pull request's checkout is shallow and holds only its own commit: fetch the base branch's tip when it is missing.
  if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
    branch=${base#origin/}
    git fetch --no-tags --depth=1 origin "+refs/heads/$branch:refs/remotes/origin/$branch" >"$work/fetch.log" 2>&1 ||
      git fetch --no-tags --depth=1 origin "$branch" >>"$work/fetch.log" 2>&1 || cat "$work/fetch.log" >&2
  fi
  if git rev-parse --verify --quiet "$base^{commit}" >/dev/null && [ -z "$(git ls-tree -r --name-only "$base" -- "$candidate" 2>/dev/null)" ]; then
    note "**pacts diff**: skipped ($candidate does not exist at $base: every pact there is new)"
  else
    amount=()
    [ -n "${PACTS_AMOUNT:-}" ] && amount=(--amount "$PACTS_AMOUNT")
    md=$work/diff.md
    echo "::group::pacts diff --baseline git:$base --candidate $candidate"
    "$pacts" diff "${logs[@]}" --baseline "git:$base" --candidate "$candidate" "${amount[@]}" --format markdown --fail-on "$fail_on" >"$md"
    status=$?
    cat "$md"
    echo "::endgroup::"
    record diff "$status"
    if [ "$status" -le 1 ]; then
      note ""
      cat "$md" >>"$summary"
      output diff-markdown "$md"
    else
      note "**pacts diff**: could not run (see the step's log)"
    fi
  fi
fi

finish
