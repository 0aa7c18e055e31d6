using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Pacts.Cli.Tests;

/// <summary>
/// `GET /metrics` (SPEC §9 <i>Operations</i>) of the real `pacts serve` process, scraped by a real Prometheus (Debian's
/// `prometheus`, which `.ci/run` installs; `PACTS_PROMETHEUS` names another binary) and read back through its query API.
/// </summary>
public class ServeMetricsTests
{
    private static string PrometheusBinary()
    {
        var named = Environment.GetEnvironmentVariable("PACTS_PROMETHEUS");
        if (!string.IsNullOrEmpty(named))
        {
            return named;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "prometheus");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("these tests scrape with a real Prometheus: apt-get install prometheus (what .ci/run does), or set PACTS_PROMETHEUS");
    }

    private static async Task<double?> Query(HttpClient prometheus, string query)
    {
        var answer = await prometheus.GetFromJsonAsync<JsonElement>("/api/v1/query?query=" + Uri.EscapeDataString(query));
        var result = answer.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 0 ? null : double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
    }

    private static string Transfer(string agent, string session, int i, string destination, int amount) =>
        $$"""{"type":"tool_call","sessionId":"{{session}}","agentId":"{{agent}}","tool":"transfer_funds","params":{"destination":"{{destination}}","amount":{{amount}},"currency":"USDC"},"outcome":"success","attemptedAt":"2026-11-21T08:00:{{i:00}}Z"}""";

    [Fact]
    public async Task A_real_prometheus_scrapes_the_ingest_figures_and_no_agent_id_reaches_a_label()
    {
        var prometheusBinary = PrometheusBinary();
        var data = Directory.CreateTempSubdirectory("pacts-metrics-").FullName;
        var key = CliRunner.Run("keys", "add", "--data", data, "--description", "metrics").Out.Trim();
        var port = ServeEndToEndTests.FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add("X-Pact-Key", key);
        var agent = $"metrics-agent-{Guid.NewGuid():N}";
        const string Wallet = "0xA11A000000000000000000000000000000000001";
        var events = new List<string> { $$"""{"type":"session_start","sessionId":"m1","agentId":"{{agent}}","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}""" };
        events.AddRange(Enumerable.Range(1, 11).Select(i => Transfer(agent, "m1", i, Wallet, 4900))); // the 11th takes the day past 50,000
        events.Add(Transfer(agent, "m1", 12, "0xEVIL", 1));
        events.Add($$"""{"type":"tool_call","sessionId":"m1","agentId":"{{agent}}","tool":"get_balance","params":{"wallet":"{{Wallet}}"},"outcome":"success","attemptedAt":"2026-11-21T08:00:13Z"}""");
        events.Add($$"""{"type":"tool_call","sessionId":"m1","agentId":"{{agent}}","tool":"{{agent}}-tool","params":{},"outcome":"success","attemptedAt":"2026-11-21T08:00:14Z"}""");
        events.Add("""{"type":"tool_call","agentId":"x"}"""); // rejected: no session, tool or time
        var batch = "{\"events\":[" + string.Join(",", events) + "]}";

        var server = ServeEndToEndTests.Start(data, port);
        Process? prometheus = null;
        try
        {
            await ServeEndToEndTests.WaitHealthy(http);
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/v1/telemetry/events", new StringContent(batch, Encoding.UTF8, "application/json"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/v1/telemetry/events", new StringContent(batch, Encoding.UTF8, "application/json"))).StatusCode); // a retry
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/v1/trust/{agent}")).StatusCode);

            // The exposition itself: text format, no agent id anywhere (its unbound tool name included), no key needed.
            using var anonymous = new HttpClient { BaseAddress = http.BaseAddress };
            var text = await anonymous.GetStringAsync("/metrics");
            Assert.Contains("# TYPE pacts_verdicts_total counter", text, StringComparison.Ordinal);
            Assert.Contains("# TYPE pacts_ledger_append_duration_seconds histogram", text, StringComparison.Ordinal);
            Assert.DoesNotContain(agent, text, StringComparison.Ordinal);

            // A real Prometheus scraping it every second, from a config and a store of its own.
            var promPort = ServeEndToEndTests.FreePort();
            var dir = Directory.CreateTempSubdirectory("pacts-prometheus-").FullName;
            File.WriteAllText(Path.Combine(dir, "prometheus.yml"), $"""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: pacts
                    metrics_path: /metrics
                    static_configs:
                      - targets: ["127.0.0.1:{port}"]
                """);
            prometheus = Process.Start(new ProcessStartInfo(prometheusBinary)
            {
                ArgumentList = { $"--config.file={Path.Combine(dir, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(dir, "tsdb")}", $"--web.listen-address=127.0.0.1:{promPort}" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            prometheus.OutputDataReceived += (_, _) => { };
            prometheus.ErrorDataReceived += (_, _) => { };
            prometheus.BeginOutputReadLine();
            prometheus.BeginErrorReadLine();
            using var prom = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{promPort}"), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddSeconds(60);
            double? up = null;
            while (DateTime.UtcNow < deadline && up != 1)
            {
                await Task.Delay(500);
                try
                {
                    up = await Query(prom, "up{job=\"pacts\"}") is { } u && await Query(prom, "pacts_events_accepted_total") is not null ? u : null;
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
            }

            Assert.Equal(1, up);
            Assert.Equal(14, await Query(prom, "pacts_events_accepted_total{type=\"tool_call\"}"));
            Assert.Equal(1, await Query(prom, "pacts_events_accepted_total{type=\"session_start\"}"));
            Assert.Equal(2, await Query(prom, "pacts_events_rejected_total")); // once per request that sent it
            Assert.Equal(15, await Query(prom, "pacts_events_duplicate_total"));
            Assert.Equal(10, await Query(prom, "pacts_verdicts_total{pact=\"treasury-pact\",tool=\"transfer_funds\",severity=\"none\"}"));
            Assert.Equal(2, await Query(prom, "pacts_verdicts_total{pact=\"treasury-pact\",tool=\"transfer_funds\",severity=\"critical\"}"));
            Assert.Equal(1, await Query(prom, "pacts_verdicts_total{tool=\"(unbound)\"}"));
            Assert.Equal(2, await Query(prom, "pacts_budget_breaches_total{pact=\"treasury-pact\",budget=\"daily-outflow\"}")); // the 11th transfer and the one after it
            Assert.Equal(2, await Query(prom, "pacts_ledger_append_duration_seconds_count"));
            Assert.Equal(1, await Query(prom, "count(http_requests_received_total{endpoint=\"/api/v1/trust/{**agentId}\"})"));
            Assert.Null(await Query(prom, $"{{__name__=~\".+\",agentId=~\".+\"}}"));
        }
        finally
        {
            if (prometheus is not null)
            {
                prometheus.Kill(entireProcessTree: true);
                prometheus.Dispose();
            }

            server.Kill(entireProcessTree: true);
            server.Dispose();
        }
    }
}
