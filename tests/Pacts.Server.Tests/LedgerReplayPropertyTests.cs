using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.DependencyInjection;

namespace Pacts.Server.Tests;

/// <summary>
/// The service and replay agree: whatever calls an agent sends (params in any key order, keys repeated, extra
/// params, values of any type, escapes), replaying `ledger export` gives exactly the verdicts the service recorded
/// and returned at ingest.
/// </summary>
public class LedgerReplayPropertyTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private static readonly string[] Keys = ["destination", "amount", "currency", "memo", "zeta", "alpha", "x y", "a\\u0062", "amount"];

    private static readonly string[] Values =
    [
        "\"0xA11A000000000000000000000000000000000001\"", "\"0xEVIL\"", "250", "5000.0000000000000001", "\"250.00\"", "1e400", "-0",
        "\"USDC\"", "\"U\\u0053DC\"", "null", "true", "[]", "{\"k\":[1,{\"j\":null}]}", "\"memo ok\"", "\"bad\\n\"", "\"\\ud800\"",
    ];

    [Property(MaxTest = 40)]
    public Property Replaying_the_export_gives_the_verdicts_the_service_recorded() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            var session = $"prop-{seed}-{Guid.NewGuid():N}";
            var agent = "agent-" + session; // its own agent, so the session's records are the whole of its budget history
            var calls = Enumerable.Range(0, rng.Next(1, 6)).Select(i =>
            {
                var fields = Enumerable.Range(0, rng.Next(0, 7)).Select(_ => $"\"{Keys[rng.Next(Keys.Length)]}\":{Values[rng.Next(Values.Length)]}");
                var tool = rng.Next(5) == 0 ? "get_balance" : "transfer_funds";
                return $$"""{"type":"tool_call","sessionId":"{{session}}","agentId":"{{agent}}","tool":"{{tool}}","params":{{{string.Join(",", fields)}}},"outcome":"success","attemptedAt":"2026-11-21T08:00:0{{i}}Z"}""";
            });
            var batch = $$"""{"events":[{"type":"session_start","sessionId":"{{session}}","agentId":"{{agent}}","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"},{{string.Join(",", calls)}}]}""";
            var answer = service.Client().PostAsync("/api/v1/telemetry/events", new StringContent(batch, Encoding.UTF8, "application/json")).GetAwaiter().GetResult()
                .Content.ReadFromJsonAsync<JsonElement>().GetAwaiter().GetResult();
            var returned = answer.GetProperty("verdicts").EnumerateArray().Select(v => v.GetProperty("verdict").GetRawText()).ToList();

            var ledger = service.Factory.Services.GetRequiredService<SqliteLedgerStore>();
            var records = ledger.Records().Where(r => r.Body.Contains(session, StringComparison.Ordinal)).ToList();
            var recorded = records.Where(r => r.Verdict is not null).Select(r => r.Verdict!).ToList();
            var analyzer = new Replay.ReplayAnalyzer(PactSet.Load(service.PactsDir));
            var export = string.Join("\n", records.Select(r => r.Body));
            var replayed = Events.EventLogReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(export)), "export.jsonl")
                .Select(analyzer.Process).Where(c => c is not null).Select(c => c!.Verdict.ToJson()).ToList();
            Assert.Equal(recorded, returned);
            Assert.Equal(recorded, replayed);
        });

    // Group commit: batches ingested at once, judged one after another and written together, still land in the order
    // they were judged, so one agent's budget (treasury's daily outflow, per agent) and sessions started in another
    // batch of the same group replay to exactly the verdicts the ledger recorded.
    [Property(MaxTest = 25)]
    public Property Concurrent_batches_replay_to_their_recorded_verdicts() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            using var t = new TempLedger();
            using var ingestor = new Ingestor(t.Ledger);
            var pacts = PactSet.Load(service.PactsDir);
            const string Agent = "shared-agent";
            var sessions = Enumerable.Range(0, rng.Next(1, 4)).Select(k => $"s{k}").ToArray();
            var docs = Enumerable.Range(0, rng.Next(2, 9)).Select(b =>
            {
                var events = new List<string>();
                if (b < sessions.Length)
                {
                    events.Add($$"""{"type":"session_start","sessionId":"{{sessions[b]}}","agentId":"{{Agent}}","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}""");
                }

                for (var i = 0; i < rng.Next(1, 6); i++)
                {
                    var amount = rng.Next(1, 50) * 500;
                    events.Add($$"""{"type":"tool_call","sessionId":"{{sessions[rng.Next(sessions.Length)]}}","agentId":"{{Agent}}","tool":"transfer_funds","params":{"destination":"0xA11A000000000000000000000000000000000001","amount":{{amount}},"currency":"USDC"},"outcome":"success","attemptedAt":"2026-11-21T08:{{b:00}}:{{i:00}}Z"}""");
                }

                return JsonDocument.Parse("[" + string.Join(",", events) + "]");
            }).ToList();
            try
            {
                Task.WhenAll(docs.Select(d => ingestor.IngestAsync(d.RootElement, pacts, Pact.MaxParamsDepth))).GetAwaiter().GetResult();
            }
            finally
            {
                docs.ForEach(d => d.Dispose());
            }

            var records = t.Ledger.Records().ToList();
            var analyzer = new Replay.ReplayAnalyzer(pacts);
            var replayed = Events.EventLogReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", records.Select(r => r.Body)))), "export.jsonl")
                .Select(analyzer.Process).Select(c => c?.Verdict.ToJson()).ToList();
            Assert.Equal(records.Select(r => r.Verdict), replayed);
            Assert.True(t.Ledger.Verify().Ok);
        });
}
