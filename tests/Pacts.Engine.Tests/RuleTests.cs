using System.Text.Json;
using Pacts.Evaluating;

namespace Pacts.Tests;

public class RequiredTests
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

public class TypeTests
{
    [Theory]
    [InlineData("string", "\"x\"", true)]
    [InlineData("string", "1", false)]
    [InlineData("number", "1.5", true)]
    [InlineData("number", "\"1.5\"", false)]
    [InlineData("integer", "3", true)]
    [InlineData("integer", "3.0", true)]
    [InlineData("integer", "3e2", true)]
    [InlineData("integer", "1.5e1", true)]
    [InlineData("integer", "3.5", false)]
    [InlineData("integer", "1e-1", false)]
    [InlineData("integer", "1e999999999999999999999", true)]
    [InlineData("boolean", "false", true)]
    [InlineData("boolean", "0", false)]
    [InlineData("object", "{}", true)]
    [InlineData("object", "[]", false)]
    [InlineData("array", "[]", true)]
    [InlineData("array", "{}", false)]
    public void Json_types(string type, string value, bool valid) =>
        Assert.Equal(valid, TestPacts.Condition("v", $"type: {type}").Validate($$"""{"v":{{value}}}""").Valid);

    [Fact]
    public void Null_is_absent_so_type_is_skipped() =>
        Assert.True(TestPacts.Condition("v", "type: string").Validate("""{"v":null}""").Valid);

    [Fact]
    public void Unknown_type_is_a_compile_error_with_a_hint()
    {
        var e = Assert.Single(TestPacts.Errors("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n        type: strng\n"));
        Assert.Equal("PACT007", e.Code);
        Assert.Contains("string", e.Help);
        Assert.Equal(6, e.Span.Line);
    }
}

public class AllowDenyTests
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

public class RegexTests
{
    [Theory]
    [InlineData("SKU-[0-9]{4}", "SKU-0042", true)]
    [InlineData("SKU-[0-9]{4}", "SKU-0042\n", false)]
    [InlineData("SKU-[0-9]{4}", "xSKU-0042", false)]
    [InlineData("a|b", "ab", false)]
    [InlineData("(?i)ok", "OK", true)]
    [InlineData("a.c", "a\nc", false)]
    [InlineData("(?s)a.c", "a\nc", true)]
    [InlineData("(?x) a b  # spaced out", "ab", true)]
    [InlineData("^abc$", "abc", true)]
    [InlineData("", "", true)]
    [InlineData("", "x", false)]
    public void Whole_string_matches(string pattern, string input, bool valid)
    {
        var pact = TestPacts.Compile($"pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        regex: {System.Text.Json.JsonSerializer.Serialize(pattern)}\n");
        Assert.Equal(valid, pact.Validate($$"""{"v":{{System.Text.Json.JsonSerializer.Serialize(input)}}}""").Valid);
    }

    [Fact]
    public void Non_strings_fail() =>
        Assert.False(TestPacts.Condition("v", "regex: '.*'").Validate("""{"v":1}""").Valid);

    [Theory]
    [InlineData(@"(a+)\1", "backreference")]
    [InlineData(@"(?=a)a", "look")]
    [InlineData(@"(?<=a)b", "look")]
    [InlineData(@"(?>a+)", "atomic")]
    [InlineData(@"(?(a)b|c)", "conditional")]
    public void Backtracking_constructs_are_rejected_with_the_construct_named(string pattern, string named)
    {
        var e = Assert.Single(TestPacts.Errors($"pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        regex: '{pattern}'\n"));
        Assert.Equal("PACT011", e.Code);
        Assert.Contains(named, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(6, e.Span.Line);
    }

    [Fact]
    public void Exploding_repetition_is_a_clear_compile_error()
    {
        var e = Assert.Single(TestPacts.Errors("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        regex: '(a{1000}){1000}'\n"));
        Assert.Equal("PACT011", e.Code);
        Assert.Contains("too large", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_pattern_is_an_error() =>
        Assert.Contains(TestPacts.Errors("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        regex: '(a'\n"), e => e.Code == "PACT011");

    [Fact]
    public void Hostile_input_runs_in_linear_time()
    {
        var pact = TestPacts.Condition("v", "regex: '(a+)+b'");
        var input = new string('a', 100_000);
        Assert.False(pact.Validate($$"""{"v":"{{input}}"}""").Valid);
    }

    [Fact]
    public void Unicode_classes_warn()
    {
        var result = Pact.Compile("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        regex: '\\d+'\n");
        Assert.True(result.Success);
        Assert.Contains(result.Diagnostics, d => d.Code == "PACT102");
    }
}

public class LengthTests
{
    [Theory]
    [InlineData("\"abc\"", true)]
    [InlineData("\"ab\"", false)]
    [InlineData("\"abcdef\"", false)]
    [InlineData("\"👍👍👍\"", true)]
    [InlineData("\"\\ud83d\\udc4d\\ud83d\\udc4d\\ud83d\\udc4d\"", true)]
    [InlineData("\"éé\"", false)]
    [InlineData("\"ééééé\"", true)]
    [InlineData("5", false)]
    public void Code_points(string value, bool valid) =>
        Assert.Equal(valid, TestPacts.Condition("v", "minLength: 3\nmaxLength: 5").Validate($$"""{"v":{{value}}}""").Valid);

    [Fact]
    public void Each_bound_is_its_own_violation() =>
        Assert.Equal(["v:minLength", "v:maxLength"], TestPacts.Condition("v", "minLength: 3\nmaxLength: 5").Validate("""{"v":[]}""").Summary());

    [Fact]
    public void Min_over_max_is_an_error() =>
        Assert.Contains(TestPacts.Errors("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        minLength: 5\n        maxLength: 3\n"), e => e.Code == "PACT012");

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("\"3\"")]
    public void Bounds_must_be_whole_non_negative_numbers(string bound) =>
        Assert.NotEmpty(TestPacts.Errors($"pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        maxLength: {bound}\n"));

    [Theory]
    [InlineData("[1,2]", true)]
    [InlineData("[1,2,3]", false)]
    [InlineData("\"ab\"", false)]
    public void Max_items(string value, bool valid) =>
        Assert.Equal(valid, TestPacts.Condition("v", "maxItems: 2").Validate($$"""{"v":{{value}}}""").Valid);
}

public class ValueRangeAndMaxAmountTests
{
    [Theory]
    [InlineData("0.01", true)]
    [InlineData("10000", true)]
    [InlineData("0.00999999999999999999999", false)]
    [InlineData("10000.000000000000000000000000001", false)]
    [InlineData("1e400", false)]
    [InlineData("-1e400", false)]
    [InlineData("1e-400", false)]
    [InlineData("\"5\"", false)]
    public void Range_is_exact_and_inclusive(string value, bool valid) =>
        Assert.Equal(valid, TestPacts.Condition("v", "valueRange: {min: 0.01, max: 10000}").Validate($$"""{"v":{{value}}}""").Valid);

    [Fact]
    public void Half_open_ranges() =>
        Assert.Equal(["v:valueRange"], TestPacts.Condition("v", "valueRange: {max: -1}").Validate("""{"v":0}""").Summary());

    [Theory]
    [InlineData("valueRange: {}", "PACT012")]
    [InlineData("valueRange: {min: 2, max: 1}", "PACT012")]
    [InlineData("valueRange: {min: 1, mx: 2}", "PACT002")]
    [InlineData("valueRange: {min: \"1\"}", "PACT004")]
    [InlineData("maxAmount: -0.01", "PACT012")]
    public void Compile_errors(string rules, string code) =>
        Assert.Contains(TestPacts.Errors($"pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        {rules}\n"), e => e.Code == code);

    [Theory]
    [InlineData("5000", true)]
    [InlineData("\"5000.00\"", true)]
    [InlineData("\"0\"", true)]
    [InlineData("\"-0\"", true)]
    [InlineData("\"007\"", true)]
    [InlineData("\"\\u0032\\u0035\\u0030\"", true)]
    [InlineData("5000.0000000000000000000000000001", false)]
    [InlineData("\"5000.01\"", false)]
    [InlineData("-0.01", false)]
    [InlineData("\"-1\"", false)]
    [InlineData("\"1e3\"", false)]
    [InlineData("\"1.\"", false)]
    [InlineData("\" 1\"", false)]
    [InlineData("\"\"", false)]
    [InlineData("true", false)]
    [InlineData("1e999999999", false)]
    [InlineData("1e-999999999", true)]
    public void Amounts(string value, bool valid) =>
        Assert.Equal(valid, TestPacts.Condition("v", "maxAmount: 5000").Validate($$"""{"v":{{value}}}""").Valid);
}

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
}

public class ManyViolationsTests
{
    [Fact]
    public void A_long_failing_array_keeps_spec_order()
    {
        var pact = TestPacts.Compile("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: \"xs[*]\"\n        type: string\n        maxAmount: 1\n      - paramPath: y\n        required: true\n");
        var json = "{\"xs\":[" + string.Join(",", Enumerable.Range(0, 500).Select(i => (i + 2).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]}";
        var summary = pact.Validate(json).Summary();
        Assert.Equal(1001, summary.Length);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"xs[{i}]:type").Concat(Enumerable.Range(0, 500).Select(i => $"xs[{i}]:maxAmount")).Append("y:required"), summary);
    }
}
