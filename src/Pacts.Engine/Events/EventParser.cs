using System.Runtime.InteropServices;
using System.Text.Json;

namespace Pacts.Events;

/// <summary>Turns one JSON value into a well-formed event, or says exactly why it is not one (SPEC §6).</summary>
/// <remarks>
/// Fast path (replay reads a million of these a second): the event's fields are collected in one pass over
/// the object, matched on their raw UTF-8 names, instead of one by-name search per field; enum values are
/// compared as bytes and answered with shared strings; ISO 8601 timestamps are parsed
/// from their UTF-8 by <see cref="Iso8601"/>. The checks then run in the documented order, so the first problem reported
/// is the same whatever order the fields were written in. A field given twice counts with its last value.
/// </remarks>
public static class EventParser
{
    /// <summary>
    /// Reads an ISO 8601 date-time as every event log reader does (SPEC §6: no offset means UTC; instants are
    /// compared in whole microseconds), for times given beside a log: <c>validate-call --at</c>, HTTP
    /// <c>attemptedAt</c>, pact test <c>attemptedAt</c>.
    /// </summary>
    public static bool TryParseTimestamp(string text, out DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Iso8601.TryParse(System.Text.Encoding.UTF8.GetBytes(text), out value);
    }

    internal static readonly string[] ToolOutcomes = ["success", "error", "denied", "refused"];
    internal static readonly string[] ResponseOutcomes = ["success", "refusal", "partial", "error"];
    internal static readonly string[] SessionOutcomes = ["success", "failure", "aborted", "timeout"];

    /// <summary>Classifies <paramref name="element"/>; <paramref name="reason"/> explains a malformed or unknown record.</summary>
    public static LogRecordKind Parse(JsonElement element, out AgentEvent? ev, out string? reason)
    {
        ev = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            reason = $"expected a JSON object, got {Pact.Describe(element.ValueKind)}";
            return LogRecordKind.Malformed;
        }

        var f = default(Fields);
        foreach (var p in element.EnumerateObject())
        {
            f.Set(p);
        }

        if (f.Type.ValueKind != JsonValueKind.String)
        {
            reason = f.Type.ValueKind == JsonValueKind.Undefined ? "missing field `type`" : "`type` must be a string";
            return LogRecordKind.Malformed;
        }

        if (f.FirstUnreadable() is { } unreadable)
        {
            reason = $"`{unreadable}` is not valid UTF-8 text";
            return LogRecordKind.Malformed;
        }

        EventType kind;
        string timeField;
        JsonElement time;
        string[]? outcomes;
        if (f.Type.ValueEquals("tool_call"u8))
        {
            (kind, timeField, time, outcomes) = (EventType.ToolCall, "attemptedAt", f.AttemptedAt, ToolOutcomes);
        }
        else if (f.Type.ValueEquals("session_start"u8))
        {
            (kind, timeField, time, outcomes) = (EventType.SessionStart, "startedAt", f.StartedAt, null);
        }
        else if (f.Type.ValueEquals("response"u8))
        {
            (kind, timeField, time, outcomes) = (EventType.Response, "emittedAt", f.EmittedAt, ResponseOutcomes);
        }
        else if (f.Type.ValueEquals("session_end"u8))
        {
            (kind, timeField, time, outcomes) = (EventType.SessionEnd, "endedAt", f.EndedAt, SessionOutcomes);
        }
        else
        {
            reason = Excerpt(f.Type.GetString()!);
            return LogRecordKind.Unknown;
        }

        if (!RequiredString(f.SessionId, "sessionId", out reason)
            || !RequiredString(f.AgentId, "agentId", out reason)
            || !RequiredString(time, timeField, out reason))
        {
            return LogRecordKind.Malformed;
        }

        if (!TryParseTimestamp(time, out var timestamp))
        {
            reason = $"`{timeField}` is not an ISO 8601 timestamp: `{Excerpt(time.GetString()!)}`";
            return LogRecordKind.Malformed;
        }

        string? outcome = null;
        if (outcomes is not null)
        {
            if (!RequiredString(f.Outcome, "outcome", out reason))
            {
                return LogRecordKind.Malformed;
            }

            outcome = Among(f.Outcome, outcomes);
            if (outcome is null)
            {
                reason = $"unknown `outcome` `{Excerpt(f.Outcome.GetString()!)}` for {f.Type.GetString()}; expected one of {string.Join(", ", outcomes)}";
                return LogRecordKind.Malformed;
            }
        }

        if (f.PactId.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String))
        {
            reason = $"`pactId` must be a string, not {Pact.Describe(f.PactId.ValueKind)}";
            return LogRecordKind.Malformed;
        }

        var parameters = default(JsonElement);
        if (kind == EventType.ToolCall)
        {
            if (!RequiredString(f.Tool, "tool", out reason))
            {
                return LogRecordKind.Malformed;
            }

            parameters = f.Params;
            if (parameters.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                reason = "missing field `params`";
                return LogRecordKind.Malformed;
            }

            // As deep as the raw-bytes reader (and so validate-call and the library) refuses: no verdict here either.
            if (ParamsLimits.Check(parameters) is { } problem)
            {
                reason = problem.Kind == ParamsProblemKind.NotObject
                    ? $"`params` must be an object, not {Pact.Describe(problem.Found)}"
                    : $"`params` nest deeper than {problem.MaxDepth} levels";
                return LogRecordKind.Malformed;
            }
        }
        else if (kind == EventType.Response)
        {
            if (f.Input.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                reason = "missing field `input`";
                return LogRecordKind.Malformed;
            }

            if (f.Output.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                reason = "missing field `output`";
                return LogRecordKind.Malformed;
            }
        }

        ev = new AgentEvent
        {
            Type = kind,
            SessionId = f.SessionId.GetString()!,
            AgentId = f.AgentId.GetString()!,
            Timestamp = timestamp,
            Outcome = outcome,
            PactId = (kind is EventType.SessionStart or EventType.ToolCall) && f.PactId.ValueKind == JsonValueKind.String ? f.PactId.GetString() : null,
            Tool = kind == EventType.ToolCall ? f.Tool.GetString() : null,
            Params = parameters,
            Raw = element,
        };
        reason = null;
        return LogRecordKind.Event;
    }

    /// <summary>The shared string among <paramref name="candidates"/> equal to the value, or null.</summary>
    private static string? Among(JsonElement value, string[] candidates)
    {
        foreach (var c in candidates)
        {
            if (value.ValueEquals(c))
            {
                return c;
            }
        }

        return null;
    }

    private static bool TryParseTimestamp(JsonElement time, out DateTimeOffset timestamp)
    {
        // One grammar for every reader (see Iso8601); a timestamp written with escapes is decoded first.
        var raw = JsonMarshal.GetRawUtf8Value(time)[1..^1];
        if (raw.IndexOf((byte)'\\') < 0)
        {
            return Iso8601.TryParse(raw, out timestamp);
        }

        timestamp = default;
        return Json.JsonStrings.TryGetText(time, out var text) && Iso8601.TryParse(System.Text.Encoding.UTF8.GetBytes(text), out timestamp);
    }

    /// <summary>Characters of a value quoted in a reason at most: a 100 KB timestamp is shown by its start.</summary>
    internal const int MaxQuoted = 64;

    /// <summary><paramref name="value"/>, or its first <see cref="MaxQuoted"/> characters and <c>…</c> when it is longer.</summary>
    internal static string Excerpt(string value)
    {
        if (value.Length <= MaxQuoted)
        {
            return value;
        }

        var cut = char.IsHighSurrogate(value[MaxQuoted - 1]) ? MaxQuoted - 1 : MaxQuoted;
        return string.Concat(value.AsSpan(0, cut), "…");
    }

    private static bool RequiredString(JsonElement p, string name, out string? reason)
    {
        if (p.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            reason = $"missing field `{name}`";
            return false;
        }

        if (p.ValueKind != JsonValueKind.String)
        {
            reason = $"`{name}` must be a string, not {Pact.Describe(p.ValueKind)}";
            return false;
        }

        reason = null;
        return true;
    }

    /// <summary>The fields the engine reads, collected in one pass; the last of duplicate names wins.</summary>
    private struct Fields
    {
        public JsonElement Type, SessionId, AgentId, StartedAt, AttemptedAt, EmittedAt, EndedAt, Outcome, PactId, Tool, Params, Input, Output;

        public void Set(JsonProperty p)
        {
            // Names are matched as raw bytes; an escaped name (rare) is decoded first. One that decodes to no text
            // (a \u escape of a lone surrogate) is none of ours, which are all ASCII.
            var raw = JsonMarshal.GetRawUtf8PropertyName(p);
            if (raw.Contains((byte)'\\'))
            {
                if (!TryDecodeName(p, out var decoded))
                {
                    return;
                }

                raw = decoded;
            }

            ref var slot = ref Slot(raw);
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref slot))
            {
                slot = p.Value;
            }
        }

        /// <summary>
        /// The first field the engine reads as text whose string cannot be decoded (invalid UTF-8, or a <c>\u</c>
        /// escape of a lone surrogate), or null. Such a line is malformed: its ids could only be guessed at.
        /// </summary>
        public readonly string? FirstUnreadable() =>
            !IsText(Type) ? "type" : !IsText(SessionId) ? "sessionId" : !IsText(AgentId) ? "agentId"
            : !IsText(StartedAt) ? "startedAt" : !IsText(AttemptedAt) ? "attemptedAt" : !IsText(EmittedAt) ? "emittedAt"
            : !IsText(EndedAt) ? "endedAt" : !IsText(Outcome) ? "outcome" : !IsText(PactId) ? "pactId" : !IsText(Tool) ? "tool" : null;

        /// <summary>True unless <paramref name="value"/> is a string that does not decode.</summary>
        private static bool IsText(JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                return true;
            }

            var raw = JsonMarshal.GetRawUtf8Value(value);
            return raw.Contains((byte)'\\') ? Json.JsonStrings.TryGetText(value, out _) : System.Text.Unicode.Utf8.IsValid(raw);
        }

        /// <summary>Decodes an escaped property name to UTF-8; false when it does not decode.</summary>
        private static bool TryDecodeName(JsonProperty p, out byte[] utf8)
        {
            try
            {
                utf8 = System.Text.Encoding.UTF8.GetBytes(p.Name);
                return true;
            }
            catch (InvalidOperationException)
            {
                utf8 = [];
                return false;
            }
        }

        [System.Diagnostics.CodeAnalysis.UnscopedRef]
        private ref JsonElement Slot(ReadOnlySpan<byte> name)
        {
            switch (Identify(name))
            {
                case EventField.Type: return ref Type;
                case EventField.SessionId: return ref SessionId;
                case EventField.AgentId: return ref AgentId;
                case EventField.StartedAt: return ref StartedAt;
                case EventField.AttemptedAt: return ref AttemptedAt;
                case EventField.EmittedAt: return ref EmittedAt;
                case EventField.EndedAt: return ref EndedAt;
                case EventField.Outcome: return ref Outcome;
                case EventField.PactId: return ref PactId;
                case EventField.Tool: return ref Tool;
                case EventField.Params: return ref Params;
                case EventField.Input: return ref Input;
                case EventField.Output: return ref Output;
                default: return ref System.Runtime.CompilerServices.Unsafe.NullRef<JsonElement>();
            }
        }
    }

    /// <summary>Which of the fields the engine reads <paramref name="name"/> (raw, unescaped UTF-8) is.</summary>
    internal static EventField Identify(ReadOnlySpan<byte> name)
    {
        switch (name.Length)
        {
            case 4:
                if (name.SequenceEqual("type"u8)) { return EventField.Type; }
                if (name.SequenceEqual("tool"u8)) { return EventField.Tool; }
                break;
            case 5:
                if (name.SequenceEqual("input"u8)) { return EventField.Input; }
                break;
            case 6:
                if (name.SequenceEqual("params"u8)) { return EventField.Params; }
                if (name.SequenceEqual("pactId"u8)) { return EventField.PactId; }
                if (name.SequenceEqual("output"u8)) { return EventField.Output; }
                break;
            case 7:
                if (name.SequenceEqual("agentId"u8)) { return EventField.AgentId; }
                if (name.SequenceEqual("outcome"u8)) { return EventField.Outcome; }
                if (name.SequenceEqual("endedAt"u8)) { return EventField.EndedAt; }
                break;
            case 9:
                if (name.SequenceEqual("sessionId"u8)) { return EventField.SessionId; }
                if (name.SequenceEqual("startedAt"u8)) { return EventField.StartedAt; }
                if (name.SequenceEqual("emittedAt"u8)) { return EventField.EmittedAt; }
                break;
            case 11:
                if (name.SequenceEqual("attemptedAt"u8)) { return EventField.AttemptedAt; }
                break;
        }

        return EventField.Other;
    }
}

/// <summary>The event fields the engine reads (SPEC §6); <see cref="Other"/> for the rest.</summary>
internal enum EventField
{
    Other,
    Type,
    SessionId,
    AgentId,
    StartedAt,
    AttemptedAt,
    EmittedAt,
    EndedAt,
    Outcome,
    PactId,
    Tool,
    Params,
    Input,
    Output,
}
