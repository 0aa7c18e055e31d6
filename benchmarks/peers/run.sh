#!/usr/bin/env bash
# The shared peer benchmark (../shared/bench/peers) with this checkout's engine in its PACTS_ENGINE_CMD slot (issue
# #20): treasury-v1 through ajv, two CEL libraries, Cedar, five hand-written C# variants and Pacts, one run, ratios
# per round. Works on copies: the peers folder is copied to a temp dir (its npm install, builds and results land
# there) and the adapter builds against a clone of this repository's HEAD, so neither tree is written.
# Usage: benchmarks/peers/run.sh [ROUNDS] (default 3; PEERS_ONLY etc. pass through). Prints the table and keeps
# it in benchmarks/results/peers-<UTC time>.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
rounds=${1:-3}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp -r ../shared/bench/peers "$work/peers"
rm -rf "$work/peers/node_modules" "$work/peers/results"
git clone -q "$repo" "$work/pacts"
dotnet build "$work/peers/engines/pacts/Pacts.PeerBench.csproj" -c Release -nologo -v q -p:PactsRoot="$work/pacts" >"$work/adapter-build.log" 2>&1 \
  || { cat "$work/adapter-build.log"; exit 1; }
(cd "$work/peers" && PEERS_ROUNDS="$rounds" PACTS_ENGINE_CMD="dotnet $work/peers/engines/pacts/bin/Release/net10.0/Pacts.PeerBench.dll" ./run.sh)
table=$(ls -d "$work"/peers/results/*/ | tail -n 1)table.md
out="benchmarks/results/peers-$(date -u +%Y%m%dT%H%M%SZ).md"
{ echo "Commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ), PEERS_ROUNDS=$rounds, load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"; echo; cat "$table"; } >"$out"
echo "kept in $out"
