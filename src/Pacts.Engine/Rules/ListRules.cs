using System.Text.Json.Nodes;
using Pacts.Diagnostics;
using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary>What <c>allowList</c> and <c>denyList</c> share: reading a non-empty list of scalars.</summary>
internal static class ListRules
{
    public static ScalarSet? Read(PactNode value, RuleContext context, string name)
    {
        if (value.Kind != PactNodeKind.Sequence)
        {
            context.Error(DiagnosticCodes.WrongType, value, $"`{name}` must be a list of values, not {value.Describe()}",
                $"write `{name}: [a, b]`");
            return null;
        }

        if (value.Items.Count == 0)
        {
            context.Error(DiagnosticCodes.EmptyList, value, $"`{name}` is empty",
                name == "allowList" ? "an empty allow list allows nothing: list at least one value" : "list at least one value, or remove the rule");
            return null;
        }

        var ok = true;
        foreach (var item in value.Scalars is null ? value.Items : []) // a list read into columns holds only scalars
        {
            if (!item.IsScalar)
            {
                context.Error(DiagnosticCodes.NonScalarInList, item, $"`{name}` holds {item.Describe()}; an object or array never equals a value",
                    "list only strings, numbers and booleans");
                ok = false;
            }
        }

        if (!ok)
        {
            return null;
        }

        var items = value.Scalars ?? ScalarItems.FromNodes(value.Items);
        var set = new ScalarSet(items, repeat =>
            context.Warning(DiagnosticCodes.DuplicateListValue, repeat, $"`{name}` lists `{repeat.Text}` more than once", "remove the repeat"));
        if (set.HasNull)
        {
            // SPEC §4: null is treated as absent, so no rule but `required` ever sees one. Found by the set's own pass;
            // the items are searched again only to point at the first.
            var first = Enumerable.Range(0, items.Count).First(i => items.Kind(i) == PactNodeKind.Null);
            context.Warning(DiagnosticCodes.NullInList, items[first], $"`{name}` lists `null`, which never matches: a null param is treated as absent",
                name == "allowList"
                    ? "remove it: `allowList` never checks a null or missing value, so one already passes unless the condition has `required: true`"
                    : "remove it: to refuse a null or missing value, use `required: true`");
        }

        return set;
    }

    public static string Describe(PactNode list)
    {
        var items = list.Items;
        if (items.Count > 5)
        {
            return $"one of {items.Count} listed values";
        }

        return string.Join(", ", items.Select(i => $"`{i.Text}`"));
    }

    public static JsonNode Schema(string description) => new JsonObject
    {
        ["type"] = "array",
        ["minItems"] = 1,
        ["items"] = ScalarSet.ItemSchema(),
        ["description"] = description,
    };
}
