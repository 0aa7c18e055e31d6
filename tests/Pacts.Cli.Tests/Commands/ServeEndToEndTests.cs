using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Pacts.Cli.Tests;

/// <summary>The real `pacts serve` process on a loopback port: driven over HTTP, killed with SIGKILL mid-ingest, restarted.</summary>
public class ServeEndToEndTests
{
    [Fact]
    public async Task Serve_ingests_over_http_and_survives_sigkill_with_every_acknowledged_event()
    {
        var data = Directory.CreateTempSubdirectory("pacts-e2e-").FullName;
        try
        {
            var key = CliRunner.Run("keys", "add", "--data", data, "--description", "e2e").Out.Trim();
            Assert.StartsWith("pk_", key, StringComparison.Ordinal);
            var acknowledged = new List<string>();
            var port = FreePort();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Add("X-Pact-Key", key);

            var server = Start(data, port);
            try
            {
                await WaitHealthy(http);
                var call = """{"tool":"transfer_funds","agentId":"atlas","params":{"destination":"0xEVIL","amount":1,"currency":"USDC"}}""";
                var verdict = await http.PostAsync("/api/v1/pacts/treasury-pact/validate-call", new StringContent(call, Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, verdict.StatusCode);

                // Ingest until the process is killed under us (SIGKILL 300 ms after the first acknowledged
                // batch, so a slow machine still gets some in); remember every batch that got its 200.
                Task? killer = null;
                for (var i = 0; i < 100_000 && killer?.IsCompleted != true; i++)
                {
                    var sid = $"e2e-{i}";
                    var body = $$"""{"events":[{"type":"session_start","sessionId":"{{sid}}","agentId":"e2e","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"},{"type":"tool_call","sessionId":"{{sid}}","agentId":"e2e","tool":"get_balance","params":{"wallet":"0xA11A000000000000000000000000000000000001"},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}]}""";
                    try
                    {
                        var r = await http.PostAsync("/api/v1/telemetry/events", new StringContent(body, Encoding.UTF8, "application/json"));
                        if (r.StatusCode == HttpStatusCode.OK)
                        {
                            acknowledged.Add(sid);
                            killer ??= Task.Run(async () =>
                            {
                                await Task.Delay(300);
                                server.Kill(entireProcessTree: true);
                            });
                        }
                    }
                    catch (HttpRequestException)
                    {
                        break;
                    }
                    catch (TaskCanceledException)
                    {
                        break;
                    }
                }

                await killer!;
                server.WaitForExit(10_000);
            }
            finally
            {
                if (!server.HasExited)
                {
                    server.Kill(entireProcessTree: true);
                }
            }

            Assert.NotEmpty(acknowledged);
            var verify = CliRunner.Run("ledger", "verify", "--data", data);
            Assert.Equal(0, verify.Exit);
            var export = CliRunner.Run("ledger", "export", "--data", data).Out;
            foreach (var sid in acknowledged)
            {
                Assert.Contains($"\"sessionId\":\"{sid}\"", export, StringComparison.Ordinal);
            }

            // And it starts again on the same data.
            var again = Start(data, port);
            try
            {
                await WaitHealthy(http);
                var trust = JsonDocument.Parse(await http.GetStringAsync("/api/v1/trust/e2e"));
                Assert.True(trust.RootElement.GetProperty("toolCalls").GetInt32() >= acknowledged.Count);

                // SIGTERM is a graceful stop: the host drains and the process exits 0.
                using (var term = Process.Start("kill", ["-TERM", again.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    term.WaitForExit();
                }

                Assert.True(again.WaitForExit(30_000), "pacts serve did not stop within 30 s of SIGTERM");
                Assert.Equal(0, again.ExitCode);
            }
            finally
            {
                if (!again.HasExited)
                {
                    again.Kill(entireProcessTree: true);
                    again.WaitForExit(10_000);
                }
            }

            Assert.Equal(0, CliRunner.Run("ledger", "verify", "--data", data).Exit);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Pacts.Testing.Shared.TempDirs.Remove(data);
        }
    }

    [Fact]
    public async Task Trust_takes_agent_ids_with_slashes_and_percent_signs_as_sent()
    {
        // Kestrel's router leaves %2F encoded but decodes %25, so from the routed value `team%2Fatlas` and
        // `team%252Fatlas` would be one id (TestServer does not keep the raw target, hence a real process).
        var data = Directory.CreateTempSubdirectory("pacts-e2e-").FullName;
        var server = (Process?)null;
        try
        {
            var key = CliRunner.Run("keys", "add", "--data", data, "--description", "e2e").Out.Trim();
            var port = FreePort();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Add("X-Pact-Key", key);
            server = Start(data, port);
            await WaitHealthy(http);

            string[] ids = ["team/atlas", "team%2Fatlas", "spiffe://prod/é"];
            var events = string.Join(",", ids.Select((id, i) => string.Join(",", Enumerable.Range(0, i + 1).Select(k =>
                $$"""{"type":"tool_call","sessionId":"t-{{i}}-{{k}}","agentId":{{JsonSerializer.Serialize(id)}},"tool":"get_balance","params":{},"outcome":"success","attemptedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}"""))));
            var ingest = await http.PostAsync("/api/v1/telemetry/events", new StringContent($$"""{"events":[{{events}}]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, ingest.StatusCode);

            async Task<int> Calls(string path)
            {
                var response = await http.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                return doc.RootElement.GetProperty("toolCalls").GetInt32();
            }

            Assert.Equal(1, await Calls("/api/v1/trust/team%2Fatlas"));
            Assert.Equal(1, await Calls("/api/v1/trust/team/atlas"));
            Assert.Equal(2, await Calls("/api/v1/trust/team%252Fatlas"));
            Assert.Equal(3, await Calls($"/api/v1/trust/{Uri.EscapeDataString(ids[2])}?x=1"));
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v1/trust/team%2Fnobody")).StatusCode);

            // Dot segments sent as they are (HttpClient would resolve them itself): resolved before the id is decoded.
            Assert.Contains("\"toolCalls\":1", await RawGet(port, key, "/api/v1/trust/x/../team%2Fatlas"), StringComparison.Ordinal);
            Assert.Contains("\"toolCalls\":2", await RawGet(port, key, "/api/v1/trust/./team%252Fatlas"), StringComparison.Ordinal);
        }
        finally
        {
            server?.Kill(entireProcessTree: true);
            server?.WaitForExit();
            Pacts.Testing.Shared.TempDirs.Remove(data);
        }
    }

    [Fact]
    public async Task Serve_refuses_to_start_on_a_ledger_damaged_mid_file()
    {
        // With damage mid-file the service used to start, then answer /trust with 500.
        var data = Directory.CreateTempSubdirectory("pacts-e2e-").FullName;
        try
        {
            using (var ledger = new Pacts.Server.SqliteLedgerStore(data))
            {
                for (var i = 0; i < 60; i++)
                {
                    var entries = Enumerable.Range(0, 5).Select(k => new Pacts.Server.LedgerEntry(
                        $$"""{"type":"session_start","sessionId":"s{{i}}-{{k}}","agentId":"agent-{{i}}","startedAt":"2026-11-21T08:00:00Z"}""", null)).ToList();
                    await ledger.AppendAsync(entries);
                }
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var file = Path.Combine(data, Pacts.Server.SqliteLedgerStore.FileName);
            var bytes = File.ReadAllBytes(file);
            Array.Fill(bytes, (byte)0x5A, bytes.Length / 2, 8192);
            File.WriteAllBytes(file, bytes);

            var stderr = new List<string>();
            using var server = Start(data, FreePort(), stderr: stderr);
            if (!server.WaitForExit(30_000))
            {
                server.Kill(entireProcessTree: true);
                Assert.Fail("pacts serve started on a damaged ledger");
            }

            server.WaitForExit();
            Assert.Equal(2, server.ExitCode);
            var line = Assert.Single(stderr, l => l.Length > 0);
            Assert.StartsWith($"pacts: error: the ledger file {file} is damaged (", line, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Pacts.Testing.Shared.TempDirs.Remove(data);
        }
    }

    [Fact]
    public async Task Serve_logs_one_timestamped_line_per_request_and_never_a_key_or_a_param_value()
    {
        var data = Directory.CreateTempSubdirectory("pacts-e2e-").FullName;
        var stdout = new List<string>();
        Process? server = null;
        try
        {
            var key = CliRunner.Run("keys", "add", "--data", data, "--description", "e2e").Out.Trim();
            var port = FreePort();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Add("X-Pact-Key", key);
            server = Start(data, port, stdout);
            await WaitHealthy(http);
            var ingest = $$"""{"events":[{"type":"tool_call","sessionId":"log-1","agentId":"log-agent","tool":"transfer_funds","params":{"destination":"0xSECRETVALUE","amount":9999999,"currency":"USDC"},"outcome":"success","attemptedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"},{"type":"nope"}]}""";
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/v1/telemetry/events", new StringContent(ingest, Encoding.UTF8, "application/json"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/trust/log-agent")).StatusCode);
            using (var term = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                term.WaitForExit();
            }

            Assert.True(server.WaitForExit(30_000));
            server.WaitForExit();
            string[] lines;
            lock (stdout)
            {
                lines = [.. stdout.Where(l => l.Length > 0)];
            }

            var logs = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.All(logs, l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", l.GetProperty("Timestamp").GetString()));
            Assert.Contains(logs, l => l.GetProperty("Message").GetString()!.StartsWith("Now listening on", StringComparison.Ordinal)); // start-up lines too
            var ingestLine = Assert.Single(logs, l => l.GetProperty("Category").GetString() == "Pacts.Server.Requests" && l.GetProperty("State").GetProperty("Path").GetString() == "/api/v1/telemetry/events");
            var state = ingestLine.GetProperty("State");
            Assert.Equal(("POST", 200, 1, 1, "critical"), (state.GetProperty("Method").GetString(), state.GetProperty("Status").GetInt32(), state.GetProperty("Accepted").GetInt32(), state.GetProperty("Rejected").GetInt32(), state.GetProperty("WorstSeverity").GetString()));
            Assert.True(state.GetProperty("LatencyMs").GetDouble() >= 0);
            Assert.Contains(logs, l => l.GetProperty("Category").GetString() == "Pacts.Server.Requests" && l.GetProperty("State").GetProperty("Path").GetString() == "/api/v1/trust/log-agent");
            var all = string.Join("\n", lines);
            Assert.DoesNotContain(key, all, StringComparison.Ordinal);
            Assert.DoesNotContain(key[(key.IndexOf('_', 3) + 1)..], all, StringComparison.Ordinal); // the secret alone
            Assert.DoesNotContain("0xSECRETVALUE", all, StringComparison.Ordinal);
            Assert.DoesNotContain("9999999", all, StringComparison.Ordinal);
        }
        finally
        {
            if (server is { HasExited: false })
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit();
            }

            server?.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Pacts.Testing.Shared.TempDirs.Remove(data);
        }
    }

    /// <summary>A GET with the request target exactly as given (no client-side normalisation), returning the response text.</summary>
    private static async Task<string> RawGet(int port, string key, string target)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pact-Key: {key}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    internal static Process Start(string data, int port, List<string>? stdout = null, List<string>? stderr = null, params string[] more)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "pacts.dll");
        var psi = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "serve", "--pacts", Path.Combine(CliRunner.RepoRoot, "examples", "pacts"), "--data", data, "--urls", $"http://127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in more)
        {
            psi.ArgumentList.Add(arg);
        }

        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => Collect(stdout, e.Data);
        p.ErrorDataReceived += (_, e) => Collect(stderr, e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static void Collect(List<string>? lines, string? line)
    {
        if (lines is not null && line is not null)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }

    internal static async Task WaitHealthy(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await http.GetAsync("/api/v1/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("pacts serve did not become healthy in 30 s");
    }

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
