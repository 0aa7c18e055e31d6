using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Pacts.Server;

namespace Pacts.Benchmarks;

/// <summary>
/// Load on loopback (not a test): the real service on 127.0.0.1 with a fresh data directory, driven by
/// HttpClient workers at several concurrency levels for a fixed number of requests. Reports requests/s and
/// p50/p99 latency for validate-call and for ingest (batches of 10 events, each durable before its 200).
/// </summary>
internal static class ServiceLoad
{
    public static async Task RunAsync(int requests)
    {
        var data = Directory.CreateTempSubdirectory("pacts-load-").FullName;
        var pacts = Path.Combine(Workload.Dir, "treasury.pact.yaml");
        var app = PactsServer.Build(["--pacts", pacts, "--data", data, "--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        try
        {
            var key = app.Services.GetRequiredService<KeyStore>().Add("load").Key;
            var address = app.Urls.First();
            var calls = Workload.RawParams.Take(1000).Select(p => $"{{\"tool\":\"transfer_funds\",\"params\":{Encoding.UTF8.GetString(p)}}}").ToArray();
            Console.WriteLine($"service at {address}, {requests} requests per level");
            Console.WriteLine("| endpoint | concurrency | requests/s | p50 ms | p99 ms |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            foreach (var concurrency in new[] { 1, 4, 16, 64 })
            {
                await Level("validate-call", address, key, concurrency, requests, i =>
                    ("/api/v1/pacts/bench-treasury/validate-call", calls[i % calls.Length]));
            }

            foreach (var concurrency in new[] { 1, 4, 16, 64 })
            {
                var run = concurrency;
                await Level("ingest (10 events)", address, key, concurrency, requests / 4, i => ("/api/v1/telemetry/events", Batch(run, i, calls)));
            }

            var verification = app.Services.GetRequiredService<SqliteLedgerStore>().Verify();
            Console.WriteLine($"ledger after load: {verification.Records} records, verifies: {verification.Ok}");
        }
        finally
        {
            await app.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, true);
        }
    }

    private static string Batch(int run, int i, string[] calls)
    {
        var sb = new StringBuilder("{\"events\":[");
        var sid = $"load-{run}-{i}";
        sb.Append($$"""{"type":"session_start","sessionId":"{{sid}}","agentId":"load","startedAt":"2026-11-21T08:00:00Z","pactId":"bench-treasury"}""");
        for (var k = 0; k < 9; k++)
        {
            var p = calls[(i * 9 + k) % calls.Length];
            var paramsJson = p[(p.IndexOf("\"params\":", StringComparison.Ordinal) + 9)..^1];
            sb.Append($$""",{"type":"tool_call","sessionId":"{{sid}}","agentId":"load","tool":"transfer_funds","params":{{paramsJson}},"outcome":"success","attemptedAt":"2026-11-21T08:00:0{{k}}Z"}""");
        }

        return sb.Append("]}").ToString();
    }

    private static async Task Level(string name, string address, string key, int concurrency, int total, Func<int, (string Path, string Body)> request)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Pact-Key", key);
        var latencies = new double[total];
        var next = -1;
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(60);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total && clock.Elapsed < deadline)
            {
                var (path, body) = request(i);
                var start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"{name}: HTTP {(int)response.StatusCode}");
                }

                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }));
        var done = Math.Min(total, next);
        var sorted = latencies.Take(done).Order().ToArray();
        Console.WriteLine($"| {name} | {concurrency} | {done / clock.Elapsed.TotalSeconds:F0} | {sorted[(int)Math.Ceiling(0.5 * sorted.Length) - 1]:F2} | {sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1]:F2} |");
    }
}
