using System.Text.Json;
using System.Text.Json.Nodes;
using Pacts.Diagnostics;
using Pacts.Json;
using Pacts.Numbers;
using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary><c>valueRange: {min, max}</c>: the value must be a JSON number inside the inclusive range.</summary>
internal sealed class ValueRangeRule : RuleDefinition
{
    internal static readonly string[] Keys = ["min", "max"];

    public override string Name => "valueRange";

    public override string Description => "{min, max} (at least one); the value must be a JSON number within them, inclusive";

    public override CompiledRule? Compile(PactNode value, RuleContext context)
    {
        if (value.Kind != PactNodeKind.Mapping)
        {
            context.Error(DiagnosticCodes.WrongType, value, $"`valueRange` must be a mapping with `min` and/or `max`, not {value.Describe()}",
                "write `valueRange: {min: 0, max: 100}`");
            return null;
        }

        byte[]? min = null;
        byte[]? max = null;
        var ok = true;
        foreach (var (key, v) in value.Entries)
        {
            switch (key.Text)
            {
                case "min":
                    ok &= context.TryNumber(v, "`valueRange.min`", out var minBytes);
                    min = minBytes;
                    break;
                case "max":
                    ok &= context.TryNumber(v, "`valueRange.max`", out var maxBytes);
                    max = maxBytes;
                    break;
                default:
                    Suggest.UnknownKey(context.Diagnostics, key.Text, key.Span, Keys, "`valueRange`");
                    ok = false;
                    break;
            }
        }

        if (!ok)
        {
            return null;
        }

        if (min is null && max is null)
        {
            context.Error(DiagnosticCodes.BadBound, value, "`valueRange` needs `min`, `max` or both");
            return null;
        }

        var minText = value.Find("min")?.Value.Text;
        var maxText = value.Find("max")?.Value.Text;
        if (min is not null && max is not null && ExactDecimal.Compare(min, max) > 0)
        {
            context.Error(DiagnosticCodes.BadBound, value, $"`valueRange` has `min` {minText} greater than `max` {maxText}",
                "no number can satisfy it: swap or fix the bounds");
            return null;
        }

        var message = (min, max) switch
        {
            (not null, not null) => $"`{context.PathText}` must be a number from {minText} to {maxText}",
            (not null, null) => $"`{context.PathText}` must be a number of at least {minText}",
            _ => $"`{context.PathText}` must be a number of at most {maxText}",
        };
        return new Compiled(this, value, message, min is null ? null : new DecimalBound(min), max is null ? null : new DecimalBound(max));
    }

    public override JsonNode Schema() => new JsonObject
    {
        ["type"] = "object",
        ["properties"] = new JsonObject { ["min"] = new JsonObject { ["type"] = "number" }, ["max"] = new JsonObject { ["type"] = "number" } },
        ["minProperties"] = 1,
        ["additionalProperties"] = false,
        ["description"] = Description,
    };

    private sealed class Compiled(RuleDefinition d, PactNode s, string m, DecimalBound? min, DecimalBound? max) : CompiledRule(d, s, m)
    {
        public override bool Fails(ref LocationValue value)
        {
            if (value.Kind != JsonValueKind.Number || !value.IsNumber)
            {
                return true;
            }

            return (min is not null && value.CompareNumber(min) < 0) || (max is not null && value.CompareNumber(max) > 0);
        }

        /// <summary>A value in range is a JSON number, so it passes <c>type: number</c>.</summary>
        public override bool PassImplies(CompiledRule other) =>
            other.Definition is TypeRule && other.Source.Kind == PactNodeKind.String && other.Source.Text == "number";
    }
}
