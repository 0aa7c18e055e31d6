using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Pacts.Tests;

/// <summary>
/// A budget charges raw params in one tokenizer pass, bytes the scanner already validated by skipping over them, and
/// pre-parsed params by walking the document: the three give the
/// same exact charge for any params, every path shape (keys, indexes, wildcards, nesting), duplicate and escaped names,
/// amounts as numbers and decimal strings, and values that are not amounts.
/// </summary>
public class BudgetChargeTests
{
    private static readonly string[] Paths = ["amount", "a.b", "legs[*].amount", "legs[1].amount", "x[*][*]", "a.b.c", "['amöunt']"];

    private static readonly Pact Pact = TestPacts.Compile($$"""
        pact: charges
        unboundTools: allow
        bindings:
          - tool: t
            conditions: []
        budgets:
        {{string.Concat(Paths.Select((p, i) => $"  - name: b{i}\n    sum: \"{p}\"\n    max: 1\n    window: 1d\n    per: pact\n"))}}
        """);

    private static readonly string[] Leaves =
        ["1", "0.5", "12345678901234567890.25", "1e3", "-4", "0", "\"250.00\"", "\"1e3\"", "\"\\u0032\\u0035\"", "\"x\"", "true", "null", "[]", "{}", "7.000", "1e999999999", "1e-999999999"];

    private static readonly string[] Names = ["amount", "a", "b", "c", "legs", "x", "am\\u006funt", "\"amöunt\"", "am\\u00f6unt", "other"];

    [Property(MaxTest = 400)]
    public Property Raw_and_preparsed_params_are_charged_alike() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            var json = Value(rng, 0, root: true);
            using var doc = JsonDocument.Parse(json);
            var utf8 = Encoding.UTF8.GetBytes(json);
            foreach (var budget in Pact.CompiledBudgets)
            {
                var fromDocument = budget.Charge<Json.ElementNav, JsonElement, JsonElement.ObjectEnumerator, JsonElement.ArrayEnumerator>(doc.RootElement);
                var fromBytes = budget.ChargeUtf8(utf8);
                var fromValidated = budget.ChargeValidated(utf8);
                Assert.True(fromDocument == fromBytes, $"{budget.Sum?.Text} over {json}: document {fromDocument}, bytes {fromBytes}");
                Assert.True(fromDocument == fromValidated, $"{budget.Sum?.Text} over {json}: document {fromDocument}, validated bytes {fromValidated}");
            }
        });

    /// <summary>Pairs of budgets over <see cref="Paths"/>, bound by conditions on some paths (tapped) and not others (read apart).</summary>
    private static Pact ScannedPact(int a, int b, bool conditionOnA, bool conditionOnB)
    {
        string Condition(int i) => $"      - paramPath: \"{Paths[i]}\"\n        type: number\n";
        string Budget(int i, string name) => $"  - name: {name}\n    sum: \"{Paths[i]}\"\n    max: 1\n    window: 1d\n    per: pact\n";
        var yaml = "pact: scanned\nbindings:\n  - tool: t\n    conditions:\n"
            + (conditionOnA ? Condition(a) : "") + (conditionOnB && b != a ? Condition(b) : "")
            + "      - paramPath: \"legs[0].other\"\n        type: string\n"
            + "budgets:\n" + Budget(a, "first") + Budget(b, "second");
        return TestPacts.Compile(yaml);
    }

    [Property(MaxTest = 300)]
    public Property Replays_scanner_reads_the_charges_the_document_walk_reads() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            var pact = ScannedPact(rng.Next(Paths.Length), rng.Next(Paths.Length), rng.Next(2) == 0, rng.Next(2) == 0);
            var guesses = new Events.CallGuesses();
            guesses.Expect("t", pact);
            guesses.Expect("t", pact);
            var scanner = new Events.EventScanner(guesses);
            var json = Value(rng, 0, root: true);
            var line = $$"""{"type":"tool_call","sessionId":"s","agentId":"a","tool":"t","params":{{json}},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""";
            Assert.True(scanner.TryScan(Encoding.UTF8.GetBytes(line), out var ev), line);
            Assert.Same(pact, ev.ScannedPact);
            Assert.Equal(2, ev.Charges.Count);
            using var doc = JsonDocument.Parse(json);
            for (var i = 0; i < 2; i++)
            {
                var expected = pact.CompiledBudgets[i].Charge<Json.ElementNav, JsonElement, JsonElement.ObjectEnumerator, JsonElement.ArrayEnumerator>(doc.RootElement);
                Assert.True(expected == ev.Charges[i], $"{pact.CompiledBudgets[i].Sum!.Text} over {json}: document {expected}, scanned {ev.Charges[i]}");
            }
        });

    [Fact]
    public void A_sum_path_the_plan_visits_is_read_in_the_judging_pass()
    {
        Assert.Equal(0b11, ScannedPact(0, 2, true, true).TappedBudgets("t")); // amount, legs[*].amount: both conditions
        Assert.Equal(0b01, ScannedPact(0, 2, true, false).TappedBudgets("t"));
        Assert.Equal(0b00, ScannedPact(3, 3, false, false).TappedBudgets("t")); // legs[1]: the plan names only legs[0]
    }

    [Fact]
    public void Every_path_shape_is_charged_what_it_names()
    {
        const string json = """
            { "amount": 1, "a": {"b": "2.5"}, "legs": [{"amount": 3}, {"amount": "4"}], "x": [[5, 6], [7]],
              "amount" : 10, "am\u00f6unt": 8, "memo": "\"amount\": 99" }
            """;
        using var doc = JsonDocument.Parse(json);
        var utf8 = Encoding.UTF8.GetBytes(json);
        string[] expected = ["11", "2.5", "7", "4", "18", "0", "8"];
        for (var i = 0; i < Paths.Length; i++)
        {
            var budget = Pact.CompiledBudgets[i];
            Assert.Equal(expected[i], budget.Charge<Json.ElementNav, JsonElement, JsonElement.ObjectEnumerator, JsonElement.ArrayEnumerator>(doc.RootElement).ToString());
            Assert.Equal(expected[i], budget.ChargeUtf8(utf8).ToString());
            Assert.Equal(expected[i], budget.ChargeValidated(utf8).ToString());
        }
    }

    [Fact]
    public void Raw_params_that_are_not_json_are_the_general_readers_error()
    {
        var budget = Pact.CompiledBudgets[0];
        Assert.ThrowsAny<JsonException>(() => budget.ChargeUtf8(Encoding.UTF8.GetBytes("""{"amount": 1} x""")));
        Assert.ThrowsAny<JsonException>(() => budget.ChargeUtf8(Encoding.UTF8.GetBytes("""{"amount": 1""")));
        Assert.Equal("3", budget.ChargeUtf8(Encoding.UTF8.GetBytes("""{"amount": 1, "amount": "2"}""")).ToString());
    }

    private static readonly string[] Spaces = ["", "", " ", "\n  ", "\t", "\r\n"];

    private static string Value(Random rng, int depth, bool root = false)
    {
        string W() => Spaces[rng.Next(Spaces.Length)];
        var pick = root ? 0 : depth > 3 ? 1 : rng.Next(5);
        return pick switch
        {
            0 => W() + "{" + W() + string.Join("," + W(), Enumerable.Range(0, rng.Next(0, 5)).Select(_ => $"\"{Names[rng.Next(Names.Length)].Trim('"')}\"{W()}:{W()}{Value(rng, depth + 1)}{W()}")) + "}" + W(),
            1 => Leaves[rng.Next(Leaves.Length)],
            2 => "\"a string with \\\" [ { an escaped quote\"",
            _ => "[" + W() + string.Join(W() + "," + W(), Enumerable.Range(0, rng.Next(0, 4)).Select(_ => Value(rng, depth + 1))) + W() + "]",
        };
    }
}
