using System.Text;
using Pacts.Events;
using Pacts.Replay;

namespace Pacts.Tests;

public class ReplayAnalyzerTests
{
    private static readonly PactSet Pacts = PactSet.FromCompilations([Pact.Compile("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        maxAmount: 10\n        severity: critical\n")]);

    [Fact]
    public void The_report_orders_agents_pacts_and_unknown_pacts_ordinally_and_keeps_the_five_most_violated_paths()
    {
        var conditions = string.Concat("abcdefg".Select(k => $"      - paramPath: {k}\n        maxLength: 1\n"));
        var set = PactSet.FromCompilations([Pact.Compile("pact: p\nbindings:\n  - tool: t\n    conditions:\n" + conditions), Pact.Compile("pact: P\nbindings:\n  - tool: t\n    conditions:\n" + conditions)]);
        string Call(string agent, string pact, string key) =>
            $$"""{"type":"tool_call","sessionId":"s","agentId":"{{agent}}","pactId":"{{pact}}","tool":"t","params":{"{{key}}":"long"},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""";
        var lines = new List<string>();
        foreach (var (key, times) in new[] { ("g", 2), ("b", 3), ("c", 1), ("d", 5), ("f", 2), ("a", 3), ("e", 2) })
        {
            lines.AddRange(Enumerable.Repeat(Call("zeta", "p", key), times));
        }

        lines.Add(Call("alpha", "p", "a"));
        lines.Add(Call("zeta", "P", "a")); // "P" sorts before "p" ordinally
        lines.Add(Call("alpha", "zz", "a"));
        lines.Add(Call("alpha", "aa", "a"));
        lines.Add(Call("alpha", "Zz", "a"));
        var analyzer = new ReplayAnalyzer(set);
        analyzer.ProcessLog(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines))), "l");
        var r = analyzer.Report();

        Assert.Equal(["alpha", "zeta"], r.Agents.Select(x => x.AgentId));
        Assert.Equal(["alpha/p", "zeta/P", "zeta/p"], r.Pacts.Select(x => x.AgentId + "/" + x.PactId));
        Assert.Equal(["Zz", "aa", "zz"], r.UnknownPacts.Select(x => x.PactId));
        Assert.Equal(["d:5", "a:3", "b:3", "e:2", "f:2"], r.Pacts[2].TopParamPaths.Select(x => x.ParamPath + ":" + x.Count));
        Assert.Equal(0, r.Sessions); // no session_start, no session counted
    }

    [Fact]
    public void Binding_uses_own_pact_then_session_pact_and_counts_unknown_and_unevaluated()
    {
        var log = string.Join("\n",
            """{"type":"session_start","sessionId":"s1","agentId":"a","startedAt":"2026-11-21T08:00:00Z","pactId":"p"}""",
            """{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""",
            """{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{"v":100},"outcome":"error","attemptedAt":"2026-11-21T08:00:02Z"}""",
            """{"type":"tool_call","sessionId":"s2","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:02Z"}""",
            """{"type":"tool_call","sessionId":"s2","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:02Z","pactId":"p"}""",
            """{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:02Z","pactId":"nope"}""",
            "garbage",
            """{"type":"session_end","sessionId":"s1","agentId":"a","endedAt":"2026-11-21T08:00:03.5Z","outcome":"success"}""",
            """{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:04Z"}""");
        var analyzer = new ReplayAnalyzer(Pacts);
        var evaluated = EventLogReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(log)), "l").Select(analyzer.Process).Where(c => c is not null).ToList();
        var r = analyzer.Report();
        Assert.Equal(4, evaluated.Count);
        Assert.Equal([2L, 3L, 5L, 9L], evaluated.Select(c => c!.Line));
        Assert.Equal(new ToolCallCounts(6, 4, 3, 1, 1, 1), r.ToolCalls);
        Assert.Equal(8, r.Events);
        Assert.Equal(1, r.Malformed);
        Assert.Equal(1, r.Sessions);
        Assert.Equal(3.0 / 4, r.ComplianceRate);
        Assert.Equal(new SeverityCounts(1, 0, 0), r.InvalidBySeverity);
        var agent = Assert.Single(r.Agents);
        Assert.Equal(new Percentiles(3500, 3500, 3500), agent.SessionDurationMs);
        Assert.Equal(1.0 / 6, agent.ToolErrorRate);
        Assert.Equal("nope", Assert.Single(r.UnknownPacts).PactId);
        Assert.Equal("v", Assert.Single(Assert.Single(r.Pacts).TopParamPaths).ParamPath);
        Assert.StartsWith("""{"line":3,"file":"l","sessionId":"s1","agentId":"a","pactId":"p","tool":"t","valid":false,""", evaluated[1]!.ToJsonLine(), StringComparison.Ordinal);
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var h = new DurationHistogram();
        foreach (var ms in Enumerable.Range(1, 100))
        {
            h.Add(ms);
        }

        Assert.Equal(new Percentiles(50, 95, 99), h.Percentiles());
    }

    [Fact]
    public void Rates_are_null_without_a_denominator()
    {
        var r = new ReplayAnalyzer(Pacts).Report();
        Assert.Null(r.ComplianceRate);
        Assert.Contains("\"complianceRate\": null", r.ToJson(), StringComparison.Ordinal);
    }
}
