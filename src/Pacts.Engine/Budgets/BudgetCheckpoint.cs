using System.Text.Json;

namespace Pacts.Budgets;

/// <summary>
/// A book's state as one JSON document, so a host restores it instead of replaying its whole log:
/// <c>{"format":"pacts-budgets/1","position":…,"windows":[{"pact","budget","scope","clock","charges":[[at,"amount"],…]},…]}</c>
/// with times in whole microseconds since the Unix epoch and amounts in SPEC §10 notation. Restoring a checkpoint
/// taken after a log's first part and feeding the rest gives the verdicts of feeding the whole log.
/// </summary>
public static class BudgetCheckpoint
{
    /// <summary>The value of the document's <c>format</c> member.</summary>
    public const string Format = "pacts-budgets/1";

    internal static readonly long UnixEpochMicros = DateTimeOffset.UnixEpoch.UtcTicks / TimeSpan.TicksPerMicrosecond;

    /// <summary>
    /// Reads a checkpoint written by <see cref="BudgetBook.WriteCheckpoint"/> into <paramref name="into"/> (a store the
    /// new book will use) and returns the position it was written with.
    /// </summary>
    /// <exception cref="FormatException">The document is not a checkpoint of this format, or a window in it is not one a book could have written.</exception>
    public static string? Read(Stream utf8Json, IBudgetStore into)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        ArgumentNullException.ThrowIfNull(into);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8Json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not a budget checkpoint: {e.Message}", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
            {
                throw new FormatException($"not a budget checkpoint: expected \"format\": \"{Format}\"");
            }

            string? position = null;
            if (root.TryGetProperty("position", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                position = p.ValueKind == JsonValueKind.String ? p.GetString() : throw new FormatException("a budget checkpoint's position must be a string or null");
            }

            if (!root.TryGetProperty("windows", out var windows) || windows.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("a budget checkpoint needs a \"windows\" array");
            }

            var i = 0;
            foreach (var w in windows.EnumerateArray())
            {
                try
                {
                    var key = new BudgetKey(Text(w, "pact"), Text(w, "budget"), Text(w, "scope"));
                    long? clock = w.TryGetProperty("clock", out var c) && c.ValueKind != JsonValueKind.Null ? Micros(c) : null;
                    var charges = new List<BudgetCharge>();
                    if (w.TryGetProperty("charges", out var cs))
                    {
                        if (cs.ValueKind != JsonValueKind.Array)
                        {
                            throw new FormatException("\"charges\" must be an array");
                        }

                        foreach (var pair in cs.EnumerateArray())
                        {
                            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2 || pair[1].ValueKind != JsonValueKind.String)
                            {
                                throw new FormatException("each charge is [microseconds, \"amount\"]");
                            }

                            charges.Add(new BudgetCharge(Micros(pair[0]), pair[1].GetString()!));
                        }
                    }

                    if (into.Find(key) is not null)
                    {
                        throw new FormatException($"a second window for {key.PactId}/{key.Budget}/{key.Scope}");
                    }

                    into.Add(key, BudgetWindow.Restore(clock, charges));
                }
                catch (FormatException e)
                {
                    throw new FormatException($"budget checkpoint, window {i}: {e.Message}", e);
                }

                i++;
            }

            return position;
        }
    }

    internal static void Write(Stream utf8Json, string? position, IEnumerable<KeyValuePair<BudgetKey, BudgetWindow>> windows)
    {
        using var w = new Utf8JsonWriter(utf8Json);
        w.WriteStartObject();
        w.WriteString("format", Format);
        if (position is null)
        {
            w.WriteNull("position");
        }
        else
        {
            w.WriteString("position", position);
        }

        w.WriteStartArray("windows");
        foreach (var (key, window) in windows.OrderBy(kv => kv.Key.PactId, StringComparer.Ordinal)
                     .ThenBy(kv => kv.Key.Budget, StringComparer.Ordinal).ThenBy(kv => kv.Key.Scope, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("pact", key.PactId);
            w.WriteString("budget", key.Budget);
            w.WriteString("scope", key.Scope);
            if (window.ClockMicros is { } clock)
            {
                w.WriteNumber("clock", clock);
            }
            else
            {
                w.WriteNull("clock");
            }

            w.WriteStartArray("charges");
            foreach (var c in window.Charges)
            {
                w.WriteStartArray();
                w.WriteNumberValue(c.AtMicros);
                w.WriteStringValue(c.Amount);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Text(JsonElement w, string name) =>
        w.ValueKind == JsonValueKind.Object && w.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()! : throw new FormatException($"\"{name}\" must be a string");

    private static long Micros(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v) ? v
            : throw new FormatException($"a time must be whole microseconds, not {e.GetRawText()}");
}
