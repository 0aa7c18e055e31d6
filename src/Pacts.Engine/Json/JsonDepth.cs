using System.Text.Json;

namespace Pacts.Json;

/// <summary>
/// How deep a value nests, counted as <see cref="Utf8JsonReader"/> and <see cref="JsonDocument"/> count it for their
/// <c>MaxDepth</c>: each object or array is a level, the params object itself the first. Every way in to the engine
/// holds params to <see cref="ParamsDom.MaxDepth"/> levels, so one call never gets a verdict in one place and an
/// error in another: the raw-bytes reader refuses deeper input, and the paths that receive a parsed document
/// (replay's general path, <c>pacts validate-call</c>, the service) check it with this.
/// </summary>
public static class JsonDepth
{
    /// <summary>The nesting of <paramref name="value"/>: 0 for a scalar, 1 for a flat object or array.</summary>
    public static int Of(JsonElement value)
    {
        var deepest = 0;
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    deepest = Math.Max(deepest, Of(property.Value));
                }

                return deepest + 1;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    deepest = Math.Max(deepest, Of(item));
                }

                return deepest + 1;
            default:
                return 0;
        }
    }
}
