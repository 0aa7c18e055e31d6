#!/usr/bin/env bash
# `pacts diff` throughput and memory (issue #21): the timed treasury mix replayed once by `pacts replay` under the
# candidate pacts, and diffed by `pacts diff` (baseline: the treasury pact; candidate: the same with its cap cut to
# 1000 and two budgets), interleaved, at each log length given (default 1,000,000 and 5,000,000 events). Prints
# seconds, events/s and peak RSS per run and the median throughput ratio diff / replay (target >= 0.45: diff evaluates
# two sets), and checks that the diff found flips. Memory flat in the log's length: compare the peak RSS across sizes.
# Usage: benchmarks/replay/diff.sh [ROUNDS] [EVENTS...]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}; shift || true
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000000 5000000)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
bench=../shared/bench/treasury-v1
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
dotnet publish src/Pacts.Cli -c Release -r linux-x64 -o "$work/bin" -v q -nologo >/dev/null
mkdir -p "$work/baseline" "$work/candidate"
cp "$bench/treasury.pact.yaml" "$work/baseline/treasury.pact.yaml"
{ sed 's/maxAmount: 5000/maxAmount: 1000/' "$bench/treasury.pact.yaml"; grep -v "^#" benchmarks/replay/two-budgets.yaml; } >"$work/candidate/treasury.pact.yaml"
cmp -s "$work/baseline/treasury.pact.yaml" "$work/candidate/treasury.pact.yaml" && { echo "the candidate did not change" >&2; exit 1; }

run() { # name, command... : time one run, print its line, keep its seconds
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/$name.json" 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r secs kb <"$work/time"
  echo "$secs" >"$work/$name.secs"
  awk -v p="$name" -v s="$secs" -v kb="$kb" -v ev="$events" 'BEGIN { printf "  %-7s %6.2f s %10.0f events/s  peak RSS %6.1f MB\n", p, s, ev/s, kb/1024 }'
}

for events in "${sizes[@]}"; do
  python3 benchmarks/replay/generate.py "$bench/calls.jsonl" "$work/log.jsonl" "$events" timed
  echo "log: $events events, $(stat -c %s "$work/log.jsonl" | awk '{printf "%.0f", $1/1e6}') MB"
  : >"$work/ratios"
  for r in $(seq "$rounds"); do
    run replay "$work/bin/pacts" replay "$work/log.jsonl" --pacts "$work/candidate" --format json --fail-on none
    run diff "$work/bin/pacts" diff "$work/log.jsonl" --baseline "$work/baseline" --candidate "$work/candidate" --amount amount --format json --fail-on none
    awk -v a="$(cat "$work/replay.secs")" -v b="$(cat "$work/diff.secs")" 'BEGIN { printf "%.3f\n", a/b }' >>"$work/ratios"
  done
  sort -n "$work/ratios" | awk '{a[NR]=$1} END {printf "  throughput diff / replay: median %.2f (range %.2f-%.2f, %d rounds)\n", a[int((NR+1)/2)], a[1], a[NR], NR}'
  python3 - "$work/replay.json" "$work/diff.json" <<'PY'
import json, sys
replay, diff = (json.load(open(p)) for p in sys.argv[1:])
flips = diff["flips"]
assert diff["calls"] == replay["toolCalls"]["total"], (diff["calls"], replay["toolCalls"])
assert flips["newlyInvalid"] > 0, flips
print("  check: calls", diff["calls"], "flips", flips, "amounts", diff.get("amounts"))
PY
done
