using Pacts.Rules;

namespace Pacts.Tests;

/// <summary>
/// Each rule's declared <see cref="RuleDefinition.Passes"/> holds: a value of a kind it does not declare fails it,
/// whatever the value. The linter's PACT104 ("a string rule under a non-string type") reads the declaration.
/// </summary>
public class ValueKindsTests
{
    /// <summary>A rule value that a well-chosen value of every declared kind could meet, and one value of each kind.</summary>
    private static readonly Dictionary<string, string> Loose = new(StringComparer.Ordinal)
    {
        ["regex"] = "regex: '.*'",
        ["minLength"] = "minLength: 0",
        ["maxLength"] = "maxLength: 1000",
        ["maxItems"] = "maxItems: 1000",
    };

    private static readonly (ValueKinds Kind, string Json)[] Values =
    [
        (ValueKinds.String, "\"x\""), (ValueKinds.Number, "5"), (ValueKinds.Boolean, "true"), (ValueKinds.Array, "[1]"), (ValueKinds.Object, "{\"k\":1}"),
    ];

    [Fact]
    public void Only_the_string_rules_declare_strings_and_maxItems_arrays()
    {
        var narrowed = RuleCatalogue.All.Where(r => r.Passes != ValueKinds.Any).ToDictionary(r => r.Name, r => r.Passes, StringComparer.Ordinal);
        Assert.Equal(
            new Dictionary<string, ValueKinds>(StringComparer.Ordinal)
            {
                ["regex"] = ValueKinds.String, ["minLength"] = ValueKinds.String, ["maxLength"] = ValueKinds.String, ["maxItems"] = ValueKinds.Array,
            },
            narrowed);
    }

    [Theory]
    [InlineData("regex")]
    [InlineData("minLength")]
    [InlineData("maxLength")]
    [InlineData("maxItems")]
    public void A_value_of_an_undeclared_kind_fails_and_a_declared_one_can_pass(string rule)
    {
        var definition = RuleCatalogue.Find(rule)!;
        var pact = TestPacts.Condition("a", Loose[rule]);
        foreach (var (kind, json) in Values)
        {
            var verdict = pact.Validate($$"""{"a":{{json}}}""");
            Assert.True(verdict.Valid == definition.Passes.HasFlag(kind), $"{rule} with {json}: valid {verdict.Valid}, declared {definition.Passes}");
        }
    }
}
