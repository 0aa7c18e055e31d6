using Pacts.Evaluating;

namespace Pacts.Tests;

public class PactLevelTests
{
    private readonly Pact _pact = TestPacts.Compile("""
        pact: p
        unboundTools: deny
        bindings:
          - tool: t
            additionalParams: deny
            conditions:
              - paramPath: a.b
                maxLength: 2
              - paramPath: "['x y']"
                required: true
        """);

    [Fact]
    public void Unbound_tool_is_one_critical_violation()
    {
        var verdict = _pact.Validate("{}", tool: "other");
        Assert.False(verdict.Bound);
        var v = Assert.Single(verdict.Violations);
        Assert.Equal(("", "unboundTool", Severity.Critical, (string?)null), (v.ParamPath, v.Rule, v.Severity, v.Value));
    }

    [Fact]
    public void Unbound_tool_is_allowed_by_default()
    {
        var verdict = TestPacts.Compile("pact: p\nbindings: []").Validate("{}", tool: "anything");
        Assert.True(verdict.Valid);
        Assert.False(verdict.Bound);
    }

    [Fact]
    public void Additional_params_come_after_conditions_in_key_order_and_skip_null()
    {
        var verdict = _pact.Validate("""{"z":1,"a":{"b":"long"},"x y":1,"q r":[1],"n":null}""");
        Assert.Equal(["a.b:maxLength", "z:additionalParams", "['q r']:additionalParams"], verdict.Summary());
        Assert.Equal("[1]", verdict.Violations[2].Value);
        Assert.Equal(Severity.Major, verdict.Violations[2].Severity);
    }

    [Fact]
    public void Duplicate_keys_cannot_hide_a_value()
    {
        var pact = TestPacts.Condition("amount", "maxAmount: 10");
        Assert.False(pact.Validate("""{"amount":1,"amount":99999}""").Valid);
        Assert.False(pact.Validate("""{"amount":99999,"amount":1}""").Valid);
    }

    [Fact]
    public void Params_must_be_an_object()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("[1]");
        Assert.Throws<ArgumentException>(() => _pact.Validate("t", doc.RootElement));
        Assert.Throws<ArgumentException>(() => _pact.Validate("t", "[1]"));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => _pact.Validate("t", "{"));
        Assert.Throws<ArgumentException>(() => _pact.Validate("t", "{\"a\":\"\ud800\"}")); // a C# string that is not UTF-16 text
    }
}
