using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pacts.Evaluating;

/// <summary>One broken rule at one concrete location of a call's params (SPEC §5).</summary>
public sealed class Violation
{
    /// <summary>Creates a violation.</summary>
    [JsonConstructor]
    public Violation(string paramPath, string rule, Severity severity, string? value, string message)
        : this(paramPath, rule, severity, value, message, paramPath)
    {
    }

    /// <summary>Creates a violation that also records the path as the pact wrote it.</summary>
    public Violation(string paramPath, string rule, Severity severity, string? value, string message, string pactParamPath)
    {
        PactParamPath = pactParamPath;
        ParamPath = paramPath;
        Rule = rule;
        Severity = severity;
        Value = value;
        Message = message;
    }

    /// <summary>The concrete path of the offending value (<c>items[2].sku</c>); empty for <c>unboundTool</c>.</summary>
    [JsonPropertyOrder(0)]
    public string ParamPath { get; }

    /// <summary>The rule's name as the spec writes it (<c>allowList</c>, <c>maxAmount</c>, ...).</summary>
    [JsonPropertyOrder(1)]
    public string Rule { get; }

    /// <summary>The condition's severity.</summary>
    [JsonPropertyOrder(2)]
    public Severity Severity { get; }

    /// <summary>Creates a budget breach (SPEC §10): <paramref name="charge"/> and <paramref name="used"/> in §10 notation.</summary>
    public Violation(string paramPath, Severity severity, string charge, string budget, string used, string message)
        : this(paramPath, "budget", severity, charge, message, paramPath)
    {
        Budget = budget;
        Used = used;
    }

    /// <summary>The offending value as verbatim JSON text; null for <c>required</c> and <c>unboundTool</c>; a budget breach's charge.</summary>
    [JsonPropertyOrder(3)]
    [JsonConverter(typeof(RawJsonConverter))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Value { get; }

    /// <summary>The budget a <c>budget</c> violation breaches; null for every other rule.</summary>
    [JsonPropertyOrder(4)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Budget { get; init; }

    /// <summary>What the budget's window already held before this call, as JSON number text (SPEC §10); null for other rules.</summary>
    [JsonPropertyOrder(5)]
    [JsonConverter(typeof(RawJsonConverter))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Used { get; init; }

    /// <summary>The condition's message, or a generated one naming the rule and its bound.</summary>
    [JsonPropertyOrder(6)]
    public string Message { get; }

    /// <summary>
    /// The condition's <c>paramPath</c> as written in the pact (<c>items[*].sku</c> for a violation at
    /// <c>items[2].sku</c>), for reports that group violations by pact path. Not part of the verdict JSON.
    /// </summary>
    [JsonIgnore]
    public string PactParamPath { get; }

    /// <summary>
    /// One line for a person (a blocked MCP call's text, an alert's description): <c>severity path rule value: message</c>,
    /// <c>(call)</c> for an empty path, and <c>(budget NAME, used USED)</c> after a budget's.
    /// </summary>
    public string Describe() =>
        $"{Severity.ToName()} {(ParamPath.Length == 0 ? "(call)" : ParamPath)} {Rule}{(Value is null ? "" : " " + Value)}: {Message}"
        + (Budget is null ? "" : $" (budget {Budget}, used {Used})");

    /// <inheritdoc/>
    public override string ToString() =>
        Value is null ? $"{ParamPath}: {Rule} ({Severity.ToName()}): {Message}" : $"{ParamPath}: {Rule} ({Severity.ToName()}) {Value}: {Message}";
}

/// <summary>Writes a string that already holds JSON text as that JSON, and reads any JSON value back as its text.</summary>
internal sealed class RawJsonConverter : JsonConverter<string?>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        return doc.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            WriteVerbatim(writer, value);
        }
    }

    /// <summary>The deepest a verbatim value may nest: far past any params a reader of ours accepts (64 or 128 levels).</summary>
    private const int MaxVerbatimDepth = 4096;

    /// <summary>
    /// Writes JSON text as itself. It is checked first, but with a reader that goes deeper than the writer's own
    /// check (64 levels): a value from params a replay line nests 70 levels deep is valid JSON and must be
    /// written, not refused with an exception. Text that is not one JSON value is refused as the writer would.
    /// </summary>
    internal static void WriteVerbatim(Utf8JsonWriter writer, string value)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(value);
        if (IsOneJsonValue(utf8))
        {
            writer.WriteRawValue(utf8, skipInputValidation: true);
        }
        else
        {
            writer.WriteRawValue(utf8, skipInputValidation: false); // throws the writer's own error
        }
    }

    private static bool IsOneJsonValue(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxVerbatimDepth });
            if (!reader.Read())
            {
                return false;
            }

            reader.Skip();
            return !reader.Read(); // anything after the value throws, or is whitespace
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
