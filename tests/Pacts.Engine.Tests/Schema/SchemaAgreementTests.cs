using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Json.Schema;
using Pacts.Diagnostics;
using Pacts.Schema;
using Pacts.Syntax;

namespace Pacts.Tests;

/// <summary>
/// `pacts schema` and the compiler held to each other over random pact documents, the schema evaluated by
/// JsonSchema.Net: the schema is never stricter than the compiler (a document the compiler accepts, warnings and
/// all, the schema accepts), and every error the schema can express structurally, it reports too. The checks only
/// the compiler makes are <see cref="CompilerOnly"/>; README lists them.
/// </summary>
public class SchemaAgreementTests
{
    /// <summary>
    /// Errors a JSON Schema cannot express, so the schema is looser there: a duplicate tool (PACT008), a regex that
    /// does not parse or needs backtracking (PACT011), bounds that contradict each other (PACT012: minLength above
    /// maxLength, valueRange min above max; a negative count is structural but shares the code), a value in both
    /// lists (PACT015), and what only the reader sees (PACT001 syntax, PACT016 duplicate keys, PACT017 tags,
    /// PACT020 documents). PACT006 is here for `version: 1.0`: JSON Schema's integer is a value, not a literal.
    /// </summary>
    internal static readonly string[] CompilerOnly = ["PACT001", "PACT006", "PACT008", "PACT011", "PACT012", "PACT015", "PACT016", "PACT017", "PACT020"];

    private static readonly string[] Numbers = ["0", "1", "3", "-1", "-0", "2.5", "5.0", "1e2", "-3.5", "0.1", "2147483647", "2147483648", "1e30", "128"];

    private static readonly string[] Strings =
    [
        "p", "t", "u", "a", "a.b", "items[*].sku", "['x.y']", "a[0]", "a[01]", "items[*.sku", "a..b", "$x", "", "-x", "bad id!", "x\n", "é",
        "critical", "major", "minor", "fatal", "allow", "deny", "Deny", "string", "number", "integer", "boolean", "object", "array", "str",
        "[A-Z]+", "\\d+", "(a", "(?=x)", "a{2,3}", "x|y", "null", "true", "5", "A1",
    ];

    private static readonly string[] Rules = [.. Rules_()];

    private static readonly string[] Typos = ["pacts", "bindng", "Tool", "condtions", "paramPth", "allowlist", "maxLen", "severty", "mn", "versions", "", "required "];

    /// <summary>Every key a pact document uses at any level, and near misses: a key is drawn from here to land in the wrong place.</summary>
    private static readonly string[] Vocabulary = [.. PactKeys(), "min", "max", .. Typos];

    internal static JsonSchema Schema { get; } = JsonSchema.FromText(PactSchema.ToJson(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    internal static bool SchemaAccepts(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid;
    }

    /// <summary>Mostly well-formed documents (one value in twenty replaced at random): the compiler accepts many of them.</summary>
    [Property(MaxTest = 100)]
    public Property The_schema_accepts_every_document_the_compiler_accepts() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed => Agree(seed, 0.05));

    /// <summary>Near-valid documents (one value in four replaced by a random one of any type, keys misplaced or misspelt).</summary>
    [Property(MaxTest = 100)]
    public Property The_schema_rejects_every_document_the_compiler_rejects_structurally() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed => Agree(seed, 0.25));

    [Fact]
    public void The_generator_makes_both_valid_and_invalid_documents()
    {
        // The properties above prove nothing if every document were rejected (or accepted) by both sides.
        var rng = new Random(17);
        var outcomes = Enumerable.Range(0, 400).Select(_ => Pact.Compile(Document(rng, 0.05).ToJsonString(), "p.json", PactFormat.Json).Success).ToList();
        Assert.InRange(outcomes.Count(ok => ok), 40, 360);
    }

    [Theory]
    [InlineData("""{"pact":"p","bindings":[{"tool":"t","conditions":[{"paramPath":"a","allowList":["x",null]}]}]}""")] // PACT105 only
    [InlineData("""{"pact":"p","bindings":[{"tool":"t","conditions":[{"paramPath":"a","denyList":[null]}]}]}""")]
    [InlineData("""{"$schema":5,"pact":"p","bindings":[]}""")] // `$schema` is an editor hint the compiler ignores
    [InlineData("""{"pact":"p","bindings":[{"tool":"t","conditions":[{"paramPath":"a","maxLength":5.0,"minLength":-0}]}]}""")]
    public void Documents_the_compiler_only_warns_about_meet_the_schema(string json)
    {
        Assert.True(Pact.Compile(json, "p.json", PactFormat.Json).Success);
        Assert.True(SchemaAccepts(json), json);
    }

    [Theory]
    [InlineData("""{"pact":"p","version":2147483648,"bindings":[]}""")] // the compiler's version is an int
    [InlineData("""{"pact":"p","bindings":[{"tool":"","conditions":[]}]}""")]
    [InlineData("""{"pact":"p","bindings":[{"tool":"t","conditions":[{"paramPath":"a","required":false}]}]}""")]
    public void Documents_the_compiler_rejects_structurally_fail_the_schema(string json)
    {
        Assert.False(Pact.Compile(json, "p.json", PactFormat.Json).Success);
        Assert.False(SchemaAccepts(json), json);
    }

    private static bool Agree(int seed, double mutation)
    {
        var rng = new Random(seed);
        for (var n = 0; n < 20; n++)
        {
            var json = Document(rng, mutation).ToJsonString();
            var compiled = Pact.Compile(json, "p.json", PactFormat.Json);
            var schema = SchemaAccepts(json);
            var structural = compiled.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && !CompilerOnly.Contains(d.Code)).ToList();
            // Never stricter: what the compiler accepts, warnings and all, the schema accepts.
            Assert.False(compiled.Success && !schema, $"the schema rejects a pact the compiler accepts: {json}");
            // As strict as it can be: an error JSON Schema can express is the schema's error too.
            if (structural.Count > 0 && schema)
            {
                Assert.Fail($"the schema accepts a pact the compiler rejects with {structural[0]}: {json}");
            }
        }

        return true;
    }

    internal static JsonObject Document(Random rng, double mutation)
    {
        var doc = new JsonObject();
        Maybe(rng, doc, "pact", 0.95, mutation, () => Str(rng, rng.Next(4) == 0 ? ["p", "a-b.c", "bad id!", "", "x\n", "é"] : ["p"]));
        Maybe(rng, doc, "version", 0.3, mutation, () => Num(rng, ["1", "2", "3", "1.0", "0", "2147483648"]));
        Maybe(rng, doc, "description", 0.2, mutation, () => Str(rng, Strings));
        Maybe(rng, doc, "unboundTools", 0.3, mutation, () => Str(rng, ["allow", "deny", "Deny"]));
        Maybe(rng, doc, "$schema", 0.1, mutation, () => rng.Next(3) == 0 ? Value(rng, 1) : Str(rng, ["./pact.schema.json"]));
        Maybe(rng, doc, "bindings", 0.95, mutation, () => List(rng, 0, 3, () => Binding(rng, mutation)));
        Misplace(rng, doc, mutation);
        return doc;
    }

    private static JsonObject Binding(Random rng, double mutation)
    {
        var b = new JsonObject();
        Maybe(rng, b, "tool", 0.97, mutation, () => Str(rng, ["t", "u", "v", "w", ""]));
        Maybe(rng, b, "additionalParams", 0.3, mutation, () => Str(rng, ["allow", "deny", "Deny"]));
        Maybe(rng, b, "conditions", 0.97, mutation, () => List(rng, 0, 3, () => Condition(rng, mutation)));
        Misplace(rng, b, mutation);
        return b;
    }

    private static JsonObject Condition(Random rng, double mutation)
    {
        var c = new JsonObject();
        Maybe(rng, c, "paramPath", 0.97, mutation, () => Str(rng, rng.Next(5) == 0 ? Strings : ["a", "a.b", "items[*].sku", "['x.y']"]));
        Maybe(rng, c, "severity", 0.3, mutation, () => Str(rng, ["critical", "major", "minor", "fatal"]));
        Maybe(rng, c, "message", 0.2, mutation, () => Str(rng, Strings));
        var count = rng.Next(0, 4);
        for (var i = 0; i < count; i++)
        {
            var rule = Rules[rng.Next(Rules.Length)];
            Maybe(rng, c, rule, 1, mutation, () => RuleValue(rng, rule, mutation));
        }

        Misplace(rng, c, mutation);
        return c;
    }

    private static JsonNode? RuleValue(Random rng, string rule, double mutation) => rule switch
    {
        "required" => JsonValue.Create(rng.Next(3) != 0),
        "type" => Str(rng, ["string", "number", "integer", "boolean", "object", "array", "str"]),
        "allowList" or "denyList" => List(rng, 0, 4, () => rng.NextDouble() < mutation ? Value(rng, 1) : Scalar(rng)),
        "regex" => Str(rng, ["[A-Z]+", "[A-Z][0-9]", "\\d+", "(a", "(?=x)", "a{2,3}", "x|y", ".*"]),
        "valueRange" => Range(rng, mutation),
        "maxAmount" => Num(rng, ["0", "100", "250.00", "-1", "-0", "1e30"]),
        _ => Num(rng, ["0", "1", "3", "5.0", "-1", "2.5", "1e2", "2147483648", "-0"]), // minLength, maxLength, maxItems
    };

    private static JsonObject Range(Random rng, double mutation)
    {
        var r = new JsonObject();
        Maybe(rng, r, "min", 0.6, mutation, () => Num(rng, Numbers));
        Maybe(rng, r, "max", 0.6, mutation, () => Num(rng, Numbers));
        Misplace(rng, r, mutation);
        return r;
    }

    /// <summary>Adds <paramref name="key"/> with probability <paramref name="p"/>; its value is, at the mutation rate, any value at all.</summary>
    private static void Maybe(Random rng, JsonObject obj, string key, double p, double mutation, Func<JsonNode?> good)
    {
        if (rng.NextDouble() < p && !obj.ContainsKey(key))
        {
            obj[key] = rng.NextDouble() < mutation ? Value(rng, 2) : good();
        }
    }

    /// <summary>At the mutation rate, a key from anywhere in the vocabulary (or a typo) with any value.</summary>
    private static void Misplace(Random rng, JsonObject obj, double mutation)
    {
        if (rng.NextDouble() < mutation / 2)
        {
            var key = Vocabulary[rng.Next(Vocabulary.Length)];
            if (!obj.ContainsKey(key))
            {
                obj[key] = Value(rng, 2);
            }
        }
    }

    /// <summary>Any JSON value: null, booleans, numbers, strings, lists and objects (nested up to <paramref name="depth"/>).</summary>
    private static JsonNode? Value(Random rng, int depth) => rng.Next(depth > 0 ? 7 : 5) switch
    {
        0 => null,
        1 => JsonValue.Create(rng.Next(2) == 0),
        2 => Num(rng, Numbers),
        3 or 4 => Str(rng, Strings),
        5 => List(rng, 0, 3, () => Value(rng, depth - 1)),
        _ => Object(rng, depth - 1),
    };

    private static JsonObject Object(Random rng, int depth)
    {
        var o = new JsonObject();
        var count = rng.Next(0, 3);
        for (var i = 0; i < count; i++)
        {
            o[Vocabulary[rng.Next(Vocabulary.Length)]] = Value(rng, depth);
        }

        return o;
    }

    private static JsonNode? Scalar(Random rng) => rng.Next(8) switch
    {
        0 => null,
        1 => JsonValue.Create(rng.Next(2) == 0),
        2 or 3 => Num(rng, Numbers),
        _ => Str(rng, ["A1", "B2", "x", "y", "abc", "ABC", "", "null"]),
    };

    private static JsonArray List(Random rng, int min, int max, Func<JsonNode?> item)
    {
        var list = new JsonArray();
        var count = rng.Next(min, max + 1);
        for (var i = 0; i < count; i++)
        {
            list.Add(item());
        }

        return list;
    }

    private static JsonValue Str(Random rng, string[] from) => JsonValue.Create(from[rng.Next(from.Length)]);

    /// <summary>A number as its literal (<c>5.0</c>, <c>1e2</c> and <c>-0</c> stay as written).</summary>
    private static JsonNode Num(Random rng, string[] from) => JsonNode.Parse(from[rng.Next(from.Length)])!;

    private static IEnumerable<string> Rules_() =>
        JsonNode.Parse(PactSchema.ToJson())!["$defs"]!["condition"]!["anyOf"]!.AsArray().Select(a => a!["required"]![0]!.GetValue<string>());

    private static IEnumerable<string> PactKeys()
    {
        var schema = JsonNode.Parse(PactSchema.ToJson())!;
        return new[] { schema, schema["$defs"]!["binding"]!, schema["$defs"]!["condition"]! }
            .SelectMany(s => s!["properties"]!.AsObject().Select(p => p.Key)).Distinct(StringComparer.Ordinal);
    }
}
