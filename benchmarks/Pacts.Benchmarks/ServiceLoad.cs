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
    private static readonly int[] LoadLevels = [1, 4, 16, 64];
    private static readonly int[] IngestLevels = [1, 16, 64];

    public static Task RunAsync(int requests) =>
        WithService("pacts-load-", [], async (address, key, calls) =>
        {
            Console.WriteLine($"service at {address}, {requests} requests per level");
            Console.WriteLine("| endpoint | concurrency | requests/s | p50 ms | p99 ms |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            foreach (var concurrency in LoadLevels)
            {
                await Level("validate-call", address, key, concurrency, requests, i =>
                    ("/api/v1/pacts/bench-treasury/validate-call", calls[i % calls.Length]));
            }

            foreach (var concurrency in LoadLevels)
            {
                var run = concurrency;
                await Level("ingest (10 events)", address, key, concurrency, requests / 4, i => ("/api/v1/telemetry/events", Batch(run, i, calls)));
            }
        });

    /// <summary>Runs <paramref name="load"/> against the real service on a loopback port with a fresh data directory, then verifies its ledger.</summary>
    private static async Task WithService(string prefix, string[] more, Func<string, string, string[], Task> load, Action<string, string[]>? before = null)
    {
        var data = Directory.CreateTempSubdirectory(prefix).FullName;
        var pacts = Path.Combine(Workload.Dir, "treasury.pact.yaml");
        var calls = Workload.RawParams.Take(1000).Select(p => $"{{\"tool\":\"transfer_funds\",\"params\":{Encoding.UTF8.GetString(p)}}}").ToArray();
        before?.Invoke(data, calls);
        var app = PactsServer.Build(["--pacts", pacts, "--data", Path.Combine(data, "service"), "--urls", "http://127.0.0.1:0", .. more]);
        await app.StartAsync();
        try
        {
            await load(app.Urls.First(), app.Services.GetRequiredService<KeyStore>().Add("load").Key, calls);
            var verification = await app.Services.GetRequiredService<ILedgerStore>().VerifyAsync();
            Console.WriteLine($"ledger after load: {verification.Records} records, verifies: {verification.Ok}");
        }
        finally
        {
            await app.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, true);
        }
    }

    /// <summary>
    /// Durable ingest throughput (issue #23): batches of 25 events (a session start and 24 tool calls) at concurrency
    /// 1, 16 and 64 over loopback, each answered only once durable; and in the same run the hand-written baseline, a
    /// bare insert loop over the same bodies into a SQLite file with the same durability (WAL, synchronous=FULL, one
    /// transaction per batch). Prints events/s and p50/p99 latency per level.
    /// </summary>
    public static Task IngestAsync(int batches, string? postgres = null) =>
        WithService("pacts-ingest-load-", postgres is null ? ["--log-level", "warning"] : ["--log-level", "warning", "--store", "postgres", "--connection", postgres], async (address, key, calls) =>
        {
            foreach (var concurrency in IngestLevels)
            {
                var run = concurrency;
                await Level("pacts serve ingest", address, key, concurrency, batches, i => ("/api/v1/telemetry/events", Batch(run, i, calls, 24)), eventsPerRequest: 25);
            }
        }, (data, calls) =>
        {
            Console.WriteLine($"{batches} batches of 25 events per level; {Environment.ProcessorCount} cores; store {(postgres is null ? "sqlite" : "postgres")}");
            Console.WriteLine("| what | concurrency | durable events/s | p50 ms | p99 ms |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            if (postgres is null)
            {
                Baseline(data, batches, calls);
            }
            else
            {
                PostgresBaseline(postgres, batches, calls);
            }
        });

    /// <summary>
    /// Where an ingest's time goes without HTTP: the same batches straight into an <see cref="Ingestor"/> over a fresh
    /// SQLite ledger (parse of the body done beforehand), at concurrency 1 and 16, durable events/s; and the same
    /// batches judged by a pact alone (no ledger), to split judging from storing.
    /// </summary>
    public static async Task InProcessAsync(int batches)
    {
        var dir = Directory.CreateTempSubdirectory("pacts-ingest-inproc-").FullName;
        var calls = Workload.RawParams.Take(1000).Select(p => $"{{\"tool\":\"transfer_funds\",\"params\":{Encoding.UTF8.GetString(p)}}}").ToArray();
        var set = PactSet.Load(Workload.Dir);
        try
        {
            foreach (var concurrency in new[] { 1, 16 })
            {
                using var store = new SqliteLedgerStore(Path.Combine(dir, $"c{concurrency}"));
                using var ingestor = new Ingestor(store);
                var docs = Enumerable.Range(0, batches).Select(i => System.Text.Json.JsonDocument.Parse(Batch(concurrency, i, calls, 24))).ToArray();
                var next = -1;
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < batches)
                    {
                        await ingestor.IngestAsync(docs[i].RootElement.GetProperty("events"), set, Pact.MaxParamsDepth);
                    }
                })));
                Console.WriteLine($"| Ingestor in process (no HTTP) | {concurrency} | {batches * 25 / clock.Elapsed.TotalSeconds:F0} | | |");
                foreach (var d in docs)
                {
                    d.Dispose();
                }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// A fresh schema on the PostgreSQL of <c>PACTS_CONNECTION</c> (<c>--ingest-load N --store postgres</c>), so the
    /// service's ledger and the baseline's table start empty; its connection string.
    /// </summary>
    public static string PostgresSchema(string server)
    {
        var schema = "bench_" + Guid.NewGuid().ToString("N");
        using var c = new Npgsql.NpgsqlConnection(server);
        c.Open();
        using var cmd = new Npgsql.NpgsqlCommand($"CREATE SCHEMA {schema}", c);
        cmd.ExecuteNonQuery();
        return new Npgsql.NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ToString();
    }

    /// <summary>The bare loop on PostgreSQL: the same bodies, 25 inserts to a transaction, each commit acknowledged (synchronous commit).</summary>
    private static void PostgresBaseline(string connection, int batches, string[] calls)
    {
        using var c = new Npgsql.NpgsqlConnection(connection);
        c.Open();
        using (var setup = new Npgsql.NpgsqlCommand("CREATE TABLE baseline (seq BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)", c))
        {
            setup.ExecuteNonQuery();
        }

        BareLoop("bare insert loop, postgres (baseline)", batches, calls, body =>
        {
            using var tx = c.BeginTransaction();
            using var batch = new Npgsql.NpgsqlBatch(c, tx);
            for (var k = 0; k < 25; k++)
            {
                var insert = new Npgsql.NpgsqlBatchCommand("INSERT INTO baseline (body) VALUES (@b)");
                insert.Parameters.Add(new Npgsql.NpgsqlParameter<string>("b", body)); // the batch's bytes, once per event
                batch.BatchCommands.Add(insert);
            }

            batch.ExecuteNonQuery(); // one round trip, as the store sends a group's inserts
            tx.Commit();
        });
    }

    /// <summary>The bare loop: the same batches' bodies inserted 25 to a transaction, each committed with a full fsync.</summary>
    private static void Baseline(string dir, int batches, string[] calls)
    {
        var path = Path.Combine(dir, "baseline.db");
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        c.Open();
        using (var setup = c.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE events (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);";
            setup.ExecuteNonQuery();
        }

        BareLoop("bare insert loop (baseline)", batches, calls, body =>
        {
            using var tx = c.BeginTransaction();
            using var insert = c.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO events (body) VALUES ($b)";
            var b = insert.Parameters.Add("$b", Microsoft.Data.Sqlite.SqliteType.Text);
            for (var k = 0; k < 25; k++)
            {
                b.Value = body; // the batch's bytes, once per event: the same volume as the service writes
                insert.ExecuteNonQuery();
            }

            tx.Commit();
        });
    }

    /// <summary>A baseline's loop: each batch's body handed to <paramref name="commit"/> in turn, timed; one table row printed.</summary>
    private static void BareLoop(string name, int batches, string[] calls, Action<string> commit)
    {
        var bodies = Enumerable.Range(0, batches).Select(i => Batch(0, i, calls, 24)).ToArray();
        var latencies = new double[batches];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < batches; i++)
        {
            var start = Stopwatch.GetTimestamp();
            commit(bodies[i]);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        var sorted = latencies.Order().ToArray();
        Console.WriteLine($"| {name} | 1 | {batches * 25 / clock.Elapsed.TotalSeconds:F0} | {sorted[(int)Math.Ceiling(0.5 * sorted.Length) - 1]:F2} | {sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1]:F2} |");
    }

    private static string Batch(int run, int i, string[] calls, int toolCalls = 9)
    {
        var sb = new StringBuilder("{\"events\":[");
        var sid = $"load-{run}-{i}";
        sb.Append($$"""{"type":"session_start","sessionId":"{{sid}}","agentId":"load","startedAt":"2026-11-21T08:00:00Z","pactId":"bench-treasury"}""");
        for (var k = 0; k < toolCalls; k++)
        {
            var p = calls[(i * toolCalls + k) % calls.Length];
            var paramsJson = p[(p.IndexOf("\"params\":", StringComparison.Ordinal) + 9)..^1];
            sb.Append($$""",{"type":"tool_call","sessionId":"{{sid}}","agentId":"load","tool":"transfer_funds","params":{{paramsJson}},"outcome":"success","attemptedAt":"2026-11-21T08:00:{{k:00}}Z"}""");
        }

        return sb.Append("]}").ToString();
    }

    private static async Task Level(string name, string address, string key, int concurrency, int total, Func<int, (string Path, string Body)> request, int eventsPerRequest = 1)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Pact-Key", key);
        var latencies = new double[total];
        var next = -1;
        // Bodies made and encoded before the clock starts: the generator shares the cores with the service.
        var prepared = Enumerable.Range(0, total).Select(request).Select(r => (r.Path, Bytes: Encoding.UTF8.GetBytes(r.Body))).ToArray();
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(60);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total && clock.Elapsed < deadline)
            {
                var (path, body) = prepared[i];
                var start = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new("application/json");
                using var response = await http.PostAsync(path, content);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"{name}: HTTP {(int)response.StatusCode}");
                }

                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }));
        var done = Math.Min(total, next);
        var sorted = latencies.Take(done).Order().ToArray();
        Console.WriteLine($"| {name} | {concurrency} | {done * eventsPerRequest / clock.Elapsed.TotalSeconds:F0} | {sorted[(int)Math.Ceiling(0.5 * sorted.Length) - 1]:F2} | {sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1]:F2} |");
    }
}
