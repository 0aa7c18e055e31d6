using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Pacts.Server.Tests;

/// <summary>
/// `--alert-webhook` (SPEC §9 <i>Operations</i>): a real HTTP receiver on loopback gets one Alertmanager-style body per
/// ingested call at or above `--alert-on`, with every violation and the agent's ten previous calls; failures are
/// retried; a receiver that does not answer never delays the ingest answer.
/// </summary>
public sealed class AlertTests : IDisposable
{
    private const string Wallet = "0xA11A000000000000000000000000000000000001";
    private readonly string _data = Directory.CreateTempSubdirectory("pacts-alerts-").FullName;
    private readonly HttpListener _listener = new();
    private readonly List<string> _bodies = [];
    private readonly int _port;

    public AlertTests()
    {
        // A free port, then a listener on it (HttpListener cannot pick one itself).
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            _port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Close();
        SqliteConnection.ClearAllPools();
        Pacts.Testing.Shared.TempDirs.Remove(_data);
    }

    /// <summary>Answers each request with the status <paramref name="answer"/> gives for its number (1-based), after <paramref name="hold"/>.</summary>
    private async Task ReceiveAsync(Func<int, HttpStatusCode> answer, Task? hold = null)
    {
        for (var n = 1; ; n++)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using (var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8))
            {
                var body = await reader.ReadToEndAsync();
                lock (_bodies)
                {
                    _bodies.Add(body);
                }
            }

            if (hold is not null)
            {
                await hold;
            }

            ctx.Response.StatusCode = (int)answer(n);
            ctx.Response.Close();
        }
    }

    private WebApplicationFactory<Program> Service(string alertOn = "critical") =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("pacts", Pacts.Testing.Shared.RepoPaths.ExamplePacts);
            b.UseSetting("data", _data);
            b.UseSetting("alert-webhook", $"http://127.0.0.1:{_port}/hook");
            b.UseSetting("alert-on", alertOn);
            b.UseSetting("alert-retry-delay-ms", "20");
        });

    private static HttpClient Client(WebApplicationFactory<Program> service)
    {
        var client = service.CreateClient();
        client.DefaultRequestHeaders.Add("X-Pact-Key", service.Services.GetRequiredService<KeyStore>().Add("alerts").Key);
        return client;
    }

    private static StringContent Batch(IEnumerable<string> events) => new("{\"events\":[" + string.Join(",", events) + "]}", Encoding.UTF8, "application/json");

    private static string Call(int i, string tool, string parameters) =>
        $$"""{"type":"tool_call","sessionId":"s1","agentId":"atlas","tool":"{{tool}}","params":{{parameters}},"outcome":"success","attemptedAt":"2026-11-21T08:00:{{i:00}}Z"}""";

    private const string Start = """{"type":"session_start","sessionId":"s1","agentId":"atlas","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}""";

    private async Task<List<string>> WaitForBodies(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            lock (_bodies)
            {
                if (_bodies.Count >= count)
                {
                    return [.. _bodies];
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"the receiver got {_bodies.Count} requests, not {count}");
    }

    [Fact]
    public async Task A_critical_call_pages_once_with_every_violation_and_the_agents_last_ten_calls_after_retries()
    {
        var receiver = ReceiveAsync(n => n <= 2 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK); // two failures, then delivered
        using var service = Service();
        var client = Client(service);
        var events = new List<string> { Start };
        events.AddRange(Enumerable.Range(1, 12).Select(i => Call(i, "get_balance", $$"""{"wallet":"{{Wallet}}"}""")));
        events.Add(Call(13, "transfer_funds", $$"""{"destination":"{{Wallet}}","amount":10,"currency":"EUR"}""")); // major only: no page
        events.Add(Call(14, "transfer_funds", """{"destination":"0xEVIL","amount":7500,"currency":"USDC"}"""));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/telemetry/events", Batch(events))).StatusCode);

        var bodies = await WaitForBodies(3);
        await Task.Delay(300); // nothing more arrives (the major call does not page)
        Assert.Equal(3, _bodies.Count);
        Assert.All(bodies, b => Assert.Equal(bodies[0], b)); // the retries send the same alert
        var alert = JsonDocument.Parse(bodies[0]).RootElement;
        Assert.Equal("4", alert.GetProperty("version").GetString());
        Assert.Equal("firing", alert.GetProperty("status").GetString());
        var one = Assert.Single(alert.GetProperty("alerts").EnumerateArray());
        var labels = one.GetProperty("labels");
        Assert.Equal(("PactViolation", "critical", "treasury-pact", "transfer_funds", "atlas", "s1"),
            (labels.GetProperty("alertname").GetString(), labels.GetProperty("severity").GetString(), labels.GetProperty("pact").GetString(),
             labels.GetProperty("tool").GetString(), labels.GetProperty("agentId").GetString(), labels.GetProperty("sessionId").GetString()));
        Assert.Equal("2026-11-21T08:00:14Z", one.GetProperty("startsAt").GetString());
        var description = one.GetProperty("annotations").GetProperty("description").GetString()!;
        Assert.Contains("critical destination allowList \"0xEVIL\": destination must be a treasury wallet", description, StringComparison.Ordinal);
        Assert.Contains("critical amount maxAmount 7500", description, StringComparison.Ordinal);

        var pacts = alert.GetProperty("pacts");
        var violations = pacts.GetProperty("verdict").GetProperty("violations").EnumerateArray().ToList();
        Assert.Contains(violations, v => v.GetProperty("paramPath").GetString() == "destination" && v.GetProperty("rule").GetString() == "allowList" && v.GetProperty("value").GetRawText() == "\"0xEVIL\"");
        Assert.Contains(violations, v => v.GetProperty("paramPath").GetString() == "amount" && v.GetProperty("rule").GetString() == "maxAmount");
        var recent = pacts.GetProperty("recentCalls").EnumerateArray().ToList();
        Assert.Equal(10, recent.Count);
        var seqs = recent.Select(r => r.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.True(seqs[^1] < pacts.GetProperty("seq").GetInt64());
        Assert.Equal("EUR", recent[^1].GetProperty("event").GetProperty("params").GetProperty("currency").GetString()); // the call just before
        Assert.False(recent[^1].GetProperty("verdict").GetProperty("valid").GetBoolean());

        var metrics = await service.CreateClient().GetStringAsync("/metrics");
        Assert.Contains("pacts_alerts_total{outcome=\"sent\"} 1", metrics, StringComparison.Ordinal);
        _listener.Stop();
        await receiver;
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_never_delays_ingest()
    {
        var release = new TaskCompletionSource();
        var receiver = ReceiveAsync(_ => HttpStatusCode.OK, release.Task);
        using var service = Service("major");
        var client = Client(service);
        var first = await client.PostAsync("/api/v1/telemetry/events", Batch([Start, Call(1, "transfer_funds", """{"destination":"0xEVIL","amount":1,"currency":"USDC"}""")]));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await WaitForBodies(1); // the receiver holds the alert's request open from here on

        // Another batch, answered while the first alert still waits for its receiver.
        var second = await client.PostAsync("/api/v1/telemetry/events", Batch([Call(2, "transfer_funds", $$"""{"destination":"{{Wallet}}","amount":10,"currency":"EUR"}""")]));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
        Assert.False(release.Task.IsCompleted);

        release.SetResult();
        await WaitForBodies(2); // the major call pages too with --alert-on major
        _listener.Stop();
        await receiver;
    }
}
