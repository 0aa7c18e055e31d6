using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pacts.Evaluating;
using Pacts.Json;

namespace Pacts.Tests;

/// <summary>
/// The raw UTF-8 streaming pass (<see cref="StreamEvaluator"/>) must give exactly the verdict of the
/// per-condition walk over a parsed document, on any pact and any params, and fail on invalid JSON
/// with the very error the indexed path gives.
/// </summary>
public class StreamEvaluatorTests
{

    // Overlapping prefixes, wildcards beside indexes, nested wildcards, terminal containers, quoted keys.
    private static readonly string[] Paths =
    [
        "a", "b", "a.x", "a.y.z", "items", "items[*]", "items[*].sku", "items[0].sku", "items[1]", "items[0]",
        "items[*].tags[*]", "items[*].tags[0]", "m[*][*]", "m[1][0]", "['k.q']", "['k.q'].v", "a.x[2].w",
    ];

    private static readonly string[] Rules =
    [
        "required: true", "type: string", "type: number", "type: integer", "type: array", "type: object", "type: boolean",
        "allowList: [USDC, 1, 2.5, true]", "denyList: [bad, 7]", "regex: 'SKU-[0-9]{4}'", "minLength: 2", "maxLength: 4",
        "maxItems: 1", "valueRange: {min: -1.5, max: 100}", "maxAmount: 50",
    ];

    private static readonly Pact SkuPact = Pact.Compile("""
        pact: p
        bindings:
          - tool: t
            additionalParams: deny
            conditions:
              - paramPath: items[*].sku
                required: true
                regex: 'SKU-[0-9]{4}'
        """).Pact!;

    private static readonly string[] Names = ["a", "b", "items", "m", "k.q", "x", "y", "z", "sku", "tags", "w", "v", "zz"];

    [Property(MaxTest = 300)]
    public Property Streaming_pass_agrees_with_the_walk_on_any_pact_and_params()
    {
        var prop = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            var pactText = RandomPact(rng);
            var compiled = Pact.Compile(pactText, "p.yaml");
            Assert.True(compiled.Success, string.Join("\n", compiled.Diagnostics) + "\n" + pactText);
            var pact = compiled.Pact!;
            for (var i = 0; i < 25; i++)
            {
                var json = RandomValue(rng, 0, top: true);
                var tool = rng.Next(6) == 0 ? "other" : "t";
                var bytes = Encoding.UTF8.GetBytes(json);
                using var doc = JsonDocument.Parse(json);
                var walked = pact.Validate(tool, doc.RootElement).ToJson();
                Assert.True(walked == pact.Validate(tool, (ReadOnlyMemory<byte>)bytes).ToJson(), $"{pactText}\n{json}\nwalk: {walked}\nstream: {pact.Validate(tool, (ReadOnlyMemory<byte>)bytes).ToJson()}");
            }
        });
        return prop;
    }

    [Property(MaxTest = 300)]
    public Property Invalid_json_fails_with_the_indexed_paths_error()
    {
        var pact = SkuPact;
        var prop = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            var json = RandomValue(rng, 0, top: true);
            var bytes = Encoding.UTF8.GetBytes(json).ToList();
            var cuts = rng.Next(1, 3);
            for (var c = 0; c < cuts && bytes.Count > 0; c++)
            {
                var at = rng.Next(bytes.Count);
                switch (rng.Next(3))
                {
                    case 0: bytes.RemoveAt(at); break;
                    case 1: bytes.Insert(at, (byte)"{}[],:\"x1 "[rng.Next(10)]); break;
                    default: bytes.RemoveRange(at, bytes.Count - at); break;
                }
            }

            var input = bytes.ToArray();
            var expected = Outcome(() => ParamsDom.Rent().Load(input));
            var actual = Outcome(() => pact.Validate("t", (ReadOnlyMemory<byte>)input));
            if (expected.StartsWith("JsonException", StringComparison.Ordinal))
            {
                Assert.Equal(expected, actual);
            }
            else
            {
                Assert.False(actual.StartsWith("JsonException", StringComparison.Ordinal), actual);
            }
        });
        return prop;
    }

    [Theory]
    [InlineData("""{"items":[{"sku":"SKU-1"},{"sku":"SKU-0001"},{"qty":1}]}""", 2)]
    [InlineData("""{"items":[{"sku":null,"sku":"bad"}]}""", 2)]
    [InlineData("""{"items":{"sku":"SKU-0001"}}""", 1)]
    [InlineData("""{"items":[]}""", 0)]
    [InlineData("""{"items":[{"s\u006bu":"SKU-0001"}],"extra":null}""", 0)]
    [InlineData("""{"items":[{"sku":"SKU-0001"}],"extra":{"deep":[1,2]}}""", 1)]
    public void Streaming_pass_reports_what_the_walk_reports(string json, int violations)
    {
        var pact = SkuPact;
        using var doc = JsonDocument.Parse(json);
        var walked = pact.Validate("t", doc.RootElement);
        var streamed = pact.Validate("t", (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(json));
        Assert.Equal(violations, streamed.Violations.Count);
        Assert.Equal(walked.ToJson(), streamed.ToJson());
    }

    [Theory]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(5000)]
    public void Deep_params_fail_or_pass_exactly_as_the_indexed_path(int levels)
    {
        // items[*].sku reaches two levels down; everything below is skipped by the reader, which still counts depth.
        var json = "{\"items\":" + new string('[', levels - 1) + new string(']', levels - 1) + "}";
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.Equal(Outcome(() => ParamsDom.Rent().Load(bytes)), Outcome(() => SkuPact.Validate("t", (ReadOnlyMemory<byte>)bytes)));
        Assert.Equal(levels > 64, Outcome(() => SkuPact.Validate("t", (ReadOnlyMemory<byte>)bytes)).StartsWith("JsonException", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"a\\b":3}""", 0)]
    [InlineData("""{"a\b":3}""", 2)]
    [InlineData("""{"a\\b":9}""", 1)]
    [InlineData("""{"\u0061\\b":3,"a\u005cb":4}""", 0)]
    public void A_key_holding_a_backslash_matches_only_names_that_spell_it(string json, int violations)
    {
        // The key is a\b: written as JSON it is "a\\b"; the bytes a\b in JSON are "a" and a backspace.
        var pact = Pact.Compile("""
            {"pact": "bs", "bindings": [{"tool": "t", "additionalParams": "deny",
              "conditions": [{"paramPath": "['a\\\\b']", "required": true, "maxAmount": 5}]}]}
            """, "bs.json", Syntax.PactFormat.Json).Pact!;
        using var doc = JsonDocument.Parse(json);
        var walked = pact.Validate("t", doc.RootElement);
        Assert.Equal(violations, walked.Violations.Count);
        Assert.Equal(walked.ToJson(), pact.Validate("t", (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(json)).ToJson());
    }

    [Fact]
    public void A_binding_with_more_keys_than_a_plan_dispatches_on_keeps_the_walk()
    {
        var sb = new StringBuilder("pact: wide\nbindings:\n  - tool: t\n    conditions:\n");
        for (var i = 0; i < 70; i++)
        {
            sb.Append("      - paramPath: k").Append(i).Append("\n        required: true\n");
        }

        var pact = Pact.Compile(sb.ToString()).Pact!;
        Assert.Null(pact.BindingFor("t")!.Stream);
        var verdict = pact.Validate("t", (ReadOnlyMemory<byte>)"""{"k0":1,"k69":null}"""u8.ToArray());
        Assert.Equal(69, verdict.Violations.Count);
        Assert.Equal("k1", verdict.Violations[0].ParamPath);
    }

    [Fact]
    public void A_pact_whose_plan_would_pass_the_state_limit_keeps_the_walk_with_the_same_verdicts()
    {
        // Each index under the wildcard'd array is a state of its own, holding the [*] conditions too.
        var sb = new StringBuilder("pact: many\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a[*].x\n        required: true\n");
        for (var i = 0; i < 2100; i++)
        {
            sb.Append("      - paramPath: a[").Append(i).Append("].y\n        maxAmount: ").Append(i).Append('\n');
        }

        var pact = Pact.Compile(sb.ToString()).Pact!;
        Assert.Null(pact.BindingFor("t")!.Stream);
        const string Json = """{"a":[{"x":1,"y":5},{"y":0},{"x":2,"y":"3"}]}""";
        using var doc = JsonDocument.Parse(Json);
        var walked = pact.Validate("t", doc.RootElement);
        Assert.Equal(3, walked.Violations.Count); // a[0].y over 0, a[1].x absent, a[2].y a string over 2
        Assert.Equal(walked.ToJson(), pact.Validate("t", (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(Json)).ToJson());
    }

    [Fact]
    public void Findings_before_a_refusal_are_dropped_and_the_call_judged_again()
    {
        // The strict reader judges the first item (a violation), then refuses the second's nesting, which reaches the
        // 64 levels Utf8JsonReader still reads (the strict one stops one short); Utf8JsonReader takes the call from
        // the start, so the first violation is reported once, not twice.
        var deep = new string('[', 61) + new string(']', 61);
        var bytes = Encoding.UTF8.GetBytes("{\"items\":[{\"sku\":\"bad\"},{\"sku\":\"x\",\"deep\":" + deep + "}]}");
        Assert.Equal("ok", Outcome(() => ParamsDom.Rent().Load(bytes)));
        Assert.Throws<StrictJsonReader.RefusedException>(() =>
        {
            var strict = new StrictJsonReader(bytes);
            while (strict.Read())
            {
            }
        });
        var verdict = SkuPact.Validate("t", (ReadOnlyMemory<byte>)bytes);
        Assert.Equal(["items[0].sku", "items[1].sku"], verdict.Violations.Select(v => v.ParamPath));
    }

    private static string Outcome(Action run)
    {
        try
        {
            run();
            return "ok";
        }
        catch (JsonException ex)
        {
            return "JsonException: " + ex.Message;
        }
        catch (ArgumentException ex)
        {
            return "ArgumentException: " + ex.Message;
        }
    }

    private static string RandomPact(Random rng)
    {
        var sb = new StringBuilder("pact: gen\n");
        sb.Append("unboundTools: ").Append(rng.Next(2) == 0 ? "deny" : "allow").Append('\n');
        sb.Append("bindings:\n  - tool: t\n    additionalParams: ").Append(rng.Next(2) == 0 ? "deny" : "allow").Append("\n    conditions:\n");
        var n = rng.Next(1, 7);
        for (var i = 0; i < n; i++)
        {
            sb.Append("      - paramPath: \"").Append(Paths[rng.Next(Paths.Length)]).Append("\"\n");
            sb.Append("        severity: ").Append(new[] { "critical", "major", "minor" }[rng.Next(3)]).Append('\n');
            var used = new HashSet<string>();
            var k = rng.Next(1, 4);
            for (var r = 0; r < k; r++)
            {
                var rule = Rules[rng.Next(Rules.Length)];
                var name = rule[..rule.IndexOf(':', StringComparison.Ordinal)];
                if ((name == "denyList" && used.Contains("allowList")) || (name == "allowList" && used.Contains("denyList")) || !used.Add(name))
                {
                    continue;
                }

                sb.Append("        ").Append(rule).Append('\n');
            }
        }

        return sb.ToString();
    }

    private static string RandomValue(Random rng, int depth, bool top = false)
    {
        var pick = top ? 9 : rng.Next(depth > 3 ? 8 : 11);
        switch (pick)
        {
            case 0: return "null";
            case 1: return new[] { "\"USDC\"", "\"SKU-1234\"", "\"bad\"", "\"x\"", "\"h\\u00e9llo\"", "\"\"", "\"\\\"q\"" }[rng.Next(7)];
            case 2: return new[] { "1", "2.5", "-3", "7", "1e400", "100.0000000000000000001", "0", "49.99" }[rng.Next(8)];
            case 3: return rng.Next(2) == 0 ? "true" : "false";
            case 4: return "\"👍é\"";
            case 5: return "[ ]";
            case 6: return "{}";
            case 7: return "\"SKU-0001\"";
            case 8:
            case 9:
                {
                    var n = rng.Next(top ? 1 : 0, 5);
                    var parts = new List<string>();
                    for (var i = 0; i < n; i++)
                    {
                        var name = Names[rng.Next(Names.Length)];
                        var key = rng.Next(10) == 0 ? "\"\\u00" + ((int)name[0]).ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + name[1..] + "\"" : JsonSerializer.Serialize(name);
                        parts.Add(key + (rng.Next(4) == 0 ? " : " : ":") + RandomValue(rng, depth + 1));
                    }

                    return "{" + string.Join(rng.Next(4) == 0 ? ", " : ",", parts) + "}";
                }

            default:
                {
                    var n = rng.Next(0, 4);
                    return "[" + string.Join(",", Enumerable.Range(0, n).Select(_ => RandomValue(rng, depth + 1))) + "]";
                }
        }
    }
}
