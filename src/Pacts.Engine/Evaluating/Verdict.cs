using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pacts.Evaluating;

/// <summary>
/// The result of validating one call against one pact (SPEC §5). <see cref="Valid"/> is true exactly
/// when <see cref="Violations"/> is empty. Serialise with <see cref="ToJson"/> so the bytes are the
/// same wherever a verdict is produced.
/// </summary>
public sealed class Verdict
{
    /// <summary>Creates a verdict.</summary>
    [JsonConstructor]
    public Verdict(string pactId, int pactVersion, string tool, bool bound, IReadOnlyList<Violation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        PactId = pactId;
        PactVersion = pactVersion;
        Tool = tool;
        Bound = bound;
        Violations = violations;
    }

    /// <summary>True exactly when there are no violations.</summary>
    [JsonPropertyOrder(0)]
    public bool Valid => Violations.Count == 0;

    /// <summary>The pact's id.</summary>
    [JsonPropertyOrder(1)]
    public string PactId { get; }

    /// <summary>The pact's version.</summary>
    [JsonPropertyOrder(2)]
    public int PactVersion { get; }

    /// <summary>The tool that was called.</summary>
    [JsonPropertyOrder(3)]
    public string Tool { get; }

    /// <summary>Whether the pact has a binding for the tool.</summary>
    [JsonPropertyOrder(4)]
    public bool Bound { get; }

    /// <summary>The violations, in the deterministic order of SPEC §5.</summary>
    [JsonPropertyOrder(5)]
    public IReadOnlyList<Violation> Violations { get; }

    /// <summary>The highest severity among the violations, or null for a valid call.</summary>
    [JsonIgnore]
    public Severity? HighestSeverity
    {
        get
        {
            Severity? max = null;
            foreach (var v in Violations)
            {
                if (max is null || v.Severity > max)
                {
                    max = v.Severity;
                }
            }

            return max;
        }
    }

    /// <summary>The verdict as compact JSON (SPEC §5 key order), with relaxed escaping (see <see cref="PactsJsonContext.Relaxed"/>).</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Writes the verdict as JSON to <paramref name="writer"/>, escaped as the writer's options say. Written by
    /// hand rather than through the serializer: the bytes are the serializer's (tests hold the two to it), but a
    /// one-shot <c>pacts validate-call</c> no longer JIT-compiles a hundred metadata methods to print one verdict.
    /// </summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WriteFields(writer, withIdentity: true);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes the verdict's fields into an object the caller has open; without <paramref name="withIdentity"/>
    /// the pact id and tool are left out, for a line that already names them (replay's <c>--verdicts</c>).
    /// </summary>
    internal void WriteFields(Utf8JsonWriter writer, bool withIdentity)
    {
        writer.WriteBoolean("valid"u8, Valid);
        if (withIdentity)
        {
            writer.WriteString("pactId"u8, PactId);
        }

        writer.WriteNumber("pactVersion"u8, PactVersion);
        if (withIdentity)
        {
            writer.WriteString("tool"u8, Tool);
        }

        writer.WriteBoolean("bound"u8, Bound);
        WriteViolations(writer, Violations);
    }

    /// <summary>Writes <c>"violations": [...]</c> as the serializer would (SPEC §5 keys, <c>value</c> verbatim and left out when null).</summary>
    internal static void WriteViolations(Utf8JsonWriter writer, IReadOnlyList<Violation> violations)
    {
        writer.WriteStartArray("violations"u8);
        foreach (var v in violations)
        {
            writer.WriteStartObject();
            writer.WriteString("paramPath"u8, v.ParamPath);
            writer.WriteString("rule"u8, v.Rule);
            writer.WriteString("severity"u8, v.Severity.ToName());
            if (v.Value is not null)
            {
                writer.WritePropertyName("value"u8);
                RawJsonConverter.WriteVerbatim(writer, v.Value);
            }

            if (v.Budget is not null)
            {
                writer.WriteString("budget"u8, v.Budget);
            }

            if (v.Used is not null)
            {
                writer.WritePropertyName("used"u8);
                writer.WriteRawValue(v.Used, skipInputValidation: true); // DecimalSum notation: plain JSON number text
            }

            writer.WriteString("message"u8, v.Message);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>The options <see cref="ToJson"/> writes with: relaxed escaping, as the serializer context uses.</summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Reads a verdict written by <see cref="ToJson"/>.</summary>
    public static Verdict? FromJson(string json) => JsonSerializer.Deserialize(json, PactsJsonContext.Relaxed.Verdict);
}

/// <summary>Source-generated serialisation for the engine's public result types.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(Verdict))]
[JsonSerializable(typeof(Violation[]))]
internal sealed partial class PactsJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context every verdict is written with: relaxed escaping keeps backticks and non-ASCII text readable
    /// (verdicts are JSON documents, never embedded in HTML), and one shared instance keeps the bytes identical
    /// wherever a verdict is produced.
    /// </summary>
    public static PactsJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,

        // A violation's value is the offending JSON as written, which may nest as deep as the params it came
        // from (replay reads lines 128 levels deep): a verdict must read back whatever it wrote.
        MaxDepth = 256,
    });
}
