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
    SeverityCounts InvalidBySeverity, SeverityRates InvalidRateBySeverity, IReadOnlyList<PathCount> TopParamPaths)
{
    /// <summary>Every budget of the pact in pact order with its breaches by this agent's calls, 0 included (SPEC §10).</summary>
    public IReadOnlyList<BudgetCount> Budgets { get; init; } = [];
}

/// <summary>How many calls breached one budget (SPEC §10 report).</summary>
public sealed record BudgetCount(string Name, long Breaches);

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

    /// <summary>
    /// The report as indented JSON. Written by hand rather than through the serializer (<see cref="ReplayJsonContext"/>):
    /// the bytes are the serializer's (an FsCheck property over random logs holds the two to it), but a replay no
    /// longer JIT-compiles some two hundred metadata methods, ~20 ms, to print its report.
    /// </summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, IndentedOptions))
        {
            Write(w);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static readonly JsonWriterOptions IndentedOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = true,
    };

    private void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("events"u8, Events);
        w.WriteNumber("malformed"u8, Malformed);
        w.WriteNumber("unknown"u8, Unknown);
        w.WriteNumber("sessions"u8, Sessions);
        w.WriteStartObject("toolCalls"u8);
        w.WriteNumber("total"u8, ToolCalls.Total);
        w.WriteNumber("evaluated"u8, ToolCalls.Evaluated);
        w.WriteNumber("valid"u8, ToolCalls.Valid);
        w.WriteNumber("invalid"u8, ToolCalls.Invalid);
        w.WriteNumber("unevaluated"u8, ToolCalls.Unevaluated);
        w.WriteNumber("unknownPact"u8, ToolCalls.UnknownPact);
        w.WriteEndObject();
        Rate(w, "complianceRate"u8, ComplianceRate);
        Counts(w, "invalidBySeverity"u8, InvalidBySeverity);
        Objects(w, "pacts"u8, Pacts, static (w, p) =>
        {
            w.WriteString("agentId"u8, p.AgentId);
            w.WriteString("pactId"u8, p.PactId);
            w.WriteNumber("evaluated"u8, p.Evaluated);
            w.WriteNumber("valid"u8, p.Valid);
            Rate(w, "complianceRate"u8, p.ComplianceRate);
            Counts(w, "invalidBySeverity"u8, p.InvalidBySeverity);
            w.WriteStartObject("invalidRateBySeverity"u8);
            Rate(w, "critical"u8, p.InvalidRateBySeverity.Critical);
            Rate(w, "major"u8, p.InvalidRateBySeverity.Major);
            Rate(w, "minor"u8, p.InvalidRateBySeverity.Minor);
            w.WriteEndObject();
            Objects(w, "topParamPaths"u8, p.TopParamPaths, static (w, path) =>
            {
                w.WriteString("paramPath"u8, path.ParamPath);
                w.WriteNumber("count"u8, path.Count);
            });
            Objects(w, "budgets"u8, p.Budgets, static (w, b) =>
            {
                w.WriteString("name"u8, b.Name);
                w.WriteNumber("breaches"u8, b.Breaches);
            });
        });
        Objects(w, "agents"u8, Agents, static (w, a) =>
        {
            w.WriteString("agentId"u8, a.AgentId);
            w.WriteNumber("sessions"u8, a.Sessions);
            Rate(w, "sessionSuccessRate"u8, a.SessionSuccessRate);
            if (a.SessionDurationMs is { } d)
            {
                w.WriteStartObject("sessionDurationMs"u8);
                w.WriteNumber("p50"u8, d.P50);
                w.WriteNumber("p95"u8, d.P95);
                w.WriteNumber("p99"u8, d.P99);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("sessionDurationMs"u8);
            }

            w.WriteNumber("toolCalls"u8, a.ToolCalls);
            Rate(w, "toolErrorRate"u8, a.ToolErrorRate);
            Rate(w, "invalidRate"u8, a.InvalidRate);
        });
        Objects(w, "unknownPacts"u8, UnknownPacts, static (w, u) =>
        {
            w.WriteString("pactId"u8, u.PactId);
            w.WriteNumber("calls"u8, u.Calls);
        });
        Objects(w, "invalidCalls"u8, InvalidCalls, static (w, c) =>
        {
            w.WriteString("file"u8, c.File);
            w.WriteNumber("line"u8, c.Line);
            w.WriteString("sessionId"u8, c.SessionId);
            w.WriteString("agentId"u8, c.AgentId);
            w.WriteString("pactId"u8, c.PactId);
            w.WriteString("tool"u8, c.Tool);
            Evaluating.Verdict.WriteViolations(w, c.Violations);
        });
        Objects(w, "malformedLines"u8, MalformedLines, static (w, m) =>
        {
            w.WriteString("file"u8, m.File);
            w.WriteNumber("line"u8, m.Line);
            w.WriteString("reason"u8, m.Reason);
        });
        w.WriteBoolean("malformedLinesTruncated"u8, MalformedLinesTruncated);
        w.WriteEndObject();
    }

    /// <summary>An array of objects, each item's fields written by <paramref name="fields"/>.</summary>
    private static void Objects<T>(Utf8JsonWriter w, ReadOnlySpan<byte> name, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> fields)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStartObject();
            fields(w, item);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Rate(Utf8JsonWriter w, ReadOnlySpan<byte> name, double? rate)
    {
        if (rate is { } r)
        {
            w.WriteNumber(name, r);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Counts(Utf8JsonWriter w, ReadOnlySpan<byte> name, SeverityCounts counts)
    {
        w.WriteStartObject(name);
        w.WriteNumber("critical"u8, counts.Critical);
        w.WriteNumber("major"u8, counts.Major);
        w.WriteNumber("minor"u8, counts.Minor);
        w.WriteEndObject();
    }
}

/// <summary>
/// Source-generated serialisation of replay output: the reference <see cref="ReplayReport.ToJson"/> is held to
/// by tests (it writes the same bytes by hand).
/// </summary>
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
