using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pacts.Events;
using Pacts.Paths;
using Pacts.Replay;

namespace Pacts.Tests;

/// <summary>SPEC §11's classification of flips, call by call, with each pact set keeping its own budget state.</summary>
public class PactDiffTests
{
    private static PactSet Set(string yaml) => PactSet.FromCompilations([Pact.Compile(yaml)]);

    private static readonly string Before = """
        pact: p
        bindings:
          - tool: pay
            conditions:
              - paramPath: amount
                maxAmount: 100
                severity: critical
        budgets:
          - name: daily
            tools: [pay]
            sum: amount
            max: 150
            window: 1d
        """;

    private static string Call(int n, string agent, string amount, string? pactId = "p") =>
        $$"""{"type":"tool_call","sessionId":"s{{n}}","agentId":"{{agent}}",{{(pactId is null ? "" : $"\"pactId\":\"{pactId}\",")}}"tool":"pay","params":{"amount":{{amount}}},"outcome":"success","attemptedAt":"2026-11-21T08:00:{{n:00}}Z"}""";

    private static DiffReport Diff(string before, string after, IEnumerable<string> lines, ParamPath? amount = null)
    {
        var diff = new PactDiff(Set(before), Set(after), amount);
        diff.ProcessLog(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n")), "log.jsonl");
        return diff.Report();
    }

    private static readonly string FuzzBaseline = """
        pact: p
        bindings:
          - tool: t
            conditions:
              - paramPath: v
                maxAmount: 10
                severity: critical
              - paramPath: items[*].sku
                regex: "SKU-[0-9]{4}"
                severity: major
        """;

    private static readonly string FuzzCandidate = """
        pact: p
        bindings:
          - tool: t
            conditions:
              - paramPath: v
                maxAmount: 5
                severity: major
              - paramPath: memo
                maxLength: 8
                severity: minor
        budgets:
          - name: tally
            sum: v
            max: 12
            window: 1h
            per: agent
        """;

    [Property(MaxTest = 200)]
    public Property The_streaming_pass_agrees_with_feeding_each_record_of_the_general_reader()
    {
        // ProcessLog binds replay's scanned batches in both analyzers; Process takes the general reader's records one
        // by one: any log (damaged lines, unknown pacts, duplicate keys, late calls) gives both the same report.
        return Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            var log = Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Range(0, rng.Next(1, 60)).Select(_ => ReplayFastPathTests.RandomLine(rng))));
            Assert.True(ParamPath.TryParse("v", out var amount, out _));
            var streamed = new PactDiff(Set(FuzzBaseline), Set(FuzzCandidate), amount);
            streamed.ProcessLog(new MemoryStream(log), "log.jsonl");
            var general = new PactDiff(Set(FuzzBaseline), Set(FuzzCandidate), amount);
            foreach (var record in EventLogReader.Read(new MemoryStream(log), "log.jsonl"))
            {
                general.Process(record);
            }

            Assert.Equal(general.Report().ToJson(), streamed.Report().ToJson());
        });
    }

    [Property(MaxTest = 200)]
    public Property The_flips_are_those_of_two_separate_replays()
    {
        // A model of SPEC §11 from two replays run apart: each evaluated call's verdict under each set, compared as
        // multisets of (paramPath, rule, severity, budget). Both sets load one pact id, so a call is evaluated under
        // both or neither.
        return Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            var log = Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Range(0, rng.Next(1, 60)).Select(_ => ReplayFastPathTests.RandomLine(rng))));
            Dictionary<long, Evaluating.Verdict> Replay(string yaml)
            {
                var verdicts = new Dictionary<long, Evaluating.Verdict>();
                new ReplayAnalyzer(Set(yaml)).ProcessLog(new MemoryStream(log), "log.jsonl", call => verdicts[call.Line] = call.Verdict);
                return verdicts;
            }

            static string Key(Evaluating.Verdict v) => string.Join("\n", v.Violations.Select(x => $"{x.ParamPath}\u0001{x.Rule}\u0001{x.Severity}\u0001{x.Budget}").Order(StringComparer.Ordinal));
            var (before, after) = (Replay(FuzzBaseline), Replay(FuzzCandidate));
            Assert.Equal(before.Keys.Order(), after.Keys.Order());
            long newlyInvalid = 0, newlyValid = 0, changed = 0;
            foreach (var (line, b) in before)
            {
                var c = after[line];
                if (b.Valid && !c.Valid) { newlyInvalid++; }
                else if (!b.Valid && c.Valid) { newlyValid++; }
                else if (Key(b) != Key(c)) { changed++; }
            }

            var diff = new PactDiff(Set(FuzzBaseline), Set(FuzzCandidate));
            diff.ProcessLog(new MemoryStream(log), "log.jsonl");
            var r = diff.Report();
            Assert.Equal((newlyInvalid, newlyValid, changed), (r.NewlyInvalid, r.NewlyValid, r.Changed));
        });
    }

    [Fact]
    public void Equal_violations_in_another_order_are_no_flip()
    {
        // Several violations each side, the same multiset: not a flip (the comparison must not see stale memory).
        var before = """
            pact: p
            bindings:
              - tool: pay
                conditions:
                  - {paramPath: amount, maxAmount: 100, severity: critical}
                  - {paramPath: memo, maxLength: 2, severity: minor}
                  - {paramPath: to, allowList: [a], severity: major}
            """;
        var after = """
            pact: p
            bindings:
              - tool: pay
                conditions:
                  - {paramPath: to, allowList: [a, b], severity: major}
                  - {paramPath: memo, maxLength: 3, severity: minor}
                  - {paramPath: amount, maxAmount: 50, severity: critical}
            """;
        var lines = Enumerable.Range(1, 50).Select(n =>
            $$"""{"type":"tool_call","sessionId":"s","agentId":"a","pactId":"p","tool":"pay","params":{"amount":500,"memo":"long memo","to":"z"},"outcome":"success","attemptedAt":"2026-11-21T08:00:{{n:00}}Z"}""");
        var r = Diff(before, after, lines);
        Assert.Equal((50L, 0L, 0L, 0L), (r.Calls, r.NewlyInvalid, r.NewlyValid, r.Changed));
    }

    [Fact]
    public void Each_kind_of_flip_is_told_apart()
    {
        var after = Before.Replace("maxAmount: 100", "maxAmount: 50", StringComparison.Ordinal).Replace("severity: critical", "severity: major", StringComparison.Ordinal);
        var r = Diff(Before, after, [
            Call(1, "a", "80"),   // valid → maxAmount (newly invalid)
            Call(2, "b", "120"),  // maxAmount critical → maxAmount major (changed: other violations)
            Call(3, "c", "10"),   // valid both
            Call(4, "d", "10", pactId: null), // unevaluated both
        ]);
        Assert.Equal((4L, 1L, 0L, 1L), (r.Calls, r.NewlyInvalid, r.NewlyValid, r.Changed));
        Assert.Equal([("a", FlipKind.NewlyInvalid), ("b", FlipKind.Changed)], r.Examples.Select(e => (e.AgentId, e.Kind)));
        Assert.Equal(["a", "b"], r.ByAgent.Select(a => a.AgentId));
        Assert.Equal(new ToolFlips("p", "pay", 1, 0, 1), Assert.Single(r.ByTool));
    }

    // A ledger export's verdict is compared, not refused: bytes in it that are not UTF-8, or a string escaping half a
    // surrogate pair (params are stored as sent), once ended the whole diff with an unhandled exception.
    [Fact]
    public void A_recorded_verdict_holding_bytes_that_are_not_text_is_compared()
    {
        static string Recorded(int n, string amount, string verdict) => Call(n, "a", amount)[..^1] + ",\"verdict\":" + verdict + "}";
        var lines = new[]
        {
            Recorded(1, "120", """{"valid":false,"pactId":"p","violations":[{"paramPath":"amount","rule":"maxAmount","severity":"critical","value":"\ud800","message":"x"}]}"""),
            Recorded(2, "10", """{"valid":false,"pactId":"p\udc00","violations":[{"paramPath":"am\ud800","rule":"maxAmount","severity":"critical","message":"NOTUTF8"}],"\ud800 long enough":1}"""), // a name System.Text.Json's lookup of `violations` unescapes
        };
        var bytes = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
        var at = bytes.AsSpan().IndexOf("NOTUTF8"u8);
        bytes[at] = 0xFF;
        bytes[at + 1] = 0xC3;
        var diff = new PactDiff(null, Set(Before));
        diff.ProcessLog(new MemoryStream(bytes), "export.jsonl");
        var r = diff.Report();
        Assert.Equal((2L, 0L, 1L, 0L), (r.Calls, r.NewlyInvalid, r.NewlyValid, r.Changed)); // the first is the same violation
        Assert.Equal(2, Assert.Single(r.Examples).Line);
    }

    [Fact]
    public void A_raised_cap_newly_allows_and_the_amounts_are_exact()
    {
        var after = Before.Replace("maxAmount: 100", "maxAmount: 1000", StringComparison.Ordinal).Replace("max: 150", "max: 100000", StringComparison.Ordinal);
        Assert.True(ParamPath.TryParse("amount", out var path, out _));
        var r = Diff(Before, after, [Call(1, "a", "120.10"), Call(2, "b", "500.000000000000000000001")], path);
        Assert.Equal(2, r.NewlyValid);
        Assert.Equal(new FlipAmounts("620.100000000000000000001", "0"), r.Amounts);
    }

    [Fact]
    public void Each_side_keeps_its_own_budget_state()
    {
        // Same conditions; only the candidate's budget is tighter, so the second call of agent a breaches it there alone.
        var after = Before.Replace("max: 150", "max: 100", StringComparison.Ordinal);
        var r = Diff(Before, after, [Call(1, "a", "60"), Call(2, "a", "60"), Call(3, "b", "60")]);
        var flip = Assert.Single(r.Examples);
        Assert.Equal((FlipKind.NewlyInvalid, 2L), (flip.Kind, flip.Line));
        Assert.Contains("\"budget\":\"daily\"", flip.Candidate, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pact_that_is_gone_or_a_call_that_no_longer_binds_is_changed()
    {
        var renamed = Before.Replace("pact: p", "pact: q", StringComparison.Ordinal);
        var r = Diff(Before, renamed, [Call(1, "a", "10")]);
        var flip = Assert.Single(r.Examples);
        Assert.Equal(FlipKind.Changed, flip.Kind);
        Assert.NotNull(flip.Baseline);
        Assert.Null(flip.Candidate); // unknown pact under the candidate: no verdict
    }

    [Fact]
    public void Only_the_first_examples_are_kept_but_every_flip_is_counted()
    {
        var after = Before.Replace("maxAmount: 100", "maxAmount: 1", StringComparison.Ordinal).Replace("max: 150", "max: 1000000", StringComparison.Ordinal);
        var before = Before.Replace("max: 150", "max: 1000000", StringComparison.Ordinal);
        var r = Diff(before, after, Enumerable.Range(0, 60).Select(i => Call(i, "a" + i, "5")));
        Assert.Equal(60, r.NewlyInvalid);
        Assert.Equal(PactDiff.MaxExamples, r.Examples.Count);
        Assert.True(r.Fails("any") && r.Fails("newly-invalid") && !r.Fails("newly-valid") && !r.Fails("changed") && !r.Fails("none"));
    }
}
