using System.Text.Json.Nodes;
using System.Text.Json;
using Pacts.Diagnostics;
using Pacts.Evaluating;
using Pacts.Json;
using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary><c>minLength</c>: the value must be a string of at least N code points.</summary>
internal sealed class MinLengthRule : RuleDefinition
{
    public override string Name => "minLength";

    public override string Description => "integer >= 0; the value must be a string of at least this many code points";

    public override CompiledRule? Compile(PactNode value, RuleContext context) =>
        context.TryCount(value, "`minLength`", out var n)
            ? new LengthCheck(this, value, $"`{context.PathText}` must be a string of at least {n} characters", n, int.MaxValue)
            : null;

    public override JsonNode Schema() => LengthCheck.CountSchema(Description);
}

/// <summary><c>maxLength</c>: the value must be a string of at most N code points.</summary>
internal sealed class MaxLengthRule : RuleDefinition
{
    public override string Name => "maxLength";

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

/// <summary>
/// The compiled length bound. Without escapes the code points are counted straight from the UTF-8
/// bytes (one non-continuation byte per code point), so no string is decoded.
/// </summary>
internal sealed class LengthCheck(RuleDefinition d, PactNode s, string m, int min, int max) : CompiledRule(d, s, m)
{
    public int Min { get; } = min;

    public int Max { get; } = max;

    public override bool Fails(ref LocationValue value)
    {
        if (value.Kind != JsonValueKind.String)
        {
            return true;
        }

        // Code points never outnumber bytes, nor are fewer than a quarter of them: skip counting when the raw size decides.
        var raw = value.Raw.Length;
        if (raw <= Max && raw >= Min && !value.HasEscapes && raw / 4 >= Min)
        {
            return false;
        }

        var n = value.CodePointLength;
        return n < Min || n > Max;
    }

    public static JsonNode CountSchema(string description) =>
        new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["description"] = description };
}

/// <summary><c>maxItems</c>: the value must be an array of at most N elements.</summary>
internal sealed class MaxItemsRule : RuleDefinition
{
    public override string Name => "maxItems";

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
