using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Pacts.Server;

namespace Pacts.Agent.Tests;

public class HttpSinkTests
{
    /// <summary>A fake server: answers each request with the next scripted status (or hangs for a timeout).</summary>
    private sealed class ScriptedServer(params int[] statuses) : HttpMessageHandler
    {
        private int _i;

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Bodies.Add(await request.Content!.ReadAsStringAsync(cancellationToken));
            Assert.Equal("pk_test", request.Headers.GetValues("X-Pact-Key").Single());
            var status = statuses[Math.Min(_i++, statuses.Length - 1)];
            if (status == 0)
            {
                throw new TaskCanceledException("the request timed out");
            }

            return new HttpResponseMessage((HttpStatusCode)status);
        }
    }

    [Theory]
    [InlineData(200, SendOutcome.Delivered)]
    [InlineData(500, SendOutcome.Transient)]
    [InlineData(503, SendOutcome.Transient)]
    [InlineData(429, SendOutcome.Transient)]
    [InlineData(0, SendOutcome.Transient)]
    [InlineData(400, SendOutcome.Permanent)]
    [InlineData(401, SendOutcome.Permanent)]
    [InlineData(413, SendOutcome.Permanent)]
    public async Task Statuses_map_to_retry_semantics(int status, SendOutcome expected)
    {
        using var http = new HttpClient(new ScriptedServer(status)) { BaseAddress = new Uri("http://pacts.test/") };
        var (outcome, _) = await new HttpTelemetrySink(http, "pk_test").SendAsync(["{\"type\":\"x\"}"], CancellationToken.None);
        Assert.Equal(expected, outcome);
    }

    [Fact]
    public async Task Against_a_scripted_server_500_429_and_a_timeout_are_retried_then_delivered_in_one_envelope()
    {
        var time = new ManualTimeProvider();
        var server = new ScriptedServer(500, 429, 0, 200);
        using var http = new HttpClient(server) { BaseAddress = new Uri("http://pacts.test/") };
        await using var client = new TelemetryClient(new HttpTelemetrySink(http, "pk_test"), new TelemetryOptions { FlushInterval = TimeSpan.FromHours(1) }, timeProvider: time);
        client.SessionStart("s", "a");
        var flush = client.FlushAsync();
        for (var i = 0; i < 1000 && !flush.IsCompleted; i++)
        {
            await Task.Delay(1);
            time.Advance(TimeSpan.FromMilliseconds(50));
        }

        await flush;
        Assert.Equal(4, server.Bodies.Count);
        Assert.Equal(1, client.Sent);
        Assert.StartsWith("{\"events\":[{\"type\":\"session_start\"", server.Bodies[^1], StringComparison.Ordinal);
    }
}

/// <summary>From a guarded tool through a real service to its ledger, and back out through replay.</summary>
public sealed class GuardEndToEndTests : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly string _data = Directory.CreateTempSubdirectory("pacts-agent-e2e-").FullName;

    [Fact]
    public async Task Guard_verdicts_equal_ledger_verdicts_equal_replay_verdicts()
    {
        var pactsDir = Path.Combine(PactGuardTests.RepoRoot(), "examples", "pacts");
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("pacts", pactsDir);
            b.UseSetting("data", _data);
        });
        var key = factory.Services.GetRequiredService<KeyStore>().Add("agent").Key;
        var http = factory.CreateClient();
        var pacts = PactSet.Load(pactsDir);
        var guardVerdicts = new List<string>();

        await using (var telemetry = new TelemetryClient(new HttpTelemetrySink(http, key)))
        {
            var guard = new PactGuard(new RemoteValidator(http, key, "treasury-pact", TimeSpan.FromSeconds(5)), telemetry,
                new GuardOptions { SessionId = "e2e-session", AgentId = "guarded", Mode = GuardMode.Observe });
            telemetry.SessionStart("e2e-session", "guarded", "treasury-pact");
            var transfers = new[]
            {
                new Transfer("0xA11A000000000000000000000000000000000001", 100, "USDC"),
                new Transfer("0xEEEE000000000000000000000000000000000666", 7500, "USDC"),
                new Transfer("0xB22B000000000000000000000000000000000002", 4999.99m, "DAI"),
            };
            foreach (var t in transfers)
            {
                await guard.InvokeAsync("transfer_funds", t, (_, _) => Task.FromResult(0));
                using var json = JsonSerializer.SerializeToDocument(t, Web);
                guardVerdicts.Add(pacts.Find("treasury-pact")!.Validate("transfer_funds", json.RootElement).ToJson());
            }

            telemetry.SessionEnd("e2e-session", "guarded", "success");
        }

        var ledger = factory.Services.GetRequiredService<SqliteLedgerStore>();
        Assert.True(ledger.Verify().Ok);
        var records = ledger.Records().ToList();
        var recorded = records.Where(r => r.Verdict is not null).Select(r => r.Verdict!).ToList();
        Assert.Equal(guardVerdicts, recorded);

        var analyzer = new Replay.ReplayAnalyzer(pacts);
        var log = string.Join("\n", records.Select(r => r.Body));
        var replayed = Events.EventLogReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(log)), "ledger.jsonl")
            .Select(analyzer.Process).Where(c => c is not null).Select(c => c!.Verdict.ToJson()).ToList();
        Assert.Equal(guardVerdicts, replayed);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, true);
    }
}
