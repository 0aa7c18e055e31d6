using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pacts.Evaluating;
using Pacts.Numbers;
using Pacts.Syntax;

namespace Pacts.Tests;

/// <summary>
/// FsCheck properties. FsCheck drives a seed; each seed builds a random pact model and random calls
/// deterministically, so a failing case reproduces from its seed.
/// </summary>
public class PropertyTests
{
    private static readonly string[] Keys = ["amount", "dest", "memo", "items", "flag", "x y"];
    private static readonly string[] Paths = ["amount", "dest", "memo", "items[*].sku", "items[0].qty", "flag", "['x y']", "nested.a.b"];

    private static System.Text.RegularExpressions.Regex PathPatternRegex() =>
        new(Pacts.Paths.ParamPath.Pattern[..^1] + "\\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    [Property(MaxTest = 150)]
    public Property The_schema_pattern_for_paramPath_accepts_exactly_what_the_path_parser_accepts()
    {
        // ParamPath.Pattern is ECMAScript, where `$` ends the text; in .NET it would also match before a final
        // newline, so the .NET check anchors with \z instead.
        var regex = PathPatternRegex();
        string[] pieces = ["a", "b_1", "$x", "-", "_", "9", "Z", ".", ".", "[", "]", "[0]", "[1]", "[01]", "[*]", "['", "']", "[\"", "\"]",
            "'", "\"", "\\", "\\'", "\\\"", "\\\\", "\\n", " ", "\n", "é", "[2147483647]", "[2147483648]", "[999999999]", "[]", "['x.y']"];
        var prop = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            for (var n = 0; n < 200; n++)
            {
                var sb = new StringBuilder();
                var count = rng.Next(1, 8);
                for (var k = 0; k < count; k++)
                {
                    sb.Append(pieces[rng.Next(pieces.Length)]);
                }

                var text = sb.ToString();
                Assert.True(Pacts.Paths.ParamPath.TryParse(text, out _, out _) == regex.IsMatch(text), $"`{text}`");
            }
        });
        return prop;
    }

    /// <summary>The same agreement at the segment limit, on both sides of it.</summary>
    [Fact]
    public void The_schema_pattern_for_paramPath_agrees_at_the_segment_limit()
    {
        var regex = PathPatternRegex();
        foreach (var segments in new[] { 1, 127, 128, 129 })
        {
            var text = "a" + string.Concat(Enumerable.Repeat("[0]", segments - 1));
            Assert.Equal(Pacts.Paths.ParamPath.TryParse(text, out _, out _), regex.IsMatch(text));
            Assert.Equal(segments <= Pacts.Paths.ParamPath.MaxSegments, regex.IsMatch(text));
        }
    }

    [Property(MaxTest = 150)]
    public Property Yaml_and_json_forms_of_a_pact_give_identical_verdicts()
    {
        var prop = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            var model = RandomPact(rng);
            var yaml = Pact.Compile(ToYaml(model), "p.yaml", PactFormat.Yaml);
            var json = Pact.Compile(ToJson(model), "p.json", PactFormat.Json);
            Assert.True(yaml.Success, string.Join("\n", yaml.Diagnostics) + "\n" + ToYaml(model));
            Assert.True(json.Success, string.Join("\n", json.Diagnostics) + "\n" + ToJson(model));
            for (var i = 0; i < 20; i++)
            {
                var call = RandomParams(rng);
                var tool = rng.Next(4) == 0 ? "other" : "t";
                Assert.Equal(yaml.Pact!.Validate(tool, call).ToJson(), json.Pact!.Validate(tool, call).ToJson());
            }
        });
        return prop;
    }

    [Property(MaxTest = 150)]
    public Property Valid_iff_no_violations_and_validation_is_deterministic()
    {
        var prop = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            var pact = TestPacts.Compile(ToYaml(RandomPact(rng)));
            for (var i = 0; i < 20; i++)
            {
                var call = RandomParams(rng);
                var first = pact.Validate(call);
                var second = pact.Validate(call);
                var raw = pact.Validate("t", (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(call));
                Assert.Equal(first.ToJson(), raw.ToJson());
                Assert.Equal(JsonSerializer.Serialize(first, PactsJsonContext.Relaxed.Verdict), first.ToJson());
                Assert.Equal(first.Valid, first.Violations.Count == 0);
                Assert.Equal(first.ToJson(), second.ToJson());
                Assert.Equal(first.Valid, first.HighestSeverity is null);
            }
        });
        return prop;
    }

    [Fact]
    public void Many_threads_get_the_same_verdicts()
    {
        var rng = new Random(20261122);
        var pact = TestPacts.Compile(ToYaml(RandomPact(rng)));
        var calls = Enumerable.Range(0, 200).Select(_ => RandomParams(rng)).ToArray();
        var expected = calls.Select(c => pact.Validate(c).ToJson()).ToArray();
        var docs = calls.Select(c => JsonDocument.Parse(c)).ToArray();
        try
        {
            Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
            {
                for (var round = 0; round < 20; round++)
                {
                    for (var i = 0; i < docs.Length; i++)
                    {
                        Assert.Equal(expected[i], pact.Validate("t", docs[i].RootElement).ToJson());
                    }
                }
            });
        }
        finally
        {
            foreach (var d in docs)
            {
                d.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(PactFormat.Json)]
    [InlineData(PactFormat.Yaml)]
    public void A_long_list_holds_a_value_iff_a_one_value_list_of_one_of_its_members_does(PactFormat format)
    {
        // Past eight strings (or numbers) a list is a hash set over UTF-8; a one-value list is compared item by item.
        // The two must agree on every value, in every spelling, on both the pre-parsed and the raw-bytes paths.
        object[] members = ["USDC", 1, 2.5m, true, .. LongListFiller];
        string Pact(object[] list) => format == PactFormat.Json
            ? $$"""{"pact":"p","bindings":[{"tool":"t","conditions":[{"paramPath":"a","allowList":{{JsonSerializer.Serialize(list)}}}]}]}"""
            : $"pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n        allowList: {Yaml(list)}\n";
        var file = format == PactFormat.Json ? "p.json" : "p.yaml";
        var wide = Pacts.Pact.Compile(Pact(members), file, format).Pact!;
        var singles = members.Select(m => Pacts.Pact.Compile(Pact([m]), file, format).Pact!).ToArray();
        foreach (var value in ParamValues)
        {
            var call = $$"""{"a":{{value}}}""";
            var expected = singles.Any(p => p.Validate("t", call).Valid);
            Assert.True(expected == wide.Validate("t", call).Valid, $"{value} in the long list: expected {expected}");
            Assert.Equal(expected, wide.Validate("t", (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(call)).Valid);
        }

        Assert.False(wide.Validate("t", """{"a":"\ud800"}""").Valid); // not U+FFFD, which is listed
        Assert.True(wide.Validate("t", """{"a":"\ufffd"}""").Valid);
        Assert.True(wide.Validate("t", """{"a":"h\u00e9llo \ud83d\udc4d"}""").Valid);
    }

    [Property(MaxTest = 3000)]
    public Property Damaged_pacts_get_diagnostics_never_an_exception()
    {
        // Every pact this repository and the shared suite hold, damaged by a few edits (inserted YAML and JSON
        // syntax, escapes, huge numbers, hostile patterns; cuts; repeated slices), read as YAML or JSON: the compile
        // returns a pact or at least one error, and a compiled pact judges a call. A crash found this way (YamlDotNet
        // throwing InvalidOperationException) reached users as a stack trace.
        var seeds = Directory.GetFiles(Path.Combine(SharedPaths.Examples, "pacts"), "*.yaml")
            .Concat(Directory.GetFiles(SharedPaths.Bench, "*.pact.*"))
            .Concat(Directory.GetFiles(SharedPaths.Conformance, "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)))
            .Select(f => (Text: File.ReadAllText(f), Format: PactDocumentReader.FormatOf(f))).ToArray();
        string[] inserts = ["\\ud800", "\\u0000", "[", "]", "{", "}", "\"", "'", ":", ",", "- ", "\n", "\t", "&a ", "*a", "!!str ", "1e999999", "-0",
            "null", "~", "#", "\\", "é", "\ud800", "\uffff", "999999999999999999999999", "(?<=x)", "(a+)+", "\\p{L}", "[*]", "['", "..", "<<: *a", "? ",
            "|\n  ", ">-\n  ", "%YAML 1.1\n", "---\n", "...\n", "\n- b]"];
        var prop = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            var (text, format) = seeds[rng.Next(seeds.Length)];
            for (var e = rng.Next(1, 4); e > 0 && text.Length > 0; e--)
            {
                var at = rng.Next(text.Length);
                text = rng.Next(4) switch
                {
                    0 => text.Insert(at, inserts[rng.Next(inserts.Length)]),
                    1 => text.Remove(at, Math.Min(rng.Next(1, 20), text.Length - at)),
                    2 => text[..at],
                    _ => text.Insert(at, text.Substring(rng.Next(text.Length - (text.Length / 2)), Math.Min(rng.Next(1, 40), text.Length / 2))),
                };
            }

            format = rng.Next(5) == 0 ? (format == PactFormat.Json ? PactFormat.Yaml : PactFormat.Json) : format;
            var result = Pact.CompileUncached(text, "damaged", format);
            Assert.True(result.Success || result.Diagnostics.Any(d => d.Severity == Diagnostics.DiagnosticSeverity.Error), text);
            foreach (var tool in result.Pact?.Tools.Take(3) ?? [])
            {
                _ = result.Pact!.Validate(tool, """{"a":1,"amount":"5","items":[{"sku":"x"}],"destination":"\ud800"}""");
            }
        });
        return prop;
    }

    [Property(MaxTest = 3000)]
    public Property The_example_pacts_judge_damaged_real_calls_alike_from_bytes_and_pre_parsed()
    {
        var check = The_example_pacts_judge_damaged_real_calls_alike_from_bytes_and_pre_parsed_case();
        return Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed => { _ = check(seed); });
    }

    /// <summary>The property above compares only edits that leave JSON that parses as an object: most must.</summary>
    [Fact]
    public void Most_damaged_real_calls_still_parse_and_are_compared()
    {
        var check = The_example_pacts_judge_damaged_real_calls_alike_from_bytes_and_pre_parsed_case();
        var counted = Enumerable.Range(0, 1000).Count(check);
        Assert.InRange(counted, 333, 1000);
    }

    private static Func<int, bool> The_example_pacts_judge_damaged_real_calls_alike_from_bytes_and_pre_parsed_case()
    {
        // Real params (the example log, the treasury workload) edited a little: escapes inserted and halves of
        // surrogate pairs, numbers at the limits, keys respelt with escapes or repeated, slices copied. Whatever still
        // parses as an object gets one verdict from the raw-bytes pass and from the JsonElement walk, for its own
        // tool or any tool of any example pact.
        var pacts = PactSet.Load(Path.Combine(SharedPaths.Examples, "pacts")).Pacts;
        var samples = File.ReadLines(Path.Combine(SharedPaths.Examples, "events", "atlas.jsonl"))
            .Concat(File.ReadLines(Path.Combine(SharedPaths.Bench, "calls.jsonl")).Take(500))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object && e.TryGetProperty("tool", out _))
            .Select(e => (Tool: e.GetProperty("tool").GetString()!, Params: e.GetProperty("params").GetRawText())).ToArray();
        string[] inserts = ["\\ud800", "\\u0041", "\\n", "\\\"", "é", "1e400", "-0.0", "5000.0000000000000000001", "1E3", "null", "[]", "{}",
            "\"x\"", "true", "[{\"sku\":\"SKU-0001\"}]", "\"SKU-12345\"", " "];
        return seed =>
        {
            var rng = new Random(seed);
            var (tool, text) = samples[rng.Next(samples.Length)];
            for (var e = rng.Next(1, 4); e > 0; e--)
            {
                var at = rng.Next(1, text.Length - 1);
                var from = rng.Next(1, text.Length - 1);
                text = rng.Next(4) switch
                {
                    0 => text.Insert(at, inserts[rng.Next(inserts.Length)]),
                    1 => text.Remove(at, Math.Min(rng.Next(1, 6), text.Length - at - 1)),
                    2 => text.Insert(at, text.Substring(from, Math.Min(rng.Next(1, 30), text.Length - from - 1))),
                    _ => text.Replace("\"a", "\"\\u0061", StringComparison.Ordinal).Replace("\"s", "\"\\u0073", StringComparison.Ordinal),
                };
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(text);
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException)
            {
                return false; // damaged beyond JSON (or a surrogate pair cut in two): nothing to judge
            }

            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                var pact = pacts[rng.Next(pacts.Count)];
                var t = rng.Next(3) == 0 ? pact.Tools[rng.Next(pact.Tools.Count)] : tool;
                Assert.Equal(pact.Validate(t, doc.RootElement).ToJson(), pact.Validate(t, (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(text)).ToJson());
                return true;
            }
        };
    }

    [Property(MaxTest = 2000)]
    public Property Exact_comparison_agrees_with_a_BigInteger_reference()
    {
        var number = Numbers(maxRun: 40, Gen.Elements(true, false), maxExp: 60);
        var prop = Prop.ForAll(Arb.From(number), Arb.From(number), (a, b) =>
        {
            var actual = Math.Sign(ExactDecimal.Compare(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b)));
            Assert.Equal(Reference(a, b), actual);
            Assert.Equal(actual, Math.Sign(ExactDecimal.Compare(ExactDecimal.ParseTrusted(Encoding.ASCII.GetBytes(a)), new DecimalBound(Encoding.ASCII.GetBytes(b)))));
            Assert.Equal(-actual, Math.Sign(ExactDecimal.Compare(Encoding.ASCII.GetBytes(b), Encoding.ASCII.GetBytes(a))));
            var ka = ExactDecimal.CanonicalKey(ExactDecimal.ParseTrusted(Encoding.ASCII.GetBytes(a)));
            var kb = ExactDecimal.CanonicalKey(ExactDecimal.ParseTrusted(Encoding.ASCII.GetBytes(b)));
            Assert.Equal(actual == 0, ka == kb);
        });
        return prop;
    }

    /// <summary>Up to 22 digits in all, so both sides of the 19-digit limit are met; bounds of any form.</summary>
    private static Gen<string> SmallDecimalNumbers() => Numbers(maxRun: 11, Gen.Elements(false, false, false, true), maxExp: 25);

    /// <summary>The property below compares in the small form only for pairs where both sides take it: most must.</summary>
    [Fact]
    public void The_generated_decimal_pairs_mostly_take_the_small_form()
    {
        var a = SmallDecimalNumbers().Sample(1000);
        var b = SmallDecimalNumbers().Sample(1000);
        var small = a.Zip(b).Count(p => SmallDecimal.TryParse(Encoding.ASCII.GetBytes(p.First), out _) && new DecimalBound(Encoding.ASCII.GetBytes(p.Second)).HasSmall);
        Assert.True(small > a.Length / 3, $"only {small} of {a.Length} pairs took the small form");
    }

    [Property(MaxTest = 3000)]
    public Property Small_decimals_compare_as_the_BigInteger_reference_and_agree_with_the_exact_parse()
    {
        var number = SmallDecimalNumbers();
        var prop = Prop.ForAll(Arb.From(number), Arb.From(number), (a, b) =>
        {
            var bytes = Encoding.ASCII.GetBytes(a);
            var bound = new DecimalBound(Encoding.ASCII.GetBytes(b));
            var parts = ExactDecimal.ParseTrusted(bytes);
            if (!SmallDecimal.TryParse(bytes, out var x))
            {
                Assert.True(a.Contains('e', StringComparison.Ordinal) || a.Count(char.IsAsciiDigit) > SmallDecimal.MaxDigits, a);
                return;
            }

            Assert.Equal(ExactDecimal.IsInteger(parts), x.IsInteger);
            Assert.Equal(parts.Negative && !parts.IsZero, x.Negative);
            if (bound.HasSmall)
            {
                Assert.Equal(Reference(a, b), Math.Sign(SmallDecimal.Compare(x, bound.Small)));
            }
        });
        return prop;
    }

    [Theory]
    [InlineData("9999999999999999999", true)]
    [InlineData("99999999999999999999", false)]
    [InlineData("0.000000000000000001", true)]
    [InlineData("0.0000000000000000001", false)]
    [InlineData("1e3", false)]
    [InlineData("007.50", true)]
    [InlineData("1.", false)]
    [InlineData(".5", false)]
    [InlineData("-", false)]
    [InlineData("1.2.3", false)]
    [InlineData(@"\u0031", false)]
    public void Small_decimals_take_only_plain_numbers_of_at_most_19_digits(string text, bool small)
    {
        Assert.Equal(small, SmallDecimal.TryParse(Encoding.ASCII.GetBytes(text), out _));
    }

    [Theory]
    [InlineData("10000", true)]
    [InlineData("1e18", true)]
    [InlineData("1e19", false)]
    [InlineData("1e-19", true)]
    [InlineData("1e-20", false)]
    [InlineData("0", true)]
    [InlineData("-0.01", true)]
    [InlineData("12345678901234567890", false)]
    public void Bounds_take_the_small_form_when_it_holds_them_exactly(string text, bool small)
    {
        Assert.Equal(small, new DecimalBound(Encoding.ASCII.GetBytes(text)).HasSmall);
    }

    [Theory]
    [InlineData("1e999999999999999999999", "1e999999999999999999998", 1)]
    [InlineData("1e999999999999999999999", "10e999999999999999999998", 0)]
    [InlineData("-1e999999999999999999999", "1", -1)]
    [InlineData("1e-999999999999999999999", "0", 1)]
    [InlineData("1e-999999999999999999999", "1e-999999999", -1)]
    [InlineData("0e999999999999999999999", "0", 0)]
    [InlineData("5000.000000000000000000000000001", "5000", 1)]
    [InlineData("1e400", "10000", 1)]
    [InlineData("-0", "0", 0)]
    public void Huge_exponents_compare_exactly(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(ExactDecimal.Compare(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b))));
        Assert.Equal(sign, Math.Sign(ExactDecimal.Compare(ExactDecimal.ParseTrusted(Encoding.ASCII.GetBytes(a)), new DecimalBound(Encoding.ASCII.GetBytes(b)))));
    }

    /// <summary>JSON numbers of digit runs up to <paramref name="maxRun"/> before and after the point, some with exponents.</summary>
    private static Gen<string> Numbers(int maxRun, Gen<bool> hasExp, int maxExp)
    {
        var digits = Gen.Choose(0, maxRun).SelectMany(n => Gen.ArrayOf(Gen.Elements('0', '0', '1', '5', '9'), n).Select(a => new string(a)));
        return from neg in Gen.Elements(true, false)
               from i in digits
               from f in digits
               from e in hasExp
               from exp in Gen.Choose(-maxExp, maxExp)
               select (neg ? "-" : "") + (i.TrimStart('0').Length == 0 ? "0" : i.TrimStart('0')) + (f.Length > 0 ? "." + f : "") + (e ? "e" + exp.ToString(CultureInfo.InvariantCulture) : "");
    }

    private static int Reference(string a, string b)
    {
        var (ma, ea) = Scaled(a);
        var (mb, eb) = Scaled(b);
        var e = Math.Min(ea, eb);
        return (ma * BigInteger.Pow(10, ea - e)).CompareTo(mb * BigInteger.Pow(10, eb - e));
    }

    /// <summary>The number as mantissa × 10^exponent, both integers.</summary>
    private static (BigInteger Mantissa, int Exponent) Scaled(string s)
    {
        var exp = 0;
        var e = s.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            exp = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture);
            s = s[..e];
        }

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            exp -= s.Length - dot - 1;
            s = s.Remove(dot, 1);
        }

        return (BigInteger.Parse(s, CultureInfo.InvariantCulture), exp);
    }

    // A pact model: conditions as (path, severity, rules as (name, YAML/JSON value)).
    private sealed record Cond(string Path, string Severity, (string Name, object Value)[] Rules);

    private sealed record Model(bool DenyUnbound, bool DenyAdditional, Cond[] Conditions);

    private static Model RandomPact(Random rng)
    {
        var conditions = new List<Cond>();
        var n = rng.Next(1, 6);
        for (var i = 0; i < n; i++)
        {
            var rules = new List<(string, object)>();
            if (rng.Next(2) == 0)
            {
                rules.Add(("required", true));
            }

            var kinds = new[] { "type", "allowList", "denyList", "regex", "minLength", "maxLength", "maxItems", "valueRange", "maxAmount" }
                .Where(_ => rng.Next(3) == 0).ToList();
            if (kinds.Count == 0 && rules.Count == 0)
            {
                kinds.Add("maxAmount");
            }

            foreach (var k in kinds)
            {
                object value = k switch
                {
                    "type" => new[] { "string", "number", "integer", "boolean", "object", "array" }[rng.Next(6)],
                    "allowList" => new object[] { "USDC", 1, 2.5m, true, "0xA11A", "012" }.Where(_ => rng.Next(2) == 0).DefaultIfEmpty("x")
                        .Concat(rng.Next(3) == 0 ? LongListFiller : []).ToArray(),
                    "denyList" => new object[] { "bad", 7, false }.Where(_ => rng.Next(2) == 0).DefaultIfEmpty("zz").ToArray(),
                    "regex" => new[] { "SKU-[0-9]{4}", "[a-z ]*", "(?i)usdc|dai", "0x[0-9A-F]+" }[rng.Next(4)],
                    "minLength" => rng.Next(0, 3),
                    "maxLength" => rng.Next(3, 8),
                    "maxItems" => rng.Next(0, 3),
                    "valueRange" => new Dictionary<string, object> { ["min"] = -1.5m, ["max"] = 1e3m },
                    _ => 5000.25m,
                };
                rules.Add((k, value));
            }

            if (rules.Any(r => r.Item1 == "allowList") && rules.Any(r => r.Item1 == "denyList"))
            {
                rules.RemoveAll(r => r.Item1 == "denyList");
            }

            conditions.Add(new Cond(Paths[rng.Next(Paths.Length)], new[] { "critical", "major", "minor" }[rng.Next(3)], [.. rules]));
        }

        return new Model(rng.Next(2) == 0, rng.Next(2) == 0, [.. conditions]);
    }

    /// <summary>
    /// Turns an allow-list into a long one (a hash set past eight strings or eight numbers): non-ASCII and
    /// characters JSON escapes, U+FFFD (never equal to an escaped half surrogate), numbers equal in other spellings.
    /// </summary>
    private static readonly object[] LongListFiller =
        ["v0", "v1", "v2", "v3", "héllo 👍", "tab\tx", "a\"q", "\uFFFD", "back\\slash", 100, 101, 102, 103, 104, 105, 106, 107, 108.5m];

    /// <summary>The values a generated call's params take, JSON text (escaped spellings among them).</summary>
    private static readonly string[] ParamValues =
    [
        "\"USDC\"", "\"usdc\"", "1", "1.0", "2.50", "true", "false", "null",
        "\"012\"", "12", "\"SKU-1234\"", "\"SKU-12\"", "\"0xA11A\"", "5000.25", "5000.2500000000000000001",
        "\"250.00\"", "-3", "1e400", "\"bad\"", "7", "[]", "{}", "\"héllo 👍\"",
        "[{\"sku\":\"SKU-0001\",\"qty\":2},{\"qty\":\"x\"}]", "{\"a\":{\"b\":\"dai\"}}", "[1,2,3]",
        "\"\\u0055SDC\"", "\"v3\"", "\"\\u0076\\u0033\"", "\"h\\u00e9llo \\ud83d\\udc4d\"", "\"\\ud800\"", "\"\\ufffd\"",
        "\"tab\\tx\"", "\"a\\\"q\"", "\"back\\\\slash\"", "100.0", "1.085e2", "1e2", "\"100\"", "[{\"s\\u006bu\":\"SKU-0002\"},[],null,{\"sku\":5}]", "{\"a\":{\"b\":[1,{\"c\":[]}],\"b\":\"x\"}}"
    ];

    private static string RandomParams(Random rng)
    {
        var sb = new StringBuilder("{");
        var first = true;
        foreach (var key in Keys.Append("nested").Append("extra"))
        {
            if (rng.Next(3) == 0)
            {
                continue;
            }

            var name = rng.Next(12) switch
            {
                0 => "\"\\u00" + ((int)key[0]).ToString("x2", CultureInfo.InvariantCulture) + key[1..] + "\"",
                1 => "\"" + key[..^1] + "\\ud800\"", // half a surrogate pair: legal JSON, not text, and no key's spelling
                _ => JsonSerializer.Serialize(key),
            };
            sb.Append(first ? "" : ",").Append(name).Append(':').Append(ParamValues[rng.Next(ParamValues.Length)]);
            first = false;
            if (rng.Next(10) == 0)
            {
                sb.Append(',').Append(JsonSerializer.Serialize(key)).Append(':').Append(ParamValues[rng.Next(ParamValues.Length)]);
            }
        }

        return sb.Append('}').ToString();
    }

    private static string ToJson(Model m)
    {
        var doc = new Dictionary<string, object>
        {
            ["pact"] = "gen",
            ["unboundTools"] = m.DenyUnbound ? "deny" : "allow",
            ["bindings"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["tool"] = "t",
                    ["additionalParams"] = m.DenyAdditional ? "deny" : "allow",
                    ["conditions"] = m.Conditions.Select(c =>
                    {
                        var d = new Dictionary<string, object> { ["paramPath"] = c.Path, ["severity"] = c.Severity };
                        foreach (var (name, value) in c.Rules)
                        {
                            d[name] = value;
                        }

                        return d;
                    }).ToArray(),
                },
            },
        };
        return JsonSerializer.Serialize(doc);
    }

    /// <summary>YAML written by hand, flow style for values, with plain scalars where SPEC §2 keeps their type.</summary>
    private static string ToYaml(Model m)
    {
        var sb = new StringBuilder();
        sb.AppendLine("pact: gen");
        sb.AppendLine($"unboundTools: {(m.DenyUnbound ? "deny" : "allow")}");
        sb.AppendLine("bindings:");
        sb.AppendLine("  - tool: t");
        sb.AppendLine($"    additionalParams: {(m.DenyAdditional ? "deny" : "allow")}");
        sb.AppendLine("    conditions:");
        foreach (var c in m.Conditions)
        {
            sb.AppendLine($"      - paramPath: {JsonSerializer.Serialize(c.Path)}");
            sb.AppendLine($"        severity: {c.Severity}");
            foreach (var (name, value) in c.Rules)
            {
                sb.AppendLine($"        {name}: {Yaml(value)}");
            }
        }

        return sb.ToString();
    }

    private static string Yaml(object value) => value switch
    {
        bool b => b ? "true" : "false",
        string s when s is "0xA11A" or "USDC" or "012" => s, // plain scalars that must stay strings
        string s => JsonSerializer.Serialize(s).Replace("\\u0027", "'", StringComparison.Ordinal),
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        object[] a => "[" + string.Join(", ", a.Select(Yaml)) + "]",
        Dictionary<string, object> d => "{" + string.Join(", ", d.Select(kv => $"{kv.Key}: {Yaml(kv.Value)}")) + "}",
        _ => throw new InvalidOperationException(),
    };
}
