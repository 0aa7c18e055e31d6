using System.Text.Json;
using System.Text.Json.Nodes;
using Pacts.Json;
using Pacts.Syntax;

namespace Pacts.Rules;

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
