namespace Pacts.Cli.Tests;

/// <summary><c>validate-call --history</c>: the SPEC §10 pre-flight of the next call against a pact's budgets.</summary>
public sealed class ValidateCallHistoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pacts-history-").FullName;

    public ValidateCallHistoryTests()
    {
        File.WriteAllText(Path.Combine(_dir, "p.yaml"), """
            pact: p
            bindings:
              - tool: pay
                conditions:
                  - paramPath: amount
                    maxAmount: 5000
            budgets:
              - name: outflow
                sum: amount
                max: 1000
                window: 1h
                severity: critical
            """);
        File.WriteAllText(Path.Combine(_dir, "log.jsonl"), """
            {"type":"tool_call","sessionId":"s1","agentId":"a1","tool":"pay","params":{"amount":700},"outcome":"success","attemptedAt":"2026-03-01T09:00:00Z","pactId":"p"}
            {"type":"tool_call","sessionId":"s1","agentId":"a1","tool":"pay","params":{"amount":500},"outcome":"denied","attemptedAt":"2026-03-01T09:05:00Z","pactId":"p"}
            not json
            {"type":"tool_call","sessionId":"s1","agentId":"a2","tool":"pay","params":{"amount":900},"outcome":"success","attemptedAt":"2026-03-01T09:06:00Z","pactId":"p"}

            """);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Out, string Err) Call(string amount, params string[] more) =>
        CliRunner.Run([.. new[] { "validate-call", "--pacts", Path.Combine(_dir, "p.yaml"), "--tool", "pay", "--params", $$"""{"amount": {{amount}}}""" }, .. more]);

    [Fact]
    public void The_call_is_judged_as_if_it_came_next_and_malformed_history_lines_only_warn()
    {
        var (exit, stdout, stderr) = Call("301", "--history", Path.Combine(_dir, "log.jsonl"), "--agent-id", "a1", "--at", "2026-03-01T09:30:00Z");
        Assert.Equal(1, exit);
        Assert.Contains("\"rule\":\"budget\",\"severity\":\"critical\",\"value\":301,\"budget\":\"outflow\",\"used\":700", stdout, StringComparison.Ordinal);
        Assert.Contains("log.jsonl:3: malformed line skipped", stderr, StringComparison.Ordinal);
        Assert.Equal(0, Call("300", "--history", Path.Combine(_dir, "log.jsonl"), "--agent-id", "a1", "--at", "2026-03-01T09:30:00Z").Exit);
    }

    [Fact]
    public void The_window_has_moved_on_an_hour_later()
    {
        Assert.Equal(0, Call("1000", "--history", Path.Combine(_dir, "log.jsonl"), "--agent-id", "a1", "--at", "2026-03-01T10:00:00Z").Exit);
        Assert.Equal(1, Call("1000", "--history", Path.Combine(_dir, "log.jsonl"), "--agent-id", "a1", "--at", "2026-03-01T09:59:59Z").Exit);
    }

    [Fact]
    public void A_budget_without_its_scope_id_is_an_error_naming_it()
    {
        var (exit, stdout, stderr) = Call("1", "--history", Path.Combine(_dir, "log.jsonl"));
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("budget `outflow` counts per agent", stderr, StringComparison.Ordinal);
        Assert.Contains("--agent-id", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--at", "yesterday", "--at `yesterday` is not an ISO 8601 date-time")]
    [InlineData("--history", "missing.jsonl", "--history log missing.jsonl cannot be read")]
    public void Bad_history_options_are_one_clear_error(string option, string value, string message)
    {
        var (exit, _, stderr) = Call("1", "--agent-id", "a1", option, value);
        Assert.Equal(2, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
