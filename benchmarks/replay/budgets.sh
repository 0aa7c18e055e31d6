#!/usr/bin/env bash
# Budgets in replay (issue #19): `pacts replay` of the timed treasury mix with the treasury pact alone and with the
# same pact plus two budgets (each agent's outflow per hour, each agent's calls per 10 minutes), interleaved, at each
# log length given (default 1,000,000 and 5,000,000 events). Prints seconds, events/s and peak RSS per run, the
# median throughput ratio (with / without budgets) and a check that both replays read the same calls and that the
# budgets did breach. Usage: benchmarks/replay/budgets.sh [ROUNDS] [EVENTS...]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}; shift || true
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000000 5000000)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
bench=../shared/bench/treasury-v1
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
dotnet publish src/Pacts.Cli -c Release -r linux-x64 -o "$work/bin" -v q -nologo >/dev/null
cp "$bench/treasury.pact.yaml" "$work/plain.pact.yaml"
{ cat "$bench/treasury.pact.yaml"; grep -v "^#" benchmarks/replay/two-budgets.yaml; } >"$work/budgets.pact.yaml"

for events in "${sizes[@]}"; do
  python3 benchmarks/replay/generate.py "$bench/calls.jsonl" "$work/log.jsonl" "$events" timed
  echo "log: $events events, $(stat -c %s "$work/log.jsonl" | awk '{printf "%.0f", $1/1e6}') MB"
  : >"$work/ratios"
  for r in $(seq "$rounds"); do
    for pact in plain budgets; do
      /usr/bin/time -f "%e %M" -o "$work/time" "$work/bin/pacts" replay "$work/log.jsonl" --pacts "$work/$pact.pact.yaml" \
        --format json --fail-on none >"$work/$pact.json" 2>"$work/err" || { cat "$work/err"; exit 1; }
      read -r secs kb <"$work/time"
      echo "$secs" >"$work/$pact.secs"
      awk -v p="$pact" -v s="$secs" -v kb="$kb" -v ev="$events" 'BEGIN { printf "  %-8s %6.2f s %10.0f events/s  peak RSS %6.1f MB\n", p, s, ev/s, kb/1024 }'
    done
    awk -v a="$(cat "$work/plain.secs")" -v b="$(cat "$work/budgets.secs")" 'BEGIN { printf "%.3f\n", a/b }' >>"$work/ratios"
  done
  sort -n "$work/ratios" | awk '{a[NR]=$1} END {printf "  throughput with budgets / without: median %.2f (range %.2f-%.2f, %d rounds)\n", a[int((NR+1)/2)], a[1], a[NR], NR}'
  python3 - "$work/plain.json" "$work/budgets.json" <<'PY'
import json, sys
plain, budgets = (json.load(open(p)) for p in sys.argv[1:])
assert plain["toolCalls"]["evaluated"] == budgets["toolCalls"]["evaluated"], "the two replays read different calls"
counts = {}
for entry in budgets["pacts"]:  # one entry per (agent, pact)
    for b in entry.get("budgets", []):
        counts[b["name"]] = counts.get(b["name"], 0) + b["breaches"]
assert counts and all(v > 0 for v in counts.values()), f"a budget never breached: {counts}"
print("  check: evaluated", budgets["toolCalls"]["evaluated"], "invalid without budgets", plain["toolCalls"]["invalid"],
      "with", budgets["toolCalls"]["invalid"], "breaches", counts)
PY
done
