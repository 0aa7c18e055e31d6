#!/usr/bin/env bash
# Process-to-process spread (issue #20): starts N fresh processes per variant (default 7), alternating variants, each
# measuring its own steady median for the engine and the hand-written baseline in alternating rounds
# (`Pacts.Benchmarks --process-median pre|sub|raw`). Prints every process's figures and, per variant, slowest /
# fastest for the engine, for the baseline, for their ratio and for the process's memory latency (a pointer chase through
# 8 MB, about the documents' size, and through 64 MB, past the L3), and how the engine's figure
# correlates with each. Usage: benchmarks/spread/run.sh [N] [VARIANTS...]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-7}; shift || true
variants=("$@"); [ ${#variants[@]} -gt 0 ] || variants=(pre sub raw)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
dotnet build benchmarks/Pacts.Benchmarks -c Release -v q -nologo >/dev/null
exe=benchmarks/Pacts.Benchmarks/bin/Release/net10.0/Pacts.Benchmarks
for i in $(seq "$n"); do
  for v in "${variants[@]}"; do
    line=$("$exe" --process-median "$v" | grep '^SPREAD ')
    echo "process $i: ${line#SPREAD }"
    echo "${line#SPREAD }" >>"$work/all.jsonl"
  done
done
python3 - "$work/all.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for v in dict.fromkeys(r["variant"] for r in rows):
    rs = [r for r in rows if r["variant"] == v]
    def line(key):
        xs = sorted(r[key] for r in rs)
        return f"{key} median {statistics.median(xs):.3g} (min {xs[0]:.3g}, max {xs[-1]:.3g}), slowest/fastest {xs[-1] / xs[0]:.2f}"
    print(f"{v} ({len(rs)} processes): " + "; ".join(line(k) for k in ("engineNs", "handNs", "ratio", "chase8MbNs")))
    if len(rs) > 2:
        e = [r["engineNs"] for r in rs]
        corr = lambda k: statistics.correlation(e, [r[k] for r in rs]) if len({r[k] for r in rs}) > 1 else float("nan")
        print(f"  correlation of the engine's per-process median with the hand-written code's {corr('handNs'):.2f},"
              f" with the process's 8 MB pointer chase {corr('chase8MbNs'):.2f}, with its 64 MB chase {corr('chase64MbNs'):.2f}")
PY
