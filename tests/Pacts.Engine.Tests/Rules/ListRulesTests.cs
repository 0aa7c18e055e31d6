using Pacts.Evaluating;

namespace Pacts.Tests;

public class ListRulesTests
{
    [Fact]
    public void Numbers_compare_by_exact_value()
    {
        var pact = TestPacts.Condition("v", "allowList: [1, 2.50, 1e3]");
        foreach (var ok in new[] { "1", "1.0", "1e0", "10e-1", "2.5", "2.500", "1000", "1E3", "0.001e6" })
        {
            Assert.True(pact.Validate($$"""{"v":{{ok}}}""").Valid, ok);
        }

        foreach (var bad in new[] { "1.0000000000000000000000001", "\"1\"", "true", "[1]", "{}", "999.9999999999999999999" })
        {
            Assert.False(pact.Validate($$"""{"v":{{bad}}}""").Valid, bad);
        }
    }

    [Fact]
    public void Strings_are_ordinal_and_escape_aware()
    {
        var pact = TestPacts.Condition("v", "allowList: [USDC, \"é\", \"a\\\"b\"]");
        Assert.True(pact.Validate("""{"v":"USDC"}""").Valid);
        Assert.True(pact.Validate("""{"v":"\u0055SDC"}""").Valid);
        Assert.True(pact.Validate("""{"v":"\u00e9"}""").Valid);
        Assert.True(pact.Validate("""{"v":"a\"b"}""").Valid);
        Assert.False(pact.Validate("""{"v":"usdc"}""").Valid);
        Assert.False(pact.Validate("""{"v":"USDC "}""").Valid);
    }

    [Theory]
    [InlineData("allowList: [USDC, DAI]", @"U\u0053DC", true)] // escaped, longer than the shortest member
    [InlineData("allowList: [USDC, DAI]", @"\u0044AI", true)]
    [InlineData("allowList: [USDC, DAI]", @"D\u0041", false)] // escaped, no longer than the shortest member: "DA"
    [InlineData("allowList: ['a\\b', x]", @"a\\b", true)] // a member holding a backslash, written escaped
    [InlineData("allowList: ['a\\b', x]", @"a\\\\b", false)]
    [InlineData("denyList: ['a\\b']", @"a\\b", false)]
    [InlineData("regex: '[a-z]{3}'", @"\u0061bc", true)] // the pattern takes no backslash: matched as written first
    [InlineData("regex: '[a-z]{3}'", @"a\nc", false)]
    [InlineData("regex: '[a-z\\\\]{3}'", @"a\\b", true)] // it takes one: the decoded text (a\b) decides
    [InlineData("regex: '[a-z\\\\]{3}'", @"a\\\\b", false)]
    public void Escaped_strings_are_judged_by_their_value_whichever_way_they_are_read(string rule, string jsonString, bool valid)
    {
        var pact = TestPacts.Condition("v", rule);
        var json = "{\"v\":\"" + jsonString + "\"}";
        Assert.Equal(valid, pact.Validate(json).Valid);
        Assert.Equal(valid, pact.Validate("t", (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(json)).Valid);
    }

    [Theory]
    [InlineData("\"0xA\"", "50", "")]
    [InlineData("\"0xDEAD\"", "50", "d:allowList d:denyList")]
    [InlineData("\"0xBAD\"", "50", "d:allowList")]
    [InlineData("7", "50", "d:allowList d:denyList")]
    [InlineData("7.5", "\"50\"", "a:type a:valueRange")]
    [InlineData("\"0xA\"", "0", "a:valueRange")]
    [InlineData("\"0xA\"", "-5", "a:valueRange a:maxAmount")]
    [InlineData("\"0xA\"", "200", "a:valueRange a:maxAmount")]
    [InlineData("\"0xA\"", "80", "a:maxAmount")] // in range, over the cap: a pass implies nothing it should not
    [InlineData("true", "true", "d:allowList a:type a:valueRange a:maxAmount")]
    public void Rules_a_passing_rule_implies_are_skipped_without_changing_a_verdict_or_its_order(string d, string a, string expected)
    {
        // allowList passing implies denyList (the lists cannot overlap); valueRange passing implies type: number. The
        // implying rules run first; the violations still come out in the rule table's order, on both paths.
        var pact = Pact.Compile("""
            pact: p
            bindings:
              - tool: t
                conditions:
                  - paramPath: d
                    allowList: ["0xA", 7.5]
                    denyList: ["0xDEAD", 7]
                  - paramPath: a
                    type: number
                    valueRange: {min: 0.01, max: 100}
                    maxAmount: 60
            """).Pact!;
        var json = "{\"d\":" + d + ",\"a\":" + a + "}";
        var parsed = pact.Validate(json);
        Assert.Equal(expected, string.Join(" ", parsed.Violations.Select(v => v.ParamPath + ":" + v.Rule)));
        Assert.Equal(parsed.ToJson(), pact.Validate("t", (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(json)).ToJson());
    }

    [Theory]
    [InlineData("0xA11A0000000000000002", true)]
    [InlineData("0xA11A0000000000000003", false)]
    [InlineData("0xA11A000", false)]
    [InlineData("0xA11A00", false)]
    [InlineData("0xA11A0000", true)]
    [InlineData("0xA11A0001", false)]
    [InlineData(@"0x\u004111A0000", true)]
    public void Members_sharing_their_first_eight_bytes_are_told_apart_by_the_rest(string value, bool valid)
    {
        // Short lists compare an 8-byte head before the whole text: equal heads must still compare in full.
        var pact = TestPacts.Condition("v", "allowList: [\"0xA11A0000000000000001\", \"0xA11A0000000000000002\", \"0xA11A0000\"]");
        Assert.Equal(valid, pact.Validate("{\"v\":\"" + value + "\"}").Valid);
        Assert.Equal(valid, pact.Validate("t", (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes("{\"v\":\"" + value + "\"}")).Valid);
    }

    [Fact]
    public void Large_lists_use_hash_lookups_with_the_same_semantics()
    {
        var values = string.Join(", ", Enumerable.Range(0, 1000).Select(i => $"v{i}"));
        var numbers = string.Join(", ", Enumerable.Range(0, 1000).Select(i => $"{i}.5"));
        var pact = TestPacts.Condition("v", $"allowList: [{values}, {numbers}, true]");
        Assert.True(pact.Validate("""{"v":"v999"}""").Valid);
        Assert.True(pact.Validate("""{"v":"\u0076999"}""").Valid);
        Assert.True(pact.Validate("""{"v":999.50}""").Valid);
        Assert.True(pact.Validate("""{"v":9.995e2}""").Valid);
        Assert.True(pact.Validate("""{"v":true}""").Valid);
        Assert.False(pact.Validate("""{"v":false}""").Valid);
        Assert.False(pact.Validate("""{"v":"v1000"}""").Valid);
        Assert.False(pact.Validate("""{"v":999}""").Valid);
    }

    [Fact]
    public void Deny_list_reports_the_value()
    {
        var v = Assert.Single(TestPacts.Condition("v", "denyList: [\"0xDEAD\"]\nseverity: critical").Validate("""{"v":"0xDEAD"}""").Violations);
        Assert.Equal(("v", "denyList", Severity.Critical, "\"0xDEAD\""), (v.ParamPath, v.Rule, v.Severity, v.Value));
    }

    [Theory]
    [InlineData("allowList: []", "PACT013")]
    [InlineData("allowList: [a, {b: 1}]", "PACT014")]
    [InlineData("denyList: [[1]]", "PACT014")]
    [InlineData("allowList: [a, 1.0]\n        denyList: [1]", "PACT015")]
    [InlineData("allowList: x", "PACT004")]
    public void List_compile_errors(string rules, string code) =>
        Assert.Contains(TestPacts.Errors($"pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n        {rules}\n"), e => e.Code == code);

    [Fact]
    public void Null_in_both_lists_is_only_the_null_warning()
    {
        var d = TestPacts.AllDiagnostics("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n        allowList: [a, null]\n        denyList: [null, b]\n");
        Assert.DoesNotContain(d, x => x.Code == "PACT015");
        Assert.Equal(2, d.Count(x => x.Code == "PACT105"));
    }

    [Theory]
    [InlineData("\"USDC\"", true)]
    [InlineData("\"\\u0055SDC\"", true)]
    [InlineData("\"été\"", true)]
    [InlineData("\"\\u00e9t\\u00e9\"", true)]
    [InlineData("\"usdc\"", false)]
    [InlineData("2.5", true)]
    [InlineData("2.50000", true)]
    [InlineData("100", true)]
    [InlineData("1.00e2", true)]
    [InlineData("100.0000000000000000000000001", false)]
    [InlineData("\"100\"", false)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Long_lists_use_the_same_equality_as_short_ones(string value, bool member)
    {
        // Past eight values of a kind, membership goes through hash sets: the same SPEC §4 equality must hold.
        var list = "[USDC, USDT, DAI, EURC, GBPT, été, a, b, c, d, 1, 2.50, 1e2, 4, 5, 6, 7, 8, 9, true]";
        foreach (var (rule, passesWhenMember) in new[] { ("allowList", true), ("denyList", false) })
        {
            var pact = TestPacts.Condition("v", $"{rule}: {list}");
            var verdict = pact.Validate($$"""{"v":{{value}}}""");
            Assert.Equal(member == passesWhenMember, verdict.Valid);
            Assert.Equal(verdict.ToJson(), pact.Validate("t", (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes($$"""{"v":{{value}}}""")).ToJson());
        }
    }

    [Theory]
    [InlineData("[a, b, a, 1, 1.0]", 2)]
    [InlineData("[true, false, true, 1e2, 100, 100.00]", 3)]
    [InlineData("['1', 1, 'true', true]", 0)]
    [InlineData("[a, b, c, d, e, f, g, h, i, j, k, a]", 1)]
    public void Duplicate_list_values_warn(string list, int repeats)
    {
        var result = Pact.Compile($"pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n        allowList: {list}\n");
        Assert.True(result.Success);
        Assert.Equal(repeats, result.Diagnostics.Count(d => d.Code == "PACT101"));
    }
}
