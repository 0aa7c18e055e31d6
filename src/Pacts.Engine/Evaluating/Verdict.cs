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

    /// <summary>The verdict as compact JSON (SPEC §5 key order).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, PactsJsonContext.Relaxed.Verdict);

    /// <summary>Writes the verdict as JSON to <paramref name="writer"/>.</summary>
    public void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, PactsJsonContext.Relaxed.Verdict);

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
    });
}
