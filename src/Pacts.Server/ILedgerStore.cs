namespace Pacts.Server;

/// <summary>
/// Where the service keeps what it accepted: the hash-chained ledger of events with their verdicts, the per-agent trust
/// summary kept with it, and the API keys. The service depends on this, never on a database; <see cref="SqliteLedgerStore"/>
/// is the embedded implementation, and every implementation passes the same contract tests (<c>LedgerStoreContract</c>).
/// </summary>
/// <remarks>
/// The promises: appends are linear (one chain in one total order, even under concurrent callers) and durable when the
/// task completes; an event whose canonical form is already stored is acknowledged with its first sequence number and
/// not stored again; the trust summary is updated in the same step as the records it counts.
/// </remarks>
public interface ILedgerStore
{
    /// <summary>
    /// Appends entries in order; returns for each its sequence number and whether it was new, and the chain head after
    /// the batch, once it is durable. The batch takes its place in the ledger's order when the call is made, before the
    /// returned task completes, so a caller that appends batches one after another (the ingestor, under its order
    /// lock) may await their durability concurrently and they still land in that order; while a batch waits,
    /// <see cref="SessionPactAsync"/> and <see cref="ContainsAsync"/> already see it.
    /// </summary>
    Task<(IReadOnlyList<(long Seq, bool Stored)> Results, (long Seq, string Hash) Head)> AppendAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken ct = default);

    /// <summary>The chain head: last sequence number and hash (0 and <see cref="SqliteLedgerStore.Genesis"/> when empty).</summary>
    Task<(long Seq, string Hash)> HeadAsync(CancellationToken ct = default);

    /// <summary>Every record in chain order.</summary>
    IAsyncEnumerable<LedgerRecord> RecordsAsync(CancellationToken ct = default);

    /// <summary>
    /// The <c>pactId</c> of the latest stored <c>session_start</c> of <paramref name="sessionId"/> (SPEC §6): null when
    /// the session has no stored start, or its latest start names no pact.
    /// </summary>
    Task<string?> SessionPactAsync(string sessionId, CancellationToken ct = default);

    /// <summary>Whether the ledger already holds the event <paramref name="body"/> (the same event, whatever its key order or spacing).</summary>
    Task<bool> ContainsAsync(string body, CancellationToken ct = default);

    /// <summary>An agent's trust summary, or null when no event of that agent is stored.</summary>
    Task<AgentTrust?> TrustAsync(string agentId, CancellationToken ct = default);

    /// <summary>Recomputes the chain and everything derived from it; with <paramref name="expectHead"/>, also proves nothing up to it was removed.</summary>
    Task<LedgerVerification> VerifyAsync((long Seq, string Hash)? expectHead = null, CancellationToken ct = default);

    /// <summary>Stores a new API key: its id, description and creation time, and the SHA-256 of the key (never the key).</summary>
    Task AddKeyAsync(ApiKeyInfo key, byte[] keyHash, CancellationToken ct = default);

    /// <summary>Every key, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyInfo>> KeysAsync(CancellationToken ct = default);

    /// <summary>The stored SHA-256 and scope of the key <paramref name="id"/>, or null when there is none or it is revoked.</summary>
    Task<LiveKey?> LiveKeyAsync(string id, CancellationToken ct = default);

    /// <summary>The agent's last <paramref name="limit"/> tool calls stored before <paramref name="beforeSeq"/>, oldest first (an alert's context).</summary>
    Task<IReadOnlyList<LedgerRecord>> RecentToolCallsAsync(string agentId, long beforeSeq, int limit, CancellationToken ct = default);

    /// <summary>Revokes the key <paramref name="id"/> as of <paramref name="at"/>; false when there is no such live key.</summary>
    Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken ct = default);
}

/// <summary>
/// One record to append: the event as stored (<see cref="CanonicalJson.WriteInOrder"/>), its verdict for a tool call
/// that was judged, and the pact a tool call was bound to (its own <c>pactId</c> or its session's). Every other column
/// the ledger keeps (type, agent, session, tool, timestamp, validity, severity, the retry identity) is derived from
/// <see cref="Body"/> and <see cref="Verdict"/> by the ledger itself, so it cannot disagree with what the hash covers.
/// </summary>
public sealed record LedgerEntry(string Body, string? Verdict, string? PactId = null);

/// <summary>A stored record with its place in the chain.</summary>
public sealed record LedgerRecord(long Seq, string EventHash, string Body, string? Verdict, string PrevHash, string Hash);

/// <summary>What <see cref="ILedgerStore.VerifyAsync"/> found; <see cref="Damaged"/> when the store itself could not be read (a damaged file).</summary>
public sealed record LedgerVerification(bool Ok, long Records, long? FirstBadSeq, string? Problem, bool Damaged = false);


/// <summary>An agent's trust summary as the ledger keeps it (SPEC §9 <c>/trust</c>).</summary>
public sealed record AgentTrust(
    string AgentId, long ToolCalls, long Evaluated, long Valid, long Critical, long Major, long Minor,
    IReadOnlyList<(string ParamPath, long Count)> TopParamPaths, string LastEventAt);

/// <summary>
/// A ledger that several service instances append to (<see cref="PostgresLedgerStore"/>). Budgets (SPEC §10) are one set
/// of totals for all of them: an instance judges a batch only while it holds the ingest lock, after reading what the
/// others appended since it last held it, and keeps the lock until its batches are durable, so no other instance
/// judges against totals that miss them.
/// </summary>
public interface ISharedLedgerStore : ILedgerStore
{
    /// <summary>Waits for the ingest lock (one holder across every instance); disposing the result releases it.</summary>
    Task<IAsyncDisposable> LockIngestAsync(CancellationToken ct = default);

    /// <summary>The records after <paramref name="seq"/>, in chain order.</summary>
    IAsyncEnumerable<LedgerRecord> RecordsAfterAsync(long seq, CancellationToken ct = default);

    /// <summary>What has become of <paramref name="held"/> (from <see cref="LockIngestAsync"/>): still held by it alone, wanted by another instance, or lost with its connection.</summary>
    Task<IngestLockState> IngestLockStateAsync(IAsyncDisposable held, CancellationToken ct = default);
}

/// <summary>What <see cref="ISharedLedgerStore.IngestLockStateAsync"/> found.</summary>
public enum IngestLockState
{
    /// <summary>Held, and no other instance waits for it.</summary>
    Held,

    /// <summary>Held, and another instance waits for it: let it go soon.</summary>
    Wanted,

    /// <summary>
    /// No longer held: its connection was cut or the server restarted, so another instance may have taken it and appended.
    /// </summary>
    Lost,
}
