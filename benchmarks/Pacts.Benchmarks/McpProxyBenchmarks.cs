using System.Diagnostics;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Pacts.Benchmarks;

/// <summary>
/// `pacts mcp` latency (issue #22): one JSON-RPC round trip per operation, a line written and its answer read, between
/// this process and a trivial echo server (benchmarks/mcp/echo_server.py), directly (the baseline) and through the
/// proxy enforcing benchmarks/mcp/echo.pact.yaml. Each iteration is one round trip (Monitoring, one invocation), so the
/// statistics are over single round trips: Median and P99 (column below). The proxy is the Release build of the CLI
/// (src/Pacts.Cli/bin/Release/net10.0/pacts.dll; build it first).
/// </summary>
[Config(typeof(Columns))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 300, iterationCount: 3000, invocationCount: 1)]
public class McpProxyBenchmarks
{
    private Endpoint _direct = null!;
    private Endpoint _proxied = null!;
    private int _id;

    [GlobalSetup]
    public void Setup() => (_direct, _proxied) = Start();

    /// <summary>
    /// The same five round trips interleaved (one of each per round, in turn, so drift on the machine falls on all
    /// alike), in one process: <c>Pacts.Benchmarks --mcp-interleaved [ROUNDS]</c>. Prints median, P95 and P99 per row.
    /// </summary>
    public static void Interleaved(int rounds)
    {
        var (direct, proxied) = Start();
        try
        {
            var id = 100;
            (string Name, Func<byte[]> Trip)[] rows =
            [
                ("tools/call, direct", () => direct.RoundTrip(Call(++id))),
                ("tools/call, through pacts mcp", () => proxied.RoundTrip(Call(++id))),
                ("ping, direct", () => direct.RoundTrip(Ping(++id))),
                ("ping, through pacts mcp", () => proxied.RoundTrip(Ping(++id))),
                ("tools/call blocked by pacts mcp", () => proxied.RoundTrip(Blocked(++id))),
            ];
            var times = rows.Select(_ => new double[rounds]).ToArray();
            for (var round = -500; round < rounds; round++)
            {
                for (var r = 0; r < rows.Length; r++)
                {
                    var started = Stopwatch.GetTimestamp();
                    _ = rows[r].Trip();
                    if (round >= 0)
                    {
                        times[r][round] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                    }
                }
            }

            Console.WriteLine($"{rounds:N0} rounds, interleaved; μs per round trip");
            Console.WriteLine("| round trip | median | P95 | P99 |");
            Console.WriteLine("|---|---:|---:|---:|");
            for (var r = 0; r < rows.Length; r++)
            {
                var sorted = times[r].Order().ToArray();
                double At(double q) => sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))];
                Console.WriteLine(FormattableString.Invariant($"| {rows[r].Name} | {At(0.5):F1} | {At(0.95):F1} | {At(0.99):F1} |"));
            }
        }
        finally
        {
            direct.Dispose();
            proxied.Dispose();
        }
    }

    private static (Endpoint Direct, Endpoint Proxied) Start()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Pacts.sln")))
        {
            root = root.Parent;
        }

        var repo = root?.FullName ?? throw new InvalidOperationException("cannot find Pacts.sln above the benchmark binary");
        var pacts = Path.Combine(repo, "src", "Pacts.Cli", "bin", "Release", "net10.0", "pacts.dll");
        if (!File.Exists(pacts))
        {
            throw new InvalidOperationException($"{pacts} is missing: dotnet build src/Pacts.Cli -c Release");
        }

        var echo = Path.Combine(repo, "benchmarks", "mcp", "echo_server.py");
        var direct = new Endpoint("python3", ["-u", echo]);
        var proxied = new Endpoint("dotnet", [pacts, "mcp", "--pacts", Path.Combine(repo, "benchmarks", "mcp", "echo.pact.yaml"), "--block-on", "major", "--", "python3", "-u", echo]);
        const string initialize = """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}""";
        direct.RoundTrip(Encoding.UTF8.GetBytes(initialize));
        proxied.RoundTrip(Encoding.UTF8.GetBytes(initialize));
        if (!Encoding.UTF8.GetString(proxied.RoundTrip(Blocked(1))).Contains("\"isError\":true", StringComparison.Ordinal)
            || Encoding.UTF8.GetString(proxied.RoundTrip(Call(2))).Contains("isError", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("the proxy does not block and pass the benchmark's calls as expected");
        }

        return (direct, proxied);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _direct.Dispose();
        _proxied.Dispose();
    }

    private static byte[] Call(int id) => Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","id":{{id}},"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello from the benchmark","repeat":3""" + "}}}");

    private static byte[] Blocked(int id) => Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","id":{{id}},"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello","repeat":30""" + "}}}");

    private static byte[] Ping(int id) => Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","id":{{id}},"method":"ping"}""");

    [Benchmark(Baseline = true, Description = "tools/call, direct")]
    public int DirectCall() => _direct.RoundTrip(Call(++_id)).Length;

    [Benchmark(Description = "tools/call, through pacts mcp")]
    public int ProxiedCall() => _proxied.RoundTrip(Call(++_id)).Length;

    [Benchmark(Description = "ping, direct")]
    public int DirectPing() => _direct.RoundTrip(Ping(++_id)).Length;

    [Benchmark(Description = "ping, through pacts mcp")]
    public int ProxiedPing() => _proxied.RoundTrip(Ping(++_id)).Length;

    [Benchmark(Description = "tools/call blocked by pacts mcp")]
    public int ProxiedBlocked() => _proxied.RoundTrip(Blocked(++_id)).Length;

    /// <summary>Median beside P99 of the single round trips (BenchmarkDotNet's percentile columns stop at P95).</summary>
    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(StatisticColumn.Median, StatisticColumn.P95, new P99Column());
    }

    private sealed class P99Column : IColumn
    {
        public string Id => "P99";

        public string ColumnName => "P99";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Statistics;

        public int PriorityInCategory => 10;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Time;

        public string Legend => "99th percentile of the single round trips";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            summary[benchmarkCase]?.ResultStatistics is { } s ? $"{s.Percentiles.Percentile(99) / 1000:N1} μs" : "-";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }

    /// <summary>A process spoken to in lines over its stdin/stdout.</summary>
    private sealed class Endpoint : IDisposable
    {
        private readonly Process _process;
        private readonly Stream _in;
        private readonly Stream _out;
        private readonly byte[] _buffer = new byte[1 << 16];
        private int _start;
        private int _end;

        public Endpoint(string command, string[] arguments)
        {
            var start = new ProcessStartInfo(command) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in arguments)
            {
                start.ArgumentList.Add(a);
            }

            _process = Process.Start(start)!;
            _in = _process.StandardInput.BaseStream;
            _out = _process.StandardOutput.BaseStream;
        }

        public byte[] RoundTrip(byte[] line)
        {
            _in.Write(line);
            _in.WriteByte((byte)'\n');
            _in.Flush();
            while (true)
            {
                var at = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (at >= 0)
                {
                    var answer = _buffer[_start..at];
                    _start = at + 1;
                    return answer;
                }

                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    (_end, _start) = (_end - _start, 0);
                }

                var read = _out.Read(_buffer, _end, _buffer.Length - _end);
                if (read == 0)
                {
                    throw new InvalidOperationException("the endpoint closed its output");
                }

                _end += read;
            }
        }

        public void Dispose()
        {
            _in.Dispose();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }
    }
}
