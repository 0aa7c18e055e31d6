using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Pacts.Testing.Shared;

namespace Pacts.Cli.Tests;

/// <summary>
/// Real `pacts serve` processes sharing one PostgreSQL ledger (<see cref="PostgresCluster"/>, a fresh schema): one chain
/// in one order across instances, keys made once and honoured by both, one signing key, and an instance killed with
/// SIGKILL mid-ingest losing no acknowledged event and leaving no gap or fork.
/// </summary>
public class ServePostgresTests
{
    [Fact]
    public async Task Two_instances_keep_one_chain_and_a_killed_one_loses_nothing_it_acknowledged()
    {
        var connection = PostgresCluster.NewSchema();
        var state = Directory.CreateTempSubdirectory("pacts-pg-e2e-").FullName;
        var (a, b) = ((Process?)null, (Process?)null);
        try
        {
            string[] store = ["--store", "postgres", "--connection", connection];
            var key = CliRunner.Run(["keys", "add", "--description", "fleet", .. store]).Out.Trim();
            Assert.StartsWith("pk_", key, StringComparison.Ordinal);
            var signingKey = Path.Combine(state, "shared.pem");
            Assert.Equal(0, CliRunner.Run("ledger", "keygen", signingKey).Exit);

            var (portA, portB) = (ServeEndToEndTests.FreePort(), ServeEndToEndTests.FreePort());
            a = ServeEndToEndTests.Start(Dir(state, "a"), portA, more: [.. store, "--signing-key", signingKey]);
            b = ServeEndToEndTests.Start(Dir(state, "b"), portB, more: [.. store, "--signing-key", signingKey]);
            using var httpA = Client(portA, key);
            using var httpB = Client(portB, key);
            await ServeEndToEndTests.WaitHealthy(httpA);
            await ServeEndToEndTests.WaitHealthy(httpB);

            // Both instances take batches at once; A is killed 300 ms after its first acknowledgement.
            var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
            var killed = a;
            var toA = Task.Run(async () =>
            {
                Task? killer = null;
                for (var i = 0; i < 100_000 && killer?.IsCompleted != true; i++)
                {
                    if (!await Post(httpA, $"a-{i}", acknowledged))
                    {
                        break;
                    }

                    killer ??= Task.Run(async () =>
                    {
                        await Task.Delay(300);
                        killed.Kill(entireProcessTree: true);
                    });
                }

                await killer!;
            });
            var toB = Task.Run(async () =>
            {
                for (var i = 0; !toA.IsCompleted || i < 20; i++)
                {
                    Assert.True(await Post(httpB, $"b-{i}", acknowledged), "instance B stopped answering");
                }
            });
            await Task.WhenAll(toA, toB);
            a.WaitForExit(10_000);

            Assert.Contains(acknowledged, s => s.StartsWith("a-", StringComparison.Ordinal));
            Assert.Contains(acknowledged, s => s.StartsWith("b-", StringComparison.Ordinal));
            var verify = CliRunner.Run(["ledger", "verify", .. store]);
            Assert.True(verify.Exit == 0, verify.Out + verify.Err);
            var export = CliRunner.Run(["ledger", "export", .. store]).Out;
            var sessions = export.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("sessionId").GetString()!).ToHashSet(StringComparer.Ordinal);
            Assert.All(acknowledged, sid => Assert.Contains(sid, sessions));

            // The surviving instance answers for everything, and signs with the shared key.
            var trust = JsonDocument.Parse(await httpB.GetStringAsync("/api/v1/trust/fleet")).RootElement;
            Assert.True(trust.GetProperty("toolCalls").GetInt32() >= acknowledged.Count);
            var checkpoint = Path.Combine(state, "checkpoint.json");
            await File.WriteAllTextAsync(checkpoint, await httpB.GetStringAsync("/api/v1/ledger/checkpoint"));
            var publicKey = Path.Combine(state, "public.pem");
            await File.WriteAllTextAsync(publicKey, CliRunner.Run("ledger", "public-key", "--signing-key", signingKey).Out);
            var signed = CliRunner.Run(["ledger", "verify", .. store, "--checkpoint", checkpoint, "--public-key", publicKey]);
            Assert.True(signed.Exit == 0, signed.Out + signed.Err);
            Assert.Contains("nothing removed up to", signed.Out, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var p in new[] { a, b })
            {
                if (p is { HasExited: false })
                {
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit(10_000);
                }

                p?.Dispose();
            }

            PostgresCluster.DropSchema(connection);
            TempDirs.Remove(state);
        }
    }

    [Fact]
    public void Serve_refuses_to_start_on_a_database_it_cannot_reach_with_one_line_and_exit_2()
    {
        var line = RefusedAtStart(state =>
            ["--store", "postgres", "--connection", $"Host=127.0.0.1;Port={ServeEndToEndTests.FreePort()};Username=u;Password=hunter2;Timeout=3",
             "--signing-key", Path.Combine(state, "k.pem")]);
        Assert.StartsWith("pacts: error: the ledger at postgres://127.0.0.1:", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_on_postgres_without_a_shared_signing_key_is_refused()
    {
        var line = RefusedAtStart(_ => ["--store", "postgres", "--connection", "Host=127.0.0.1"], noKeyMade: true);
        Assert.Equal("pacts: error: --store postgres needs --signing-key FILE (or PACTS_SIGNING_KEY), the one key every instance shares; make it once with `pacts ledger keygen FILE`", line);
    }

    /// <summary>Starts `pacts serve` with <paramref name="args"/> on a fresh state directory; asserts exit 2 and returns its one stderr line.</summary>
    private static string RefusedAtStart(Func<string, string[]> args, bool noKeyMade = false)
    {
        var state = Directory.CreateTempSubdirectory("pacts-pg-refused-").FullName;
        try
        {
            var stderr = new List<string>();
            using var p = ServeEndToEndTests.Start(state, ServeEndToEndTests.FreePort(), stderr: stderr, more: args(state));
            Assert.True(p.WaitForExit(30_000));
            Assert.Equal(2, p.ExitCode);
            if (noKeyMade)
            {
                Assert.False(File.Exists(Path.Combine(state, "signing-key.pem")));
            }

            lock (stderr)
            {
                return Assert.Single(stderr, l => l.Length > 0);
            }
        }
        finally
        {
            TempDirs.Remove(state);
        }
    }

    private static string Dir(string state, string name) => Directory.CreateDirectory(Path.Combine(state, name)).FullName;

    private static HttpClient Client(int port, string key)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add("X-Pact-Key", key);
        return http;
    }

    /// <summary>Posts one session's batch; true when it was acknowledged (200), false once the instance is gone.</summary>
    private static async Task<bool> Post(HttpClient http, string sid, System.Collections.Concurrent.ConcurrentBag<string> acknowledged)
    {
        var body = $$"""{"events":[{"type":"session_start","sessionId":"{{sid}}","agentId":"fleet","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"},{"type":"tool_call","sessionId":"{{sid}}","agentId":"fleet","tool":"get_balance","params":{"wallet":"0xA11A000000000000000000000000000000000001"},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}]}""";
        try
        {
            var r = await http.PostAsync("/api/v1/telemetry/events", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            acknowledged.Add(sid);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
