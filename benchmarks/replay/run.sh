#!/usr/bin/env bash
# Replay throughput: `pacts replay` over a generated 1,000,000-event log (treasury mix), beside
# `jq -c 'select(.type=="tool_call")'` over the same file as the parse-only floor. Prints events/s,
# MB/s and peak working set (max RSS). Usage: benchmarks/replay/run.sh [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-1000000}
work=$(mktemp -d)
bench=../shared/bench/treasury-v1
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
# What `dotnet tool install pacts` puts on linux-x64: the ReadyToRun build (see src/Pacts.Cli/Pacts.Cli.csproj).
dotnet publish src/Pacts.Cli -c Release -r linux-x64 -o "$work/bin" -v q -nologo >/dev/null
# The portable build (every other platform), JIT-compiled at start-up, for comparison.
dotnet build src/Pacts.Cli -c Release -o "$work/jit" -v q -nologo >/dev/null
python3 benchmarks/replay/generate.py "$bench/calls.jsonl" "$work/log.jsonl" "$events"
size=$(stat -c %s "$work/log.jsonl")

measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || true
  read -r secs kb <"$work/time"
  awk -v n="$name" -v s="$secs" -v kb="$kb" -v ev="$events" -v sz="$size" \
    'BEGIN { printf "%-14s %8.2f s  %12.0f events/s  %8.1f MB/s  peak RSS %6.1f MB\n", n, s, ev/s, sz/1e6/s, kb/1024 }'
}

echo "log: $events events, $(awk -v s="$size" 'BEGIN{printf "%.1f", s/1e6}') MB"
measure "pacts replay" "$work/bin/pacts" replay "$work/log.jsonl" --pacts "$bench/treasury.pact.yaml" --format json --fail-on none
measure "  (portable)" "$work/jit/pacts" replay "$work/log.jsonl" --pacts "$bench/treasury.pact.yaml" --format json --fail-on none
measure "jq select" jq -c 'select(.type=="tool_call")' "$work/log.jsonl"
"$work/bin/pacts" replay "$work/log.jsonl" --pacts "$bench/treasury.pact.yaml" --format json --fail-on none \
  | python3 -c 'import json,sys; r=json.load(sys.stdin); t=r["toolCalls"]; print("check: evaluated", t["evaluated"], "invalid", t["invalid"], "malformed", r["malformed"])'

# Cold start of a one-shot pre-flight check (process start to exit), median of 20, per build.
for build in bin jit; do
  for i in $(seq 20); do
    /usr/bin/time -f "%e" -a -o "$work/cold-$build" "$work/$build/pacts" validate-call --pacts "$bench/treasury.pact.yaml" --tool transfer_funds \
      --params '{"destination":"0xA11A000000000000000000000000000000000001","amount":10,"items":[{"sku":"SKU-0001"}]}' >/dev/null
  done
  sort -n "$work/cold-$build" | awk -v b="$build" '{a[NR]=$1} END {printf "validate-call cold start (%s): median %.0f ms (n=%d)\n", b == "bin" ? "ReadyToRun" : "portable", a[int((NR+1)/2)]*1000, NR}'
done
rm -rf "$work"
