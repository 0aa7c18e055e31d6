using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pacts.Evaluating;
using Pacts.Replay;
using Pacts.Server;

namespace Pacts.Agent.Tests;

/// <summary>
/// SPEC §10: a verdict is a function of the pact, the call and the calls before it, wherever it is computed. Random
/// guarded traffic (several agents and sessions, guards, three budgets of every scope, amounts of every shape, clocks that
/// jump and step back, tools that fail, calls the guard refuses) is judged by the guard as it runs; its log is then
/// replayed under the YAML form of the pact and under the JSON form, replayed split into two files, and ingested by the
/// service in random batches with a restart (a new store and ingestor over the same ledger) and a client's retry in the
/// middle. Every one of them gives the guard's verdicts, byte for byte.
/// </summary>
public sealed class StatefulAgreementPropertyTests
{
    private const string Yaml = """
        pact: budget-prop
        version: 1
        unboundTools: deny
        bindings:
          - tool: transfer_funds
            conditions:
              - paramPath: amount
                type: number
                maxAmount: 5000
                severity: critical
              - paramPath: amount
                when: {paramPath: currency, allowList: [DAI]}
                maxAmount: 1000
                severity: major
          - tool: get_balance
            conditions: []
          - tool: flaky_tool
            conditions: []
        budgets:
          - name: agent-outflow
            tools: [transfer_funds]
            sum: amount
            max: 9000.5
            window: 30s
            per: agent
            severity: critical
          - name: session-calls
            max: 4
            window: 20s
            per: session
          - name: fleet-outflow
            tools: [transfer_funds, wire_out]
            sum: amount
            max: 20000
            window: 1m
            per: pact
            severity: minor
        """;

    private const string Json = """
        {
          "pact": "budget-prop",
          "version": 1,
          "unboundTools": "deny",
          "bindings": [
            {"tool": "transfer_funds", "conditions": [
              {"paramPath": "amount", "type": "number", "maxAmount": 5000, "severity": "critical"},
              {"paramPath": "amount", "when": {"paramPath": "currency", "allowList": ["DAI"]}, "maxAmount": 1000, "severity": "major"}
            ]},
            {"tool": "get_balance", "conditions": []},
            {"tool": "flaky_tool", "conditions": []}
          ],
          "budgets": [
            {"name": "agent-outflow", "tools": ["transfer_funds"], "sum": "amount", "max": 9000.5, "window": "30s", "per": "agent", "severity": "critical"},
            {"name": "session-calls", "max": 4, "window": "20s", "per": "session"},
            {"name": "fleet-outflow", "tools": ["transfer_funds", "wire_out"], "sum": "amount", "max": 20000, "window": "1m", "per": "pact", "severity": "minor"}
          ]
        }
        """;

    private static readonly string[] Amounts =
    [
        "100", "2500", "4999.99", "5000.01", "0.5", "\"300\"", "-5", "1e3", "0", "null", "\"abc\"", "12345678901234567890.000000001", "2E-7",
    ];

    private static readonly string[] Tools = ["transfer_funds", "transfer_funds", "transfer_funds", "transfer_funds", "get_balance", "flaky_tool", "wire_out"];

    private static readonly TimeSpan[] Steps =
    [
        TimeSpan.Zero, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(999), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10),
        TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(31), TimeSpan.FromSeconds(70), TimeSpan.FromSeconds(-7),
    ];

    [Property(MaxTest = 60)]
    public Property Guard_replay_json_form_split_log_and_restarted_service_give_one_verdict() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed => Agree(seed).GetAwaiter().GetResult());

    /// <summary>Seeds that once found two guarded calls alike to the millisecond, which the service took for one retried event.</summary>
    [Theory]
    [InlineData(1092585984)]
    [InlineData(661266969)]
    public Task Calls_alike_to_the_millisecond_are_two_events(int seed) => Agree(seed);

    private static async Task Agree(int seed)
    {
        var rng = new Random(seed);
        var root = Directory.CreateTempSubdirectory("pacts-agree-").FullName;
        try
        {
            var yamlSet = Write(root, "yaml", "budget-prop.pact.yaml", Yaml);
            var jsonSet = Write(root, "json", "budget-prop.pact.json", Json);
            var (log, guarded) = await GuardedTraffic(rng, yamlSet.Find("budget-prop")!);
            Assert.NotEmpty(guarded);

            Assert.Equal(guarded, Replay(yamlSet, [log]));
            Assert.Equal(guarded, Replay(jsonSet, [log]));
            var cut = rng.Next(0, log.Count + 1);
            Assert.Equal(guarded, Replay(yamlSet, [log[..cut], log[cut..]]));
            Assert.Equal(guarded, await Ingested(rng, yamlSet, log, Path.Combine(root, "data")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static PactSet Write(string root, string form, string name, string text)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, form)).FullName;
        File.WriteAllText(Path.Combine(dir, name), text);
        var set = PactSet.Load(dir);
        Assert.False(set.HasErrors, string.Join("\n", set.Diagnostics));
        return set;
    }

    /// <summary>Random calls through guards sharing one embedded validator; returns the log they wrote and the verdicts they gave.</summary>
    private static async Task<(List<string> Log, List<string> Verdicts)> GuardedTraffic(Random rng, Pact pact)
    {
        var time = new ManualTimeProvider();
        var sink = new ScriptedSink(time);
        var validator = new LocalValidator(pact);
        await using (var telemetry = new TelemetryClient(sink, new TelemetryOptions { BatchSize = 100_000, MaxBuffered = 100_000, FlushInterval = TelemetryClient.MaxFlushInterval }, timeProvider: time))
        {
            var guards = new[] { ("a1", "s1"), ("a1", "s2"), ("a2", "s3"), ("a3", "s4") }.Select(g =>
            {
                telemetry.SessionStart(g.Item2, g.Item1, pact.Id);
                return new PactGuard(validator, telemetry, new GuardOptions
                {
                    AgentId = g.Item1,
                    SessionId = g.Item2,
                    Mode = rng.Next(2) == 0 ? GuardMode.Observe : GuardMode.Enforce,
                    Threshold = (Severity)rng.Next(1, 4),
                }, time);
            }).ToArray();

            for (var i = rng.Next(1, 50); i > 0; i--)
            {
                time.Advance(Steps[rng.Next(Steps.Length)]);
                var tool = Tools[rng.Next(Tools.Length)];
                var currency = rng.Next(3) == 0 ? "DAI" : "USDC";
                using var doc = JsonDocument.Parse($$"""{"amount":{{Amounts[rng.Next(Amounts.Length)]}},"currency":"{{currency}}"}""");
                var fails = tool == "flaky_tool" || rng.Next(6) == 0;
                try
                {
                    _ = await guards[rng.Next(guards.Length)].InvokeAsync(tool, doc.RootElement.Clone(), (_, _) =>
                        fails ? throw new InvalidOperationException("the rail is down") : Task.FromResult(0));
                }
                catch (Exception ex) when (ex is PactViolationException or InvalidOperationException)
                {
                    // A refused or failed call: logged with outcome denied or error, charged nothing.
                }
            }

            await telemetry.FlushAsync();
        }

        var log = sink.Delivered.ToList();
        var verdicts = log.Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.GetProperty("type").GetString() == "tool_call")
            .Select(e => Verdict.FromJson(e.GetProperty("metadata").GetProperty("verdict").GetRawText())!.ToJson())
            .ToList();
        return (log, verdicts);
    }

    /// <summary>The verdicts of replaying <paramref name="files"/> in order with one analyzer, as <c>pacts replay</c> does.</summary>
    private static List<string> Replay(PactSet pacts, IEnumerable<List<string>> files)
    {
        var analyzer = new ReplayAnalyzer(pacts);
        var verdicts = new List<string>();
        var n = 0;
        foreach (var lines in files)
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines)));
            analyzer.ProcessLog(stream, $"part{++n}.jsonl", call => verdicts.Add(call.Verdict.ToJson()));
        }

        return verdicts;
    }

    /// <summary>The verdicts the service answers for the log sent in random batches, restarted once, with one batch sent twice.</summary>
    private static async Task<List<string>> Ingested(Random rng, PactSet pacts, List<string> log, string data)
    {
        var now = new FixedTime(DateTimeOffset.Parse("2026-11-23T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var batches = new List<List<string>>();
        for (var i = 0; i < log.Count;)
        {
            var size = Math.Min(rng.Next(1, 9), log.Count - i);
            batches.Add(log.GetRange(i, size));
            i += size;
        }

        var restartAt = rng.Next(0, batches.Count + 1);
        var verdicts = new List<string>();
        var store = new SqliteLedgerStore(data);
        var ingestor = new Ingestor(store, now);
        try
        {
            for (var b = 0; b < batches.Count; b++)
            {
                if (b == restartAt)
                {
                    ingestor.Dispose();
                    store.Dispose();
                    store = new SqliteLedgerStore(data);
                    ingestor = new Ingestor(store, now);
                    if (b > 0)
                    {
                        // The client never saw the answer before the restart and sends that batch again: nothing is charged twice.
                        var retry = await Send(ingestor, pacts, batches[b - 1]);
                        Assert.Equal(batches[b - 1].Count, retry.Duplicates);
                    }
                }

                var result = await Send(ingestor, pacts, batches[b]);
                Assert.Empty(result.Rejected);
                verdicts.AddRange(result.Verdicts.Select(v => v.VerdictJson));
            }

            Assert.True(store.Verify().Ok);
        }
        finally
        {
            ingestor.Dispose();
            store.Dispose();
        }

        return verdicts;
    }

    private static Task<IngestResult> Send(Ingestor ingestor, PactSet pacts, List<string> batch)
    {
        using var doc = JsonDocument.Parse("[" + string.Join(",", batch) + "]");
        return ingestor.IngestAsync(doc.RootElement.Clone(), pacts, Pact.MaxParamsDepth, TimeSpan.FromMinutes(5));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
