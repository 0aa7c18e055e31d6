namespace Pacts.Tests;

public class RequiredRuleTests
{
    private readonly Pact _pact = TestPacts.Condition("a.b", "required: true");

    [Theory]
    [InlineData("""{"a":{"b":1}}""", true)]
    [InlineData("""{"a":{"b":""}}""", true)]
    [InlineData("""{"a":{"b":false}}""", true)]
    [InlineData("""{"a":{"b":null}}""", false)]
    [InlineData("""{"a":{}}""", false)]
    [InlineData("""{"a":5}""", false)]
    [InlineData("""{"a":null}""", false)]
    [InlineData("""{}""", false)]
    public void Present_and_not_null(string json, bool valid)
    {
        var verdict = _pact.Validate(json);
        Assert.Equal(valid, verdict.Valid);
        if (!valid)
        {
            var v = Assert.Single(verdict.Violations);
            Assert.Equal("a.b", v.ParamPath);
            Assert.Equal("required", v.Rule);
            Assert.Null(v.Value);
        }
    }

    [Fact]
    public void Wildcard_reports_each_element_and_early_stops()
    {
        var pact = TestPacts.Condition("orders[*].lines[*].amount", "required: true");
        Assert.Empty(pact.Validate("""{"orders":[]}""").Violations);
        Assert.Equal(["orders[*].lines[*].amount:required"], pact.Validate("""{}""").Summary());
        Assert.Equal(["orders[*].lines[*].amount:required"], pact.Validate("""{"orders":5}""").Summary());
        Assert.Equal(["orders[0].lines[*].amount:required", "orders[1].lines[1].amount:required"],
            pact.Validate("""{"orders":[{"lines":"x"},{"lines":[{"amount":1},{"amount":null}]}]}""").Summary());
    }

    [Fact]
    public void Required_false_checks_nothing_and_is_not_a_rule()
    {
        var errors = TestPacts.Errors("""
            pact: p
            bindings:
              - tool: t
                conditions:
                  - paramPath: a
                    required: false
            """);
        Assert.Contains(errors, e => e.Code == "PACT010");
        Assert.True(TestPacts.Condition("a", "required: false\nmaxLength: 3").Validate("{}").Valid);
    }
}
