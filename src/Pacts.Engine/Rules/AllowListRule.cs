using System.Text.Json.Nodes;
using Pacts.Json;
using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary><c>allowList</c>: the value must equal one of the listed scalars.</summary>
internal sealed class AllowListRule : RuleDefinition
{
    public override string Name => "allowList";

    public override string Description => "non-empty list of scalars; the value must equal one of them";

    public override CompiledRule? Compile(PactNode value, RuleContext context)
    {
        var set = ListRules.Read(value, context, Name);
        if (set is null)
        {
            return null;
        }

        var message = value.Items.Count == 1
            ? $"`{context.PathText}` must be {ListRules.Describe(value)}"
            : $"`{context.PathText}` must be one of {ListRules.Describe(value)}";
        return new Compiled(this, value, message, set);
    }

    public override JsonNode Schema() => ListRules.Schema(Description);

    internal sealed class Compiled(RuleDefinition d, PactNode s, string m, ScalarSet set) : CompiledRule(d, s, m)
    {
        public ScalarSet Set { get; } = set;

        public override bool Fails(ref LocationValue value) => !Set.Contains(ref value);

        /// <summary>
        /// A listed value is never denied when no item of the deny list is on this list (SPEC §4 equality). An overlap
        /// is a compile error (PACT015) anyway; this checks it again rather than lean on that.
        /// </summary>
        public override bool PassImplies(CompiledRule other)
        {
            if (other.Definition is not DenyListRule)
            {
                return false;
            }

            foreach (var item in other.Source.Items)
            {
                if (Set.Contains(item))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
