using System.Text.Json;
using System.Text.Json.Nodes;
using Pacts.Diagnostics;
using Pacts.Json;
using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary><c>type</c>: the JSON type of the value. <c>integer</c> is a number with no fractional part (<c>1.0</c> counts).</summary>
internal sealed class TypeRule : RuleDefinition
{
    private static readonly string[] Types = ["string", "number", "integer", "boolean", "object", "array"];

    public override string Name => "type";

    public override string Description => "the JSON type: string, number, integer, boolean, object or array";

    public override CompiledRule? Compile(PactNode value, RuleContext context)
    {
        if (value.Kind != PactNodeKind.String || !Types.Contains(value.Text))
        {
            var near = value.Kind == PactNodeKind.String ? Suggest.Closest(value.Text, Types) : null;
            var help = near is null ? "use string, number, integer, boolean, object or array" : $"did you mean `{near}`?";
            if (value.IsScalar)
            {
                context.Error(DiagnosticCodes.BadEnumValue, value, $"unknown type `{value.Text}`", help);
            }
            else
            {
                context.Error(DiagnosticCodes.WrongType, value, $"`type` names one type, not {value.Describe()}",
                    value.Kind == PactNodeKind.Sequence ? "write one of string, number, integer, boolean, object or array; to accept several types, leave `type` out" : help);
            }
            return null;
        }

        return new Compiled(this, value, $"`{context.PathText}` must be of type {value.Text}", value.Text);
    }

    public override JsonNode Schema() => new JsonObject
    {
        ["enum"] = new JsonArray([.. Types.Select(t => (JsonNode)t)]),
        ["description"] = Description,
    };

    private sealed class Compiled(RuleDefinition d, PactNode s, string m, string type) : CompiledRule(d, s, m)
    {
        private readonly JsonValueKind _kind = type switch
        {
            "string" => JsonValueKind.String,
            "number" or "integer" => JsonValueKind.Number,
            "boolean" => JsonValueKind.True,
            "object" => JsonValueKind.Object,
            _ => JsonValueKind.Array,
        };

        private readonly bool _integer = type == "integer";

        public override bool Fails(ref LocationValue value)
        {
            var kind = value.Kind == JsonValueKind.False ? JsonValueKind.True : value.Kind;
            if (kind != _kind)
            {
                return true;
            }

            return _integer && !(value.IsNumber && value.NumberIsInteger);
        }
    }
}
