# The trivial MCP server the proxy latency benchmark runs (benchmarks/Pacts.Benchmarks/McpProxyBenchmarks.cs):
# answers every request at once with a fixed result, nothing else.
import sys
out = sys.stdout
for line in sys.stdin:
    i = line.find('"id":')
    if i < 0: continue
    j = line.find(',', i)
    out.write('{"jsonrpc":"2.0","id":' + line[i + 5:j] + ',"result":{"content":[{"type":"text","text":"ok"}]}}\n')
    out.flush()
