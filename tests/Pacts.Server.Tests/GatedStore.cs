namespace Pacts.Server.Tests;

/// <summary>The real store, but the next appends may be held, then let through or failed (a full disk).</summary>
internal class GatedStore(ILedgerStore inner) : ILedgerStore
{
    private readonly Queue<TaskCompletionSource<bool>> _gates = new();
    private int _entered;

    public int Entered => Volatile.Read(ref _entered);

    public TaskCompletionSource<bool> HoldNext()
    {
        var gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gates)
        {
            _gates.Enqueue(gate);
        }

        return gate;
    }

    public async Task<(IReadOnlyList<(long Seq, bool Stored)> Results, (long Seq, string Hash) Head)> AppendAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken ct = default)
    {
        TaskCompletionSource<bool>? gate;
        lock (_gates)
        {
            _gates.TryDequeue(out gate);
        }

        Interlocked.Increment(ref _entered);
        if (gate is not null && !await gate.Task)
        {
            throw new IOException("No space left on device");
        }

        return await inner.AppendAsync(entries, ct);
    }

    public Task<(long Seq, string Hash)> HeadAsync(CancellationToken ct = default) => inner.HeadAsync(ct);

    public IAsyncEnumerable<LedgerRecord> RecordsAsync(CancellationToken ct = default) => inner.RecordsAsync(ct);

    public Task<string?> SessionPactAsync(string sessionId, CancellationToken ct = default) => inner.SessionPactAsync(sessionId, ct);

    public Task<bool> ContainsAsync(string body, CancellationToken ct = default) => inner.ContainsAsync(body, ct);

    public Task<AgentTrust?> TrustAsync(string agentId, CancellationToken ct = default) => inner.TrustAsync(agentId, ct);

    public Task<LedgerVerification> VerifyAsync((long Seq, string Hash)? expectHead = null, CancellationToken ct = default) => inner.VerifyAsync(expectHead, ct);

    public Task AddKeyAsync(ApiKeyInfo key, byte[] keyHash, CancellationToken ct = default) => inner.AddKeyAsync(key, keyHash, ct);

    public Task<IReadOnlyList<ApiKeyInfo>> KeysAsync(CancellationToken ct = default) => inner.KeysAsync(ct);

    public Task<LiveKey?> LiveKeyAsync(string id, CancellationToken ct = default) => inner.LiveKeyAsync(id, ct);

    public Task<IReadOnlyList<LedgerRecord>> RecentToolCallsAsync(string agentId, long beforeSeq, int limit, CancellationToken ct = default) =>
        inner.RecentToolCallsAsync(agentId, beforeSeq, limit, ct);

    public Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken ct = default) => inner.RevokeKeyAsync(id, at, ct);
}

/// <summary>
/// <see cref="GatedStore"/> over a shared ledger (PostgreSQL), so the <see cref="Ingestor"/> takes the ingest lock; the
/// last lock it was given is kept, so a test can cut that lock's connection.
/// </summary>
internal sealed class GatedSharedStore(ISharedLedgerStore shared) : GatedStore(shared), ISharedLedgerStore
{
    private readonly ISharedLedgerStore _shared = shared;
    private IAsyncDisposable? _lastLock;

    public IAsyncDisposable? LastLock => Volatile.Read(ref _lastLock);

    public async Task<IAsyncDisposable> LockIngestAsync(CancellationToken ct = default)
    {
        var held = await _shared.LockIngestAsync(ct);
        Volatile.Write(ref _lastLock, held);
        return held;
    }

    public IAsyncEnumerable<LedgerRecord> RecordsAfterAsync(long seq, CancellationToken ct = default) => _shared.RecordsAfterAsync(seq, ct);

    public Task<IngestLockState> IngestLockStateAsync(IAsyncDisposable held, CancellationToken ct = default) => _shared.IngestLockStateAsync(held, ct);
}
