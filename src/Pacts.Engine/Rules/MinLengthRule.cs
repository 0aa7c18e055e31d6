using System.Text.Json.Nodes;
using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary><c>minLength</c>: the value must be a string of at least N code points.</summary>
internal sealed class MinLengthRule : RuleDefinition
{
    public override string Name => "minLength";

    /// <inheritdoc/>
    public override ValueKinds Passes => ValueKinds.String;

    public override string Description => "integer >= 0; the value must be a string of at least this many code points";

    public override CompiledRule? Compile(PactNode value, RuleContext context) =>
        context.TryCount(value, "`minLength`", out var n)
            ? new LengthCheck(this, value, $"`{context.PathText}` must be a string of at least {n} characters", n, int.MaxValue)
            : null;

    public override JsonNode Schema() => LengthCheck.CountSchema(Description);
}
