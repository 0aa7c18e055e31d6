using System.Text.Json.Nodes;
using Pacts.Diagnostics;
using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary><c>maxLength</c>: the value must be a string of at most N code points.</summary>
internal sealed class MaxLengthRule : RuleDefinition
{
    public override string Name => "maxLength";

    /// <inheritdoc/>
    public override ValueKinds Passes => ValueKinds.String;

    public override string Description => "integer >= 0; the value must be a string of at most this many code points";

    public override CompiledRule? Compile(PactNode value, RuleContext context) =>
        context.TryCount(value, "`maxLength`", out var n)
            ? new LengthCheck(this, value, $"`{context.PathText}` must be a string of at most {n} characters", 0, n)
            : null;

    public override void CheckWithSiblings(CompiledRule self, IReadOnlyList<CompiledRule> siblings, RuleContext context)
    {
        var min = siblings.OfType<LengthCheck>().FirstOrDefault(s => s.Definition is MinLengthRule);
        if (min is not null && min.Min > ((LengthCheck)self).Max)
        {
            context.Error(DiagnosticCodes.BadBound, self.Source, $"`minLength` {min.Min} is greater than `maxLength` {((LengthCheck)self).Max}",
                "no string can satisfy both: swap or fix the bounds");
        }
    }

    public override JsonNode Schema() => LengthCheck.CountSchema(Description);
}
