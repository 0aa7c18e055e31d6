using System.Text;
using System.Text.Json;

namespace Pacts.Benchmarks;

/// <summary>
/// What a careful developer would write by hand to load the wide pact alone: the compile baseline. It knows the
/// shape in advance (bindings of allow-list conditions on top-level params), so it checks nothing the engine checks
/// (no line and column for errors, no unknown keys, no lint, no rule other than <c>allowList</c>), and keeps each
/// allow-list as a <see cref="HashSet{T}"/> of strings. <see cref="Validate"/> exists so the benchmark can check
/// that what was loaded gives the engine's verdicts before anything is timed.
/// </summary>
internal sealed class HandWrittenWidePact
{
    private readonly Dictionary<string, (string Param, HashSet<string> Allowed)[]> _bindings;

    private HandWrittenWidePact(Dictionary<string, (string, HashSet<string>)[]> bindings) => _bindings = bindings;

    /// <summary>Loads the text as the engine is handed it: a string, read as UTF-8 JSON.</summary>
    public static HandWrittenWidePact Load(string text)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text));
        var bindings = new Dictionary<string, (string, HashSet<string>)[]>(StringComparer.Ordinal);
        var conditions = new List<(string, HashSet<string>)>();
        string? tool = null, param = null;
        HashSet<string>? allowed = null;
        string? property = null;
        var conditionsDepth = -1;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    property = reader.GetString();
                    break;
                case JsonTokenType.String when allowed is not null:
                    allowed.Add(reader.GetString()!);
                    break;
                case JsonTokenType.String when property == "tool":
                    tool = reader.GetString();
                    break;
                case JsonTokenType.String when property == "paramPath":
                    param = reader.GetString();
                    break;
                case JsonTokenType.StartArray when property == "allowList":
                    allowed = new HashSet<string>(StringComparer.Ordinal);
                    break;
                case JsonTokenType.StartArray when property == "conditions":
                    conditionsDepth = reader.CurrentDepth;
                    break;
                case JsonTokenType.EndArray when allowed is not null:
                    conditions.Add((param!, allowed));
                    allowed = null;
                    break;
                case JsonTokenType.EndArray when reader.CurrentDepth == conditionsDepth:
                    bindings[tool!] = [.. conditions];
                    conditions.Clear();
                    conditionsDepth = -1;
                    break;
                default:
                    break;
            }
        }

        return new HandWrittenWidePact(bindings);
    }

    /// <summary>
    /// The number of violations of a call (−1 for an unknown tool): one per condition whose param is present and
    /// not a string on its list.
    /// </summary>
    public int Validate(string tool, JsonElement call)
    {
        if (!_bindings.TryGetValue(tool, out var conditions))
        {
            return -1;
        }

        var violations = 0;
        foreach (var (param, allowed) in conditions)
        {
            if (call.TryGetProperty(param, out var value) && value.ValueKind != JsonValueKind.Null
                && (value.ValueKind != JsonValueKind.String || !allowed.Contains(value.GetString()!)))
            {
                violations++;
            }
        }

        return violations;
    }
}
