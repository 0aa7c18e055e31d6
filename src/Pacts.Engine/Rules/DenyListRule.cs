using System.Text.Json.Nodes;
using Pacts.Diagnostics;
using Pacts.Json;
using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary><c>denyList</c>: the value must equal none of the listed scalars.</summary>
internal sealed class DenyListRule : RuleDefinition
{
    public override string Name => "denyList";

    public override string Description => "non-empty list of scalars; the value must equal none of them";

    public override CompiledRule? Compile(PactNode value, RuleContext context)
    {
        var set = ListRules.Read(value, context, Name);
        return set is null ? null : new Compiled(this, value, $"`{context.PathText}` must not be {ListRules.Describe(value).Replace("one of", "any of", StringComparison.Ordinal)}", set);
    }

    /// <summary>A value in both lists of one condition is a contradiction, reported at the deny-list entry.</summary>
    public override void CheckWithSiblings(CompiledRule self, IReadOnlyList<CompiledRule> siblings, RuleContext context)
    {
        var allow = siblings.OfType<AllowListRule.Compiled>().FirstOrDefault();
        if (allow is null)
        {
            return;
        }

        foreach (var item in self.Source.Items)
        {
            // A null in both lists is not an overlap: null never equals a param value (null is absent), and each
            // list already warns about it (PACT105), so it is reported there alone.
            if (item.Kind != PactNodeKind.Null && allow.Set.Contains(item))
            {
                context.Error(DiagnosticCodes.AllowDenyOverlap, item, $"`{item.Text}` is in both `allowList` and `denyList`",
                    "remove it from one of the lists");
            }
        }
    }

    public override JsonNode Schema() => ListRules.Schema(Description);

    private sealed class Compiled(RuleDefinition d, PactNode s, string m, ScalarSet set) : CompiledRule(d, s, m)
    {
        public override bool Fails(ref LocationValue value) => set.Contains(ref value);
    }
}
