namespace Pacts.Rules;

/// <summary>
/// Every rule the pact format knows, in the order of the SPEC §4 table, which is also the order of
/// violations within a condition. The loader, the compiler and the JSON Schema all read this list.
/// </summary>
internal static class RuleCatalogue
{
    public static readonly RequiredRule Required = new();

    public static IReadOnlyList<RuleDefinition> All { get; } = Number(
    [
        Required,
        new TypeRule(),
        new AllowListRule(),
        new DenyListRule(),
        new RegexRule(),
        new MinLengthRule(),
        new MaxLengthRule(),
        new MaxItemsRule(),
        new ValueRangeRule(),
        new MaxAmountRule(),
    ]);

    private static readonly Dictionary<string, RuleDefinition> ByName = All.ToDictionary(r => r.Name, StringComparer.Ordinal);

    public static RuleDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    private static RuleDefinition[] Number(RuleDefinition[] rules)
    {
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i].Order = i;
        }

        return rules;
    }
}
