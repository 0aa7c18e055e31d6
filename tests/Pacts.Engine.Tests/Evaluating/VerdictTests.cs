using System.Text.Json;
using Pacts.Evaluating;

namespace Pacts.Tests;

public class VerdictTests
{
    [Fact]
    public void The_hand_written_verdict_json_is_byte_for_byte_the_serializers()
    {
        var nasty = "q\"uo\\te\n\u0001 <tag>&'` é 👍 \u2028";
        var verdicts = new[]
        {
            new Verdict("p", 3, nasty, true, []),
            new Verdict(nasty, int.MaxValue, "t", false, [new Violation("", "unboundTool", Severity.Critical, null, nasty)]),
            new Verdict("p", 1, "t", true,
            [
                new Violation("items[2]['x y']", "regex", Severity.Minor, "\"a\\u0041\\n👍\"", nasty),
                new Violation("amount", "maxAmount", Severity.Major, "1e400", "m"),
                new Violation("v", "type", Severity.Critical, "{\"k\": [1, true, null]}", "m"),
                new Violation(nasty, "required", Severity.Minor, null, "m"),
            ]),
        };
        foreach (var v in verdicts)
        {
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(v, PactsJsonContext.Relaxed.Verdict), v.ToJson());
        }
    }

    [Fact]
    public void Order_is_conditions_then_rule_table_then_locations()
    {
        var pact = TestPacts.Compile("""
            pact: p
            bindings:
              - tool: t
                conditions:
                  - paramPath: "items[*].sku"
                    maxLength: 3
                    regex: 'S[0-9]+'
                    required: true
                  - paramPath: first
                    allowList: [x]
            """);
        var verdict = pact.Validate("""{"items":[{"sku":"bad-long"},{},{"sku":"S12345"}],"first":"y"}""");
        Assert.Equal(["items[1].sku:required", "items[0].sku:regex", "items[0].sku:maxLength", "items[2].sku:maxLength", "first:allowList"], verdict.Summary());
    }

    [Fact]
    public void Json_shape_and_round_trip()
    {
        var verdict = TestPacts.Condition("d", "allowList: [ok]\nseverity: critical\nmessage: must be ok", extra: "version: 3").Validate("""{"d":"0xEVIL"}""");
        var json = verdict.ToJson();
        Assert.Equal("""{"valid":false,"pactId":"p","pactVersion":3,"tool":"t","bound":true,"violations":[{"paramPath":"d","rule":"allowList","severity":"critical","value":"0xEVIL","message":"must be ok"}]}""", json);
        Assert.Equal(json, Verdict.FromJson(json)!.ToJson());
        Assert.Equal(Severity.Critical, verdict.HighestSeverity);
    }

    [Fact]
    public void A_verdict_whose_value_nests_deep_is_written_and_read_back()
    {
        // Parsed params may nest deeper than the 64 levels JSON readers and writers check by default.
        var deep = new string('[', 100) + new string(']', 100);
        using var doc = JsonDocument.Parse("{\"d\":" + deep + "}", new JsonDocumentOptions { MaxDepth = 128 });
        var verdict = TestPacts.Condition("d", "type: string").Validate("t", doc.RootElement);
        var json = verdict.ToJson();
        Assert.Contains("\"value\":" + deep, json, StringComparison.Ordinal);
        Assert.Equal(json, Verdict.FromJson(json)!.ToJson());
        Assert.Equal(json, JsonSerializer.Serialize(verdict, PactsJsonContext.Relaxed.Verdict));
    }

    [Fact]
    public void Value_is_verbatim()
    {
        var v = Assert.Single(TestPacts.Condition("d", "maxAmount: 1").Validate("""{"d":1.50E+3}""").Violations);
        Assert.Equal("1.50E+3", v.Value);
    }

    [Fact]
    public void Generated_messages_name_rule_and_bound()
    {
        var v = Assert.Single(TestPacts.Condition("amount", "maxAmount: 5000").Validate("""{"amount":6000}""").Violations);
        Assert.Contains("5000", v.Message);
        Assert.Contains("amount", v.Message);
    }

    [Fact]
    public void A_violation_describes_itself_on_one_line_for_people()
    {
        Assert.Equal("critical destination allowList \"0xEVIL\": destination must be a treasury wallet",
            new Violation("destination", "allowList", Severity.Critical, "\"0xEVIL\"", "destination must be a treasury wallet").Describe());
        Assert.Equal("critical (call) unboundTool: `refund` is not bound",
            new Violation("", "unboundTool", Severity.Critical, null, "`refund` is not bound").Describe());
        Assert.Equal("major amount budget 4000: too much (budget daily, used 140)",
            new Violation("amount", "budget", Severity.Major, "4000", "too much") { Budget = "daily", Used = "140" }.Describe());
    }
}
