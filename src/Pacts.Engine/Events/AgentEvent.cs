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

    /// <summary>
    /// Replay's fast path (<see cref="EventScanner"/>): the params as raw UTF-8, with <see cref="Params"/> and
    /// <see cref="Raw"/> left undefined. Empty for events read the general way.
    /// </summary>
    internal ReadOnlyMemory<byte> ParamsUtf8 { get; init; }

    /// <summary>
    /// The verdict the scanner reached in its own pass, against <see cref="ScannedPact"/>, which it guessed from
    /// the tool's last calls (see <see cref="CallGuesses.Expect"/>); replay uses it only if the call binds to that very pact.
    /// </summary>
    internal Evaluating.Verdict? ScannedVerdict { get; init; }

    /// <summary>The pact <see cref="ScannedVerdict"/> was reached against.</summary>
    internal Pact? ScannedPact { get; init; }
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
