using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pacts.Replay;

/// <summary>Tool call counts: <c>total = evaluated + unevaluated + unknownPact</c>.</summary>
public sealed record ToolCallCounts(long Total, long Evaluated, long Valid, long Invalid, long Unevaluated, long UnknownPact);

/// <summary>Invalid calls by their highest severity.</summary>
public sealed record SeverityCounts(long Critical, long Major, long Minor);

/// <summary>Invalid calls by highest severity as fractions of evaluated calls (null when none were evaluated).</summary>
public sealed record SeverityRates(double? Critical, double? Major, double? Minor);

/// <summary>Violations counted per pact <c>paramPath</c>.</summary>
public sealed record PathCount(string ParamPath, long Count);

/// <summary>Per (agent, pact) compliance.</summary>
public sealed record PactReport(
    string AgentId, string PactId, long Evaluated, long Valid, double? ComplianceRate,
    SeverityCounts InvalidBySeverity, SeverityRates InvalidRateBySeverity, IReadOnlyList<PathCount> TopParamPaths);

/// <summary>Nearest-rank session duration percentiles in whole milliseconds.</summary>
public sealed record Percentiles(long P50, long P95, long P99);

/// <summary>Per-agent session health.</summary>
public sealed record AgentReport(
    string AgentId, long Sessions, double? SessionSuccessRate, Percentiles? SessionDurationMs, long ToolCalls, double? ToolErrorRate, double? InvalidRate);

/// <summary>Tool calls under a <c>pactId</c> that no loaded pact has.</summary>
public sealed record UnknownPactCount(string PactId, long Calls);

/// <summary>An invalid call with its violations, for the report's listing.</summary>
public sealed record InvalidCall(string File, long Line, string SessionId, string AgentId, string PactId, string Tool, IReadOnlyList<Evaluating.Violation> Violations);

/// <summary>A line that was not a well-formed event.</summary>
public sealed record MalformedLine(string File, long Line, string Reason);

/// <summary>
/// The replay report of SPEC §8. The JSON keys are stable; rates are fractions 0..1 and null when their
/// denominator is 0. Beyond the spec: <c>unknownPacts</c>, <c>malformedLinesTruncated</c>, per-pact
/// <c>invalidRateBySeverity</c> and per-agent <c>toolCalls</c>.
/// </summary>
public sealed class ReplayReport
{
    /// <summary>Well-formed events of a known type.</summary>
    public long Events { get; init; }

    /// <summary>Malformed lines.</summary>
    public long Malformed { get; init; }

    /// <summary>Lines of an unknown <c>type</c>.</summary>
    public long Unknown { get; init; }

    /// <summary>Distinct session ids with a <c>session_start</c>.</summary>
    public long Sessions { get; init; }

    /// <summary>Tool call counts.</summary>
    public required ToolCallCounts ToolCalls { get; init; }

    /// <summary>valid / evaluated.</summary>
    public double? ComplianceRate { get; init; }

    /// <summary>Invalid calls by highest severity.</summary>
    public required SeverityCounts InvalidBySeverity { get; init; }

    /// <summary>Per (agentId, pactId).</summary>
    public required IReadOnlyList<PactReport> Pacts { get; init; }

    /// <summary>Per agent.</summary>
    public required IReadOnlyList<AgentReport> Agents { get; init; }

    /// <summary>Pact ids that named no loaded pact, with their call counts.</summary>
    public required IReadOnlyList<UnknownPactCount> UnknownPacts { get; init; }

    /// <summary>The first <see cref="ReplayAnalyzer.MaxListedInvalid"/> invalid calls with their violations.</summary>
    public required IReadOnlyList<InvalidCall> InvalidCalls { get; init; }

    /// <summary>The first <see cref="ReplayAnalyzer.MaxListedMalformed"/> malformed lines.</summary>
    public required IReadOnlyList<MalformedLine> MalformedLines { get; init; }

    /// <summary>True when more malformed lines were counted than listed.</summary>
    public bool MalformedLinesTruncated { get; init; }

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ReplayJsonContext.Relaxed.ReplayReport);
}

/// <summary>Source-generated serialisation of replay output.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ReplayReport))]
[JsonSerializable(typeof(Evaluating.Violation))]
internal sealed partial class ReplayJsonContext : JsonSerializerContext
{
    public static ReplayJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
    });
}
