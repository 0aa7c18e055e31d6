namespace Pacts.Replay;

/// <summary>
/// SPEC §6's binding of tool calls to pacts, written once for replay, the service's ingest and its ledger check: a
/// <c>tool_call</c> is judged against its own <c>pactId</c> if it has one, else against the <c>pactId</c> of the latest
/// earlier <c>session_start</c> of its <c>sessionId</c> (a later start replaces an earlier one, also when it names no
/// pact); with neither it is unevaluated. Feed it the events in order: <see cref="Start"/> for each session start,
/// <see cref="End"/> for each session end, <see cref="TryBind"/> for each tool call.
/// </summary>
/// <remarks>
/// Memory is bounded by the open sessions and the <c>endedCapacity</c> most recently ended ones, which keep their pact
/// so that a call logged after its session ended still binds. Not thread-safe: one binding per stream of events.
/// </remarks>
/// <example>
/// <code>
/// var sessions = new SessionBinding();
/// sessions.Start("s1", "treasury-pact");
/// sessions.TryBind(null, "s1", out var pactId);        // true, "treasury-pact"
/// sessions.TryBind("other-pact", "s1", out pactId);    // true, "other-pact": a call's own id wins
/// sessions.TryBind(null, "s2", out pactId);            // false, null: no start of s2 seen
/// </code>
/// </example>
/// <param name="endedCapacity">How many ended sessions keep their pact for late tool calls.</param>
public sealed class SessionBinding(int endedCapacity = int.MaxValue)
{
    private readonly Dictionary<string, string?> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _ended = new(StringComparer.Ordinal);
    private readonly Queue<string> _endedOrder = new();

    // Runs of calls share one session string (the replay scanner reuses it while the bytes repeat), so the last
    // open session found is remembered by reference; forgotten whenever the open set changes.
    private string? _lastId;
    private string? _lastPact;

    /// <summary>A <c>session_start</c> of <paramref name="sessionId"/> naming <paramref name="pactId"/> (or no pact).</summary>
    public void Start(string sessionId, string? pactId)
    {
        _open[sessionId] = pactId;
        _lastId = null;
    }

    /// <summary>A <c>session_end</c>: the session leaves the open set and is remembered among the recently ended.</summary>
    public void End(string sessionId)
    {
        if (!_open.Remove(sessionId, out var pactId))
        {
            return;
        }

        _lastId = null;
        if (_ended.TryAdd(sessionId, pactId))
        {
            _endedOrder.Enqueue(sessionId);
            if (_endedOrder.Count > endedCapacity)
            {
                _ended.Remove(_endedOrder.Dequeue());
            }
        }
        else
        {
            _ended[sessionId] = pactId;
        }
    }

    /// <summary>
    /// The pact a tool call of <paramref name="sessionId"/> with its own <paramref name="ownPactId"/> is judged against
    /// (null: unevaluated). True when that is decided by what this binding was fed; false when it saw no start of the
    /// session, where a caller holding earlier events (the service's ledger) may still know one.
    /// </summary>
    public bool TryBind(string? ownPactId, string sessionId, out string? pactId)
    {
        if (ownPactId is not null)
        {
            pactId = ownPactId;
            return true;
        }

        if (ReferenceEquals(sessionId, _lastId))
        {
            pactId = _lastPact;
            return true;
        }

        if (_open.TryGetValue(sessionId, out pactId))
        {
            (_lastId, _lastPact) = (sessionId, pactId);
            return true;
        }

        return _ended.TryGetValue(sessionId, out pactId);
    }

    /// <summary>The pact a tool call binds to from what this binding was fed, or null (unevaluated).</summary>
    public string? PactOf(string? ownPactId, string sessionId)
    {
        _ = TryBind(ownPactId, sessionId, out var pactId);
        return pactId;
    }
}
