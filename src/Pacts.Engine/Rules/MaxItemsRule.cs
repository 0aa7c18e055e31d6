using System.Text.Json;
using System.Text.Json.Nodes;
using Pacts.Json;
using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary><c>maxItems</c>: the value must be an array of at most N elements.</summary>
internal sealed class MaxItemsRule : RuleDefinition
{
    public override string Name => "maxItems";

    /// <inheritdoc/>
    public override ValueKinds Passes => ValueKinds.Array;

    public override string Description => "integer >= 0; the value must be an array of at most this many elements";

    public override CompiledRule? Compile(PactNode value, RuleContext context) =>
        context.TryCount(value, "`maxItems`", out var n)
            ? new Compiled(this, value, $"`{context.PathText}` must be an array of at most {n} items", n)
            : null;

    public override JsonNode Schema() => LengthCheck.CountSchema(Description);

    private sealed class Compiled(RuleDefinition d, PactNode s, string m, int max) : CompiledRule(d, s, m)
    {
        public override bool Fails(ref LocationValue value) =>
            value.Kind != JsonValueKind.Array || value.ArrayLength > max;
    }
}
