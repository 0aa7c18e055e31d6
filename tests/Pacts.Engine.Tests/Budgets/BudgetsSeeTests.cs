namespace Pacts.Tests;

/// <summary><see cref="Pact.BudgetsSee"/>: a budget's <c>tools</c>, or every tool when it names none (SPEC §10).</summary>
public class BudgetsSeeTests
{
    [Fact]
    public void A_budget_sees_its_tools_or_every_tool_when_it_names_none()
    {
        var named = Pact.Compile("""
            pact: p
            bindings:
              - {tool: pay, conditions: []}
              - {tool: read, conditions: []}
            budgets:
              - {name: outflow, tools: [pay], sum: amount, max: 10, window: 1h}
            """).Pact!;
        Assert.True(named.BudgetsSee("pay"));
        Assert.False(named.BudgetsSee("read"));
        var all = Pact.Compile("""
            pact: q
            bindings:
              - {tool: read, conditions: []}
            budgets:
              - {name: rate, max: 10, window: 1m}
            """).Pact!;
        Assert.True(all.BudgetsSee("read"));
        Assert.True(all.BudgetsSee("anything"));
        Assert.False(Pact.Compile("pact: r\nbindings:\n  - {tool: read, conditions: []}\n").Pact!.BudgetsSee("read"));
    }
}
