namespace Pacts.Tests;

/// <summary>SPEC §10's compile-time errors and warnings for <c>budgets</c>.</summary>
public class BudgetCompileTests
{
    private static string Pact(string budget) =>
        $"pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: amount\n        maxAmount: 10\nbudgets:\n  - {budget}\n";

    [Theory]
    [InlineData("name: x\n    window: 1h", "PACT003", "missing key `max`")]
    [InlineData("name: x\n    max: 1", "PACT003", "missing key `window`")]
    [InlineData("max: 1\n    window: 1h", "PACT003", "missing key `name`")]
    [InlineData("name: x\n    max: -1\n    window: 1h", "PACT012", "`max` must be at least 0")]
    [InlineData("name: x\n    max: 1e1000\n    window: 1h", "PACT012", "`max` must be below 1E+1000 with no digit below 1E-1000, not `1e1000`")]
    [InlineData("name: x\n    max: 1e-1001\n    window: 1h", "PACT012", "`max` must be below 1E+1000")]
    [InlineData("name: x\n    max: \"5\"\n    window: 1h", "PACT004", "`max` must be a number")]
    [InlineData("name: x\n    max: 1\n    window: 1.5h", "PACT021", "`window` must be a whole number")]
    [InlineData("name: x\n    max: 1\n    window: 0m", "PACT021", "")]
    [InlineData("name: x\n    max: 1\n    window: 1000s", "PACT021", "")]
    [InlineData("name: x\n    max: 1\n    window: 60", "PACT021", "")]
    [InlineData("name: x\n    max: 1\n    window: 1w", "PACT021", "")]
    [InlineData("name: -x\n    max: 1\n    window: 1h", "PACT021", "invalid budget name")]
    [InlineData("name: x\n    max: 1\n    window: 1h\n    per: agen", "PACT007", "did you mean `agent`?")]
    [InlineData("name: x\n    max: 1\n    window: 1h\n    severity: high", "PACT007", "")]
    [InlineData("name: x\n    max: 1\n    window: 1h\n    tools: []", "PACT013", "`tools` cannot be empty")]
    [InlineData("name: x\n    max: 1\n    window: 1h\n    sum: 'a..b'", "PACT009", "")]
    [InlineData("name: x\n    max: 1\n    window: 1h\n    windw: 1h", "PACT002", "did you mean `window`?")]
    public void Errors(string budget, string code, string text) =>
        Assert.Contains(TestPacts.Errors(Pact(budget)), e => e.Code == code && (e.Message + " " + e.Help).Contains(text, StringComparison.Ordinal));

    [Fact]
    public void A_repeated_name_is_reported_at_the_later_one()
    {
        var errors = TestPacts.Errors(Pact("name: x\n    max: 1\n    window: 1h\n  - name: x\n    max: 2\n    window: 1h"));
        var e = Assert.Single(errors);
        Assert.Equal(("PACT021", 11), (e.Code, e.Span.Line));
    }

    [Theory]
    [InlineData("name: x\n    max: 1\n    window: 1h\n    tools: [tt]", "PACT106", "did you mean `t`?")]
    [InlineData("name: x\n    max: 1\n    window: 1h\n    sum: amout", "PACT107", "amout")]
    public void Warnings_load_the_pact(string budget, string code, string text)
    {
        var result = Pacts.Pact.Compile(Pact(budget));
        Assert.True(result.Success);
        Assert.Contains(result.Diagnostics, d => d.Code == code && (d.Message + " " + d.Help).Contains(text, StringComparison.Ordinal));
    }

    [Fact]
    public void A_budget_that_reads_a_bound_path_loads_clean()
    {
        var result = Pacts.Pact.Compile(Pact("name: daily\n    tools: [t]\n    sum: amount\n    max: 50000\n    window: 24h\n    per: session\n    severity: critical\n    message: capped"));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(["daily"], result.Pact!.BudgetNames);
    }
}
