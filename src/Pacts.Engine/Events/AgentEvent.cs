using System.Text.Json;

namespace Pacts.Events;

/// <summary>The four event shapes of SPEC §6, plus what a reader found when a line was not one of them.</summary>
public enum EventType
{
    /// <summary><c>session_start</c>.</summary>
    SessionStart,

    /// <summary><c>tool_call</c>.</summary>
    ToolCall,

    /// <summary><c>response</c>.</summary>
    Response,

    /// <summary><c>session_end</c>.</summary>
    SessionEnd,
}

/// <summary>The wire names of <see cref="EventType"/> (SPEC §6).</summary>
public static class EventTypeNames
{
    /// <summary><c>session_start</c>, <c>tool_call</c>, <c>response</c> or <c>session_end</c>.</summary>
    public static string ToName(this EventType type) => type switch
    {
        EventType.SessionStart => "session_start",
        EventType.ToolCall => "tool_call",
        EventType.Response => "response",
        _ => "session_end",
    };
}

/// <summary>
/// One well-formed event. Only the fields the engine uses are lifted out; <see cref="Raw"/> keeps the
/// whole event (unknown fields included) for whoever needs more. <see cref="Params"/> and <see cref="Raw"/>
/// are valid while the record is being handled: the reader reuses nothing, but they belong to a document
/// the consumer does not own.
/// </summary>
public sealed class AgentEvent
{
    /// <summary>The event type.</summary>
    public required EventType Type { get; init; }

    /// <summary><c>sessionId</c>.</summary>
    public required string SessionId { get; init; }

    /// <summary><c>agentId</c>.</summary>
    public required string AgentId { get; init; }

    /// <summary>The event's timestamp (<c>startedAt</c>, <c>attemptedAt</c>, <c>emittedAt</c> or <c>endedAt</c>).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The outcome enum value (<c>success</c>, <c>error</c>, ...); null for <c>session_start</c>.</summary>
    public string? Outcome { get; init; }

    /// <summary><c>pactId</c> of a <c>session_start</c> or <c>tool_call</c>, when given.</summary>
    public string? PactId { get; init; }

    /// <summary>The tool of a <c>tool_call</c>.</summary>
    public string? Tool { get; init; }

    /// <summary>The params object of a <c>tool_call</c>.</summary>
    public JsonElement Params { get; init; }

    /// <summary>The whole event as read.</summary>
    public JsonElement Raw { get; init; }
}

/// <summary>
/// The fields of one event that replay binds and tallies, as a value. <see cref="EventScanner"/> lifts a line's
/// fields straight into its batch's slot (<see cref="RecordBatch"/>), so the fast path makes no object per event:
/// with an <see cref="AgentEvent"/> and a <see cref="LogRecord"/> a line, a 1M-event replay allocated 299 MB and
/// paused 135 ms in 51 collections, most of them copying the records of the batches in flight. An event read the
/// general way is copied in (<see cref="Of"/>).
/// </summary>
internal struct EventFields
{
    /// <summary>The event type.</summary>
    public EventType Type;

    /// <summary><c>sessionId</c>; null only in a slot no event was scanned into.</summary>
    public string SessionId;

    /// <summary><c>agentId</c>.</summary>
    public string AgentId;

    /// <summary>The event's timestamp.</summary>
    public DateTimeOffset Timestamp;

    /// <summary>The outcome (a shared string), null for <c>session_start</c>.</summary>
    public string? Outcome;

    /// <summary><c>pactId</c> of a <c>session_start</c> or <c>tool_call</c>, when given.</summary>
    public string? PactId;

    /// <summary>The tool of a <c>tool_call</c>.</summary>
    public string? Tool;

    /// <summary>The params, for an event read the general way.</summary>
    public JsonElement Params;

    /// <summary>The params as raw UTF-8, for an event the scanner read (empty otherwise); checked to be a JSON object.</summary>
    public ReadOnlyMemory<byte> ParamsUtf8;

    /// <summary>
    /// The verdict the scanner reached in its own pass, against <see cref="ScannedPact"/>, which it guessed from the
    /// tool's last calls (see <see cref="CallGuesses.Expect"/>); replay uses it only if the call binds to that very pact.
    /// </summary>
    public Evaluating.Verdict? ScannedVerdict;

    /// <summary>The pact <see cref="ScannedVerdict"/> was reached against.</summary>
    public Pact? ScannedPact;

    /// <summary>
    /// The charges of <see cref="ScannedPact"/>'s budgets (at most <see cref="Evaluating.ScannedCharges.Max"/>, in pact order),
    /// read from the params by the scanning thread beside the verdict, so the binding thread does not read them
    /// again; valid when <see cref="ScannedVerdict"/> is.
    /// </summary>
    public Evaluating.ScannedCharges Charges;

    /// <summary>The fields of an event read the general way.</summary>
    public static EventFields Of(AgentEvent ev) => new()
    {
        Type = ev.Type,
        SessionId = ev.SessionId,
        AgentId = ev.AgentId,
        Timestamp = ev.Timestamp,
        Outcome = ev.Outcome,
        PactId = ev.PactId,
        Tool = ev.Tool,
        Params = ev.Params,
    };
}

/// <summary>What one line (or array element) of a log turned out to be.</summary>
public enum LogRecordKind
{
    /// <summary>A well-formed event of a known type.</summary>
    Event,

    /// <summary>Not JSON, not an object, no <c>type</c>, a missing field or an unknown enum value.</summary>
    Malformed,

    /// <summary>A well-formed object whose <c>type</c> is not one of the four.</summary>
    Unknown,
}

/// <summary>One record of a log: its 1-based line (or array index) and what it was.</summary>
/// <param name="File">The log's name as given.</param>
/// <param name="Line">Physical line number, or the 1-based index in an <c>{"events": [...]}</c> array.</param>
/// <param name="Kind">Event, malformed or unknown.</param>
/// <param name="Event">The event, for <see cref="LogRecordKind.Event"/>.</param>
/// <param name="Reason">Why the line is malformed, or the unknown type's name.</param>
public sealed record LogRecord(string File, long Line, LogRecordKind Kind, AgentEvent? Event, string? Reason);
