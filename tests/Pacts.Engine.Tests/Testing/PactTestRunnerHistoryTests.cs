using Pacts.Testing;

namespace Pacts.Engine.Tests.Testing;

/// <summary><c>history:</c> in pact test cases (SPEC §7): defaults, time chaining, recording, isolation between cases, errors.</summary>
public sealed class PactTestRunnerHistoryTests
{
    // Three budgets over one tool: a per-agent sum, a per-session count, and a pact-wide count over a 10 s window.
    private const string Pact = """
        pact:
          pact: p
          bindings:
            - tool: pay
              conditions:
                - paramPath: amount
                  maxAmount: 100
          budgets:
            - {name: spend, sum: amount, max: 100, window: 1h, per: agent}
            - {name: per-session, max: 3, window: 1h, per: session}
            - {name: burst, max: 5, window: 10s, per: pact}
        cases:
        """;

    private static PactTestFileResult Run(string cases) => PactTestRunner.Run(Pact + "\n" + cases, "h.test.yaml", pacts: null);

    private static PactTestCaseResult Only(string cases)
    {
        var result = Run(cases);
        Assert.Empty(result.Errors);
        return Assert.Single(result.Cases);
    }

    [Fact]
    public void History_charges_the_default_agent_and_the_case_sees_the_window_total()
    {
        // No ids anywhere: every entry and the case are test-agent in test-session, so 60 + 30 leave 10 of spend.
        var c = Only("""
              - name: defaults share one agent
                history:
                  - {tool: pay, params: {amount: 60}}
                  - {tool: pay, params: {amount: 30}}
                tool: pay
                params: {amount: 11}
                expect:
                  valid: false
                  violations:
                    - {paramPath: amount, rule: budget, severity: major, budget: spend, value: 11, used: 90}
            """);
        Assert.True(c.Passed, c.Failure + string.Join("; ", c.Differences));
    }

    [Fact]
    public void Another_agent_or_session_has_its_own_windows()
    {
        var c = Only("""
              - name: other agent, other session
                agentId: someone-else
                sessionId: s2
                history:
                  - {tool: pay, params: {amount: 100}}
                  - {tool: pay, params: {amount: 0}}
                  - {tool: pay, params: {amount: 0}}
                tool: pay
                params: {amount: 100}
                expect: {valid: true}
            """);
        Assert.True(c.Passed, c.Failure + string.Join("; ", c.Differences));
    }

    [Fact]
    public void Default_times_are_a_second_apart_and_chain_from_the_last_written_time()
    {
        // Five calls a second apart starting at 00:00:00 fill `burst` (10 s); the case's default time is one second
        // after the last entry (00:00:04 + 1 s), still inside the window, so a sixth call breaches. Moved past the
        // window by an explicit time it passes.
        var history = """
                history:
                  - {tool: pay, agentId: a1, sessionId: s1, params: {amount: 0}}
                  - {tool: pay, agentId: a2, sessionId: s2, params: {amount: 0}}
                  - {tool: pay, agentId: a3, sessionId: s3, params: {amount: 0}}
                  - {tool: pay, agentId: a4, sessionId: s4, params: {amount: 0}}
                  - {tool: pay, agentId: a5, sessionId: s5, params: {amount: 0}}
            """;
        var inside = Only($"""
              - name: inside
            {history}
                tool: pay
                params: {"{"}amount: 0{"}"}
                expect:
                  valid: false
                  violations:
                    - {"{"}rule: budget, budget: burst, paramPath: "", value: 1, used: 5{"}"}
            """);
        Assert.True(inside.Passed, inside.Failure + string.Join("; ", inside.Differences));

        var after = Only($"""
              - name: after the window
                attemptedAt: 2026-01-01T00:00:10Z
            {history}
                tool: pay
                params: {"{"}amount: 0{"}"}
                expect: {"{"}valid: true{"}"}
            """);
        Assert.True(after.Passed, after.Failure + string.Join("; ", after.Differences));
    }

    [Fact]
    public void Only_successful_history_records_and_each_case_starts_empty()
    {
        var result = Run("""
              - name: failed, denied and refused calls are not charged
                history:
                  - {tool: pay, outcome: error, params: {amount: 100}}
                  - {tool: pay, outcome: denied, params: {amount: 100}}
                  - {tool: pay, outcome: refused, params: {amount: 100}}
                tool: pay
                params: {amount: 100}
                expect: {valid: true}
              - name: the next case does not see the last case's history, nor the last case itself
                tool: pay
                params: {amount: 100}
                expect: {valid: true}
              - name: a breaching success is still charged
                history:
                  - {tool: pay, params: {amount: 100}}
                  - {tool: pay, params: {amount: 50}}
                tool: pay
                params: {amount: 1}
                expect:
                  valid: false
                  violations:
                    - {rule: budget, budget: spend, used: 150}
            """);
        Assert.Empty(result.Errors);
        Assert.All(result.Cases, c => Assert.True(c.Passed, c.Name + ": " + c.Failure + string.Join("; ", c.Differences)));
        Assert.Equal(3, result.Cases.Count);
    }

    [Theory]
    [InlineData("- {tool: pay}", "needs `params` (a mapping)")]
    [InlineData("- {tool: pay, attemptedAt: yesterday, params: {amount: 1}}", "`attemptedAt` must be an ISO 8601 date-time")]
    [InlineData("- {tool: pay, outcome: sucess, params: {amount: 1}}", "`outcome` must be one of success, error, denied, refused")]
    public void A_history_entry_that_is_not_a_call_fails_its_case_naming_the_entry(string entry, string expected)
    {
        var c = Only($"""
              - name: bad entry
                history:
                  {entry}
                tool: pay
                params: {"{"}amount: 1{"}"}
                expect: {"{"}valid: true{"}"}
            """);
        Assert.False(c.Passed);
        Assert.StartsWith($"history entry at line {c.Line + 2}", c.Failure, StringComparison.Ordinal);
        Assert.Contains(expected, c.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_in_a_history_entry_is_a_file_error_with_a_did_you_mean()
    {
        var result = Run("""
              - name: typo
                history:
                  - {tool: pay, agentid: x, params: {amount: 1}}
                tool: pay
                params: {amount: 1}
                expect: {valid: true}
            """);
        var error = Assert.Single(result.Errors);
        Assert.Equal("PACT002", error.Code);
        Assert.Contains("agentid", error.Message, StringComparison.Ordinal);
        Assert.Contains("agentId", error.Help, StringComparison.Ordinal);
    }
}
