using System.Globalization;
using System.Text.Json;

namespace Pacts.Events;

/// <summary>Turns one JSON value into a well-formed event, or says exactly why it is not one (SPEC §6).</summary>
public static class EventParser
{
    private static readonly string[] ToolOutcomes = ["success", "error", "denied", "refused"];
    private static readonly string[] ResponseOutcomes = ["success", "refusal", "partial", "error"];
    private static readonly string[] SessionOutcomes = ["success", "failure", "aborted", "timeout"];

    /// <summary>Classifies <paramref name="element"/>; <paramref name="reason"/> explains a malformed or unknown record.</summary>
    public static LogRecordKind Parse(JsonElement element, out AgentEvent? ev, out string? reason)
    {
        ev = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            reason = $"expected a JSON object, got {Pact.Describe(element.ValueKind)}";
            return LogRecordKind.Malformed;
        }

        if (!element.TryGetProperty("type", out var typeProp) || typeProp.ValueKind != JsonValueKind.String)
        {
            reason = typeProp.ValueKind == JsonValueKind.Undefined ? "missing field `type`" : "`type` must be a string";
            return LogRecordKind.Malformed;
        }

        var type = typeProp.GetString();
        EventType kind;
        string timeField;
        string[]? outcomes;
        switch (type)
        {
            case "session_start":
                (kind, timeField, outcomes) = (EventType.SessionStart, "startedAt", null);
                break;
            case "tool_call":
                (kind, timeField, outcomes) = (EventType.ToolCall, "attemptedAt", ToolOutcomes);
                break;
            case "response":
                (kind, timeField, outcomes) = (EventType.Response, "emittedAt", ResponseOutcomes);
                break;
            case "session_end":
                (kind, timeField, outcomes) = (EventType.SessionEnd, "endedAt", SessionOutcomes);
                break;
            default:
                reason = type;
                return LogRecordKind.Unknown;
        }

        if (!RequiredString(element, "sessionId", out var sessionId, out reason)
            || !RequiredString(element, "agentId", out var agentId, out reason)
            || !RequiredString(element, timeField, out var timeText, out reason))
        {
            return LogRecordKind.Malformed;
        }

        if (!DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind | DateTimeStyles.AssumeUniversal, out var timestamp))
        {
            reason = $"`{timeField}` is not an ISO 8601 timestamp: `{timeText}`";
            return LogRecordKind.Malformed;
        }

        string? outcome = null;
        if (outcomes is not null)
        {
            if (!RequiredString(element, "outcome", out outcome, out reason))
            {
                return LogRecordKind.Malformed;
            }

            if (!outcomes.Contains(outcome))
            {
                reason = $"unknown `outcome` `{outcome}` for {type}; expected one of {string.Join(", ", outcomes)}";
                return LogRecordKind.Malformed;
            }
        }

        if (!OptionalString(element, "pactId", out var pactId, out reason))
        {
            return LogRecordKind.Malformed;
        }

        string? tool = null;
        var parameters = default(JsonElement);
        if (kind == EventType.ToolCall)
        {
            if (!RequiredString(element, "tool", out tool, out reason))
            {
                return LogRecordKind.Malformed;
            }

            if (!element.TryGetProperty("params", out parameters) || parameters.ValueKind == JsonValueKind.Null)
            {
                reason = "missing field `params`";
                return LogRecordKind.Malformed;
            }

            if (parameters.ValueKind != JsonValueKind.Object)
            {
                reason = $"`params` must be an object, not {Pact.Describe(parameters.ValueKind)}";
                return LogRecordKind.Malformed;
            }
        }
        else if (kind == EventType.Response)
        {
            foreach (var field in new[] { "input", "output" })
            {
                if (!element.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
                {
                    reason = $"missing field `{field}`";
                    return LogRecordKind.Malformed;
                }
            }
        }

        ev = new AgentEvent
        {
            Type = kind,
            SessionId = sessionId!,
            AgentId = agentId!,
            Timestamp = timestamp,
            Outcome = outcome,
            PactId = kind is EventType.SessionStart or EventType.ToolCall ? pactId : null,
            Tool = tool,
            Params = parameters,
            Raw = element,
        };
        reason = null;
        return LogRecordKind.Event;
    }

    private static bool RequiredString(JsonElement e, string name, out string? value, out string? reason)
    {
        value = null;
        if (!e.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null)
        {
            reason = $"missing field `{name}`";
            return false;
        }

        if (p.ValueKind != JsonValueKind.String)
        {
            reason = $"`{name}` must be a string, not {Pact.Describe(p.ValueKind)}";
            return false;
        }

        value = p.GetString();
        reason = null;
        return true;
    }

    private static bool OptionalString(JsonElement e, string name, out string? value, out string? reason)
    {
        value = null;
        reason = null;
        if (!e.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (p.ValueKind != JsonValueKind.String)
        {
            reason = $"`{name}` must be a string, not {Pact.Describe(p.ValueKind)}";
            return false;
        }

        value = p.GetString();
        return true;
    }
}
