using System.Text;

namespace Pacts.Tests;

/// <summary><c>when</c> guards (SPEC §4): when a condition applies, what a guard may hold, and every way in agreeing.</summary>
public class CompiledGuardTests
{
    private const string Guarded = """
        pact: p
        bindings:
          - tool: t
            additionalParams: deny
            conditions:
              - paramPath: amount
                when: {paramPath: currency, allowList: [DAI]}
                maxAmount: 1000
              - paramPath: memo
                when:
                  - paramPath: meta.kind
                    type: string
                  - paramPath: legs[1]
                required: true
                severity: minor
        """;

    private static readonly Pact Pact = TestPacts.Compile(Guarded);

    [Theory]
    [InlineData("""{"amount": 2000, "currency": "DAI"}""", "amount:maxAmount")]
    [InlineData("""{"amount": 2000, "currency": "USDC"}""", "")]
    [InlineData("""{"amount": 2000}""", "")]
    [InlineData("""{"amount": 2000, "currency": null}""", "")]
    [InlineData("""{"amount": 2000, "currency": "USDC", "currency": "DAI"}""", "amount:maxAmount")] // any copy of a key that holds
    [InlineData("""{"amount": 2000, "curr\u0065ncy": "DAI"}""", "amount:maxAmount")]                // escaped names are names
    [InlineData("""{"meta": {"kind": "x"}, "legs": [0, 1]}""", "memo:required")]
    [InlineData("""{"meta": {"kind": 5}, "legs": [0, 1]}""", "")]
    [InlineData("""{"meta": {"kind": "x"}, "legs": [0]}""", "")]
    [InlineData("""{"meta": {"kind": "x"}, "legs": [0, null]}""", "")]
    [InlineData("""{"meta": "x", "legs": [0, 1]}""", "")]
    [InlineData("""{"other": 1}""", "other:additionalParams")]
    public void A_condition_applies_only_when_every_guard_holds(string json, string expected)
    {
        Assert.Equal(expected, string.Join(",", Pact.Validate(json).Summary()));
        // The raw UTF-8 path judges the same way.
        Assert.Equal(expected, string.Join(",", Pact.Validate("t", (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(json)).Summary()));
    }

    [Fact]
    public void A_guards_first_key_is_a_named_param_whether_or_not_it_holds() =>
        Assert.Empty(Pact.Validate("""{"currency": "USDC", "meta": 1, "legs": []}""").Violations);

    [Fact]
    public void Guarded_violations_keep_file_order_among_unguarded_ones()
    {
        var pact = TestPacts.Compile("""
            pact: p
            bindings:
              - tool: t
                conditions:
                  - paramPath: b
                    when: {paramPath: g}
                    required: true
                  - paramPath: a
                    required: true
            """);
        Assert.Equal(["b:required", "a:required"], pact.Validate("""{"g": 1}""").Summary());
    }

    [Theory]
    [InlineData("when: null", "PACT004", "`when` must be a guard or a list of guards")]
    [InlineData("when: []", "PACT013", "`when` cannot be an empty list")]
    [InlineData("when: [5]", "PACT004", "a guard must be a mapping")]
    [InlineData("when: {allowList: [x]}", "PACT003", "missing key `paramPath` in a guard")]
    [InlineData("when: {paramPath: 'xs[*].k'}", "PACT009", "cannot contain `[*]`")]
    [InlineData("when: {paramPath: c, required: true}", "PACT002", "`required` is not allowed in a guard")]
    [InlineData("when: {paramPath: c, severity: minor}", "PACT002", "`severity` is not allowed in a guard")]
    [InlineData("when: {paramPath: c, alowList: [x]}", "PACT002", "did you mean `allowList`")]
    [InlineData("when: {paramPath: c, regex: '(a)\\1'}", "PACT011", "")]
    [InlineData("when: {paramPath: c, valueRange: {min: 2, max: 1}}", "PACT012", "")]
    [InlineData("when: {paramPath: 'a..b'}", "PACT009", "")]
    public void Guards_are_checked_when_the_pact_compiles(string when, string code, string text)
    {
        var errors = TestPacts.Errors($"pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        maxAmount: 1\n        {when}\n");
        Assert.Contains(errors, e => e.Code == code && (e.Message + " " + e.Help).Contains(text, StringComparison.Ordinal));
    }

    [Fact]
    public void A_condition_with_only_a_guard_has_no_rule() =>
        Assert.Contains(TestPacts.Errors("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        when: {paramPath: c}\n"),
            e => e.Code == "PACT010");

    [Fact]
    public void Yaml_and_json_forms_of_a_guarded_pact_judge_alike()
    {
        var json = TestPacts.CompileJson("""
            {"pact": "p", "bindings": [{"tool": "t", "additionalParams": "deny", "conditions": [
              {"paramPath": "amount", "when": {"paramPath": "currency", "allowList": ["DAI"]}, "maxAmount": 1000},
              {"paramPath": "memo", "when": [{"paramPath": "meta.kind", "type": "string"}, {"paramPath": "legs[1]"}],
               "required": true, "severity": "minor"}]}]}
            """);
        foreach (var call in new[] { """{"amount": 2000, "currency": "DAI"}""", """{"meta": {"kind": "x"}, "legs": [0, 1]}""", """{"x": 1}""" })
        {
            Assert.Equal(Pact.Validate(call).ToJson(), json.Validate(call).ToJson());
        }
    }
}
