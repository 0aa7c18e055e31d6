using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pacts.Evaluating;

/// <summary>How serious a violation is. Ordered: <c>Critical &gt; Major &gt; Minor</c>.</summary>
[JsonConverter(typeof(SeverityJsonConverter))]
public enum Severity
{
    /// <summary><c>minor</c>: worth knowing, rarely worth stopping for.</summary>
    Minor = 1,

    /// <summary><c>major</c>: the default.</summary>
    Major = 2,

    /// <summary><c>critical</c>: the call must not run.</summary>
    Critical = 3,
}

/// <summary>Spelling of severities as the spec writes them.</summary>
public static class SeverityNames
{
    /// <summary>The lowercase name: <c>critical</c>, <c>major</c> or <c>minor</c>.</summary>
    public static string ToName(this Severity severity) => severity switch
    {
        Severity.Critical => "critical",
        Severity.Major => "major",
        _ => "minor",
    };

    /// <summary>Parses <c>critical</c>, <c>major</c> or <c>minor</c> (exact spelling).</summary>
    public static bool TryParse(string? text, out Severity severity)
    {
        switch (text)
        {
            case "critical":
                severity = Severity.Critical;
                return true;
            case "major":
                severity = Severity.Major;
                return true;
            case "minor":
                severity = Severity.Minor;
                return true;
            default:
                severity = Severity.Major;
                return false;
        }
    }
}

internal sealed class SeverityJsonConverter : JsonConverter<Severity>
{
    public override Severity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        SeverityNames.TryParse(reader.GetString(), out var s) ? s : throw new JsonException("severity must be critical, major or minor");

    public override void Write(Utf8JsonWriter writer, Severity value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToName());
}
