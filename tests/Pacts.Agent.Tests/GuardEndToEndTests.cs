using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Pacts.Server;

namespace Pacts.Agent.Tests;

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
        Pacts.Testing.Shared.TempDirs.Remove(_data);
    }
}
