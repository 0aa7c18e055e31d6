using System.Text.Json;
using Pacts.Budgets;
using Pacts.Evaluating;
using Pacts.Events;
using Pacts.Json;
using Pacts.Replay;

namespace Pacts.Server;

/// <summary>An event of a batch that was not stored, by its 0-based index in the batch, with the reason.</summary>
public sealed record IngestRejection(int Index, string Reason);

/// <summary>The verdict on a tool call of a batch, by its index, as the JSON stored in the ledger.</summary>
public sealed record IngestVerdict(int Index, string PactId, string VerdictJson);

/// <summary>
/// What one batch came to: the entries handed to the store (<see cref="Accepted"/>, retries included, with
/// <see cref="Duplicates"/> of them already stored), the rejected events, the verdicts, the chain head after the batch
/// and the highest severity judged.
/// </summary>
public sealed record IngestResult(
    IReadOnlyList<LedgerEntry> Accepted, int Duplicates, IReadOnlyList<IngestRejection> Rejected, IReadOnlyList<IngestVerdict> Verdicts,
    (long Seq, string Hash) Head, Severity? Worst);

/// <summary>
/// Ingestion (SPEC §9 <c>POST /telemetry/events</c>) without HTTP: each event of a parsed batch is held to what replay
/// reads, bound to its pact (SPEC §6, earlier batches' sessions from the store), judged, and the accepted ones appended
/// to the <see cref="ILedgerStore"/> in one step. The endpoint keeps the body's shape and size checks and the answer.
/// </summary>
/// <remarks>
/// Budgets (SPEC §10) are judged with one <see cref="BudgetBook"/> for the service, fed the calls in the order the
/// ledger stores them: batches are judged and appended one at a time, and an event the ledger already holds (a
/// client's retry) is not charged again. The book is not stored beside the ledger: it is rebuilt from the ledger on the
/// first request after a start, so a restart, or a kill -9 between any two statements, changes no verdict, and a
/// <c>ledger export</c> replayed gives the verdicts the service gave.
/// <para>
/// On a ledger several instances share (<see cref="ISharedLedgerStore"/>, PostgreSQL) the totals are the fleet's: an
/// instance judges only while it holds the store's ingest lock, first charging its book with what the other instances
/// appended since it last held it, and keeps the lock until the batches it judged are durable. Batches arriving at one
/// instance meanwhile still share commits; every <see cref="MaxLockHold"/> the holder looks whether another instance
/// waits, and if one does, lets its batches drain and the lock go, so a busy instance does not starve the others. If it
/// finds the lock lost instead (its connection cut, the server restarted), it lets its batches drain the same way,
/// takes the lock again and rebuilds its book from the ledger, which the others may have extended meanwhile.
/// </para>
/// </remarks>
public sealed class Ingestor(ILedgerStore store, TimeProvider? time = null, ServiceMetrics? metrics = null, AlertSender? alerts = null) : IDisposable
{
    /// <summary>How long an instance keeps taking batches under the shared ingest lock before it lets the others in.</summary>
    public static readonly TimeSpan MaxLockHold = TimeSpan.FromMilliseconds(20);

    private readonly SemaphoreSlim _order = new(1, 1);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ISharedLedgerStore? _shared = store as ISharedLedgerStore;
    private BudgetBook? _budgets;

    // Under _order, with a shared ledger only: the ingest lock while held, since when, the batches judged under it and
    // not yet durable, the last sequence number the book has seen, and whether it must first read the others' records.
    private IAsyncDisposable? _lock;
    private long _lockSince;
    private int _pending;
    private long _bookSeq;
    private bool _catchUp;
    private TaskCompletionSource? _drained;

    // Batches judged and queued for the ledger, not yet durable or failed, and who waits for none to be left: a book
    // to rebuild after a failed commit is rebuilt only then (EnterWithBudgetsAsync). Under _flight, not _order, so a
    // commit on a store of one instance never waits for the order lock. The same batches as _pending, which exists only
    // for a shared ledger and must fall with _bookSeq's update under _order (else the ingest lock could go first).
    private readonly Lock _flight = new();
    private int _inFlight;
    private TaskCompletionSource? _settled;

    /// <inheritdoc/>
    public void Dispose() => _order.Dispose();

    /// <summary>Judges and stores <paramref name="events"/> (a JSON array) against <paramref name="pacts"/>; params deeper than <paramref name="maxParamDepth"/> are rejected.</summary>
    public Task<IngestResult> IngestAsync(JsonElement events, PactSet pacts, int maxParamDepth, CancellationToken ct = default) =>
        IngestAsync(events, pacts, maxParamDepth, TimeSpan.FromMinutes(5), ct);

    /// <summary>
    /// As <see cref="IngestAsync(JsonElement, PactSet, int, CancellationToken)"/>, rejecting tool calls whose
    /// <c>attemptedAt</c> lies more than <paramref name="maxClockSkew"/> after now (SPEC §10, the service's clock).
    /// </summary>
    public Task<IngestResult> IngestAsync(JsonElement events, PactSet pacts, int maxParamDepth, TimeSpan maxClockSkew, CancellationToken ct = default) =>
        IngestAsync(events, pacts, maxParamDepth, maxClockSkew, AgentScope.Everyone, ct);

    /// <summary>
    /// As <see cref="IngestAsync(JsonElement, PactSet, int, TimeSpan, CancellationToken)"/> for a key scoped to
    /// <paramref name="agents"/>: an event of any other agent is rejected, with the reason, and the rest go on.
    /// </summary>
    public async Task<IngestResult> IngestAsync(JsonElement events, PactSet pacts, int maxParamDepth, TimeSpan maxClockSkew, AgentScope agents, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(pacts);
        ArgumentNullException.ThrowIfNull(agents);
        Judged judged;
        var budgets = await EnterWithBudgetsAsync(pacts, ct).ConfigureAwait(false);
        try
        {
            judged = await JudgeInOrderAsync(events, pacts, maxParamDepth, maxClockSkew, agents, budgets, ct).ConfigureAwait(false);
            if (_shared is not null)
            {
                _pending++; // only LeaveAsync, under _order with _bookSeq, counts it down; _inFlight below counts every store's
            }

            lock (_flight)
            {
                _inFlight++;
            }
        }
        finally
        {
            await ReleaseIfIdleAsync().ConfigureAwait(false);
            _order.Release();
        }

        // The batch holds its place in the ledger's order (queued under the lock); its durability is awaited outside it,
        // so batches judged meanwhile join the same commit (group commit, AppendQueue).
        (IReadOnlyList<(long Seq, bool Stored)> Results, (long Seq, string Hash) Head) appended = ([], (0, ""));
        try
        {
            appended = await judged.Appending.ConfigureAwait(false);
        }
        catch
        {
            _budgets = null; // charged for calls that were not stored: rebuilt from the ledger once the queue settles
            throw;
        }
        finally
        {
            Settled();
            await LeaveAsync(appended.Head.Seq).ConfigureAwait(false);
        }

        return Finish(judged, appended.Results, appended.Head);
    }

    /// <summary>
    /// A pre-flight (SPEC §10): the call judged as if it came next, against the budget state of the ledger, recording nothing.
    /// </summary>
    /// <exception cref="BudgetScopeException">A budget that sees the call needs an id the request did not give.</exception>
    public async Task<Verdict> PreflightAsync(Pact pact, PactSet pacts, string tool, JsonElement parameters, string? agentId, string? sessionId, DateTimeOffset? attemptedAt, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(pact);
        var verdict = pact.Validate(tool, parameters);
        if (pact.BudgetNames.Count == 0)
        {
            metrics?.Judged(pact, tool, verdict, preflight: true);
            return verdict;
        }

        var budgets = await EnterWithBudgetsAsync(pacts, ct).ConfigureAwait(false);
        try
        {
            verdict = budgets.Apply(pact, verdict, new BudgetCall(tool, agentId, sessionId, attemptedAt ?? _time.GetUtcNow(), Records: false), parameters);
            metrics?.Judged(pact, tool, verdict, preflight: true);
            return verdict;
        }
        finally
        {
            await ReleaseIfIdleAsync().ConfigureAwait(false);
            _order.Release();
        }
    }

    /// <summary>
    /// Takes the order lock and, on a shared ledger, the store's ingest lock: at once while this instance holds it (for
    /// less than <see cref="MaxLockHold"/>), else after its batches drained and it was let go.
    /// </summary>
    private async Task EnterAsync(CancellationToken ct)
    {
        while (true)
        {
            await _order.WaitAsync(ct).ConfigureAwait(false);
            if (_shared is null)
            {
                return;
            }

            if (_lock is null)
            {
                try
                {
                    _lock = await _shared.LockIngestAsync(ct).ConfigureAwait(false);
                }
                catch
                {
                    _order.Release();
                    throw;
                }

                _lockSince = System.Diagnostics.Stopwatch.GetTimestamp();
                _catchUp = true; // the others may have appended since this instance last held it
                return;
            }

            if (System.Diagnostics.Stopwatch.GetElapsedTime(_lockSince) < MaxLockHold)
            {
                return;
            }

            IngestLockState state;
            try
            {
                state = await _shared.IngestLockStateAsync(_lock, ct).ConfigureAwait(false);
            }
            catch
            {
                _order.Release();
                throw;
            }

            if (state == IngestLockState.Lost)
            {
                // Another instance may have judged and appended meanwhile, between records of this one: the book and
                // _bookSeq no longer describe the ledger. Rebuilt from it once the batches judged before have settled.
                _budgets = null;
            }
            else if (state == IngestLockState.Held)
            {
                _lockSince = System.Diagnostics.Stopwatch.GetTimestamp(); // nobody else wants it: keep going, look again later
                return;
            }

            var drained = (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            _order.Release();
            await drained.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <see cref="EnterAsync"/> with the budget book ready. A book dropped after a failed commit is rebuilt from the
    /// ledger only once no batch judged before is still on its way there: a rebuild meanwhile would read a ledger
    /// without them and lose their charges until the next restart. Until then the order lock is let go, so those
    /// batches can finish.
    /// </summary>
    private async Task<BudgetBook> EnterWithBudgetsAsync(PactSet pacts, CancellationToken ct)
    {
        while (true)
        {
            await EnterAsync(ct).ConfigureAwait(false);
            Task? settling = null;
            if (_budgets is null)
            {
                lock (_flight)
                {
                    settling = _inFlight > 0 ? (_settled ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task : null;
                }
            }

            try
            {
                if (settling is null)
                {
                    return await BudgetsAsync(pacts, ct).ConfigureAwait(false);
                }
            }
            catch
            {
                await ReleaseIfIdleAsync().ConfigureAwait(false);
                _order.Release();
                throw;
            }

            await ReleaseIfIdleAsync().ConfigureAwait(false);
            _order.Release();
            await settling.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>A batch queued for the ledger is durable or failed; the last one wakes a rebuild that waits.</summary>
    private void Settled()
    {
        TaskCompletionSource? settled = null;
        lock (_flight)
        {
            if (--_inFlight == 0)
            {
                (settled, _settled) = (_settled, null);
            }
        }

        settled?.TrySetResult();
    }

    /// <summary>A batch judged under the ingest lock is durable (or failed): the lock goes once none is left.</summary>
    private async Task LeaveAsync(long headSeq)
    {
        if (_shared is null)
        {
            return;
        }

        await _order.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            _pending--;
            _bookSeq = Math.Max(_bookSeq, headSeq); // only this instance appended while it held the lock
            await ReleaseIfIdleAsync().ConfigureAwait(false);
        }
        finally
        {
            _order.Release();
        }
    }

    /// <summary>Under the order lock: lets the ingest lock go when no batch judged under it is waiting to be durable.</summary>
    private async Task ReleaseIfIdleAsync()
    {
        if (_pending > 0 || _lock is not { } held)
        {
            return;
        }

        _lock = null;
        await held.DisposeAsync().ConfigureAwait(false);
        _drained?.TrySetResult();
        _drained = null;
    }

    /// <summary>The service's budget state: rebuilt once from the ledger, in its order, then kept up by every batch.</summary>
    private async Task<BudgetBook> BudgetsAsync(PactSet pacts, CancellationToken ct)
    {
        if (_budgets is not null)
        {
            if (_catchUp && _shared is not null)
            {
                await CatchUpAsync(_budgets, pacts, ct).ConfigureAwait(false);
            }

            _catchUp = false;
            return _budgets;
        }

        var book = new BudgetBook();
        var sessions = new SessionBinding();
        await foreach (var record in store.RecordsAsync(ct).ConfigureAwait(false))
        {
            _bookSeq = record.Seq;
            using var doc = JsonDocument.Parse(record.Body);
            if (EventParser.Parse(doc.RootElement, out var ev, out _) != LogRecordKind.Event)
            {
                continue;
            }

            if (ev!.Type == EventType.SessionStart)
            {
                sessions.Start(ev.SessionId, ev.PactId);
            }
            else if (ev.Type == EventType.ToolCall && sessions.TryBind(ev.PactId, ev.SessionId, out var pactId) && pactId is not null
                && pacts.Find(pactId) is { BudgetNames.Count: > 0 } pact)
            {
                _ = book.Apply(pact, pact.Validate(ev.Tool!, ev.Params), CallOf(ev), ev.Params);
            }
        }

        _catchUp = false;
        return _budgets = book;
    }

    /// <summary>
    /// Charges the book with the tool calls the other instances appended since this one last held the ingest lock, as
    /// they judged them: each judged call under the pact its verdict names.
    /// </summary>
    private async Task CatchUpAsync(BudgetBook book, PactSet pacts, CancellationToken ct)
    {
        await foreach (var record in _shared!.RecordsAfterAsync(_bookSeq, ct).ConfigureAwait(false))
        {
            _bookSeq = record.Seq;
            if (record.Verdict is null || Verdict.FromJson(record.Verdict)?.PactId is not { } pactId || pacts.Find(pactId) is not { BudgetNames.Count: > 0 } pact)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(record.Body);
            if (EventParser.Parse(doc.RootElement, out var ev, out _) == LogRecordKind.Event && ev!.Type == EventType.ToolCall)
            {
                _ = book.Apply(pact, pact.Validate(ev.Tool!, ev.Params), CallOf(ev), ev.Params);
            }
        }
    }

    private static BudgetCall CallOf(AgentEvent ev) => new(ev.Tool!, ev.AgentId, ev.SessionId, ev.Timestamp, BudgetCall.OutcomeRecords(ev.Outcome));

    /// <summary>A batch judged in order and queued for the ledger: what its answer needs once it is durable.</summary>
    private sealed record Judged(
        List<LedgerEntry> Entries, List<IngestRejection> Rejected, List<IngestVerdict> Verdicts, List<EventType> Types,
        List<(int Entry, Pact Pact, AgentEvent Event, Verdict Verdict)> Calls, Severity? Worst,
        Task<(IReadOnlyList<(long Seq, bool Stored)> Results, (long Seq, string Hash) Head)> Appending, long Started);

    private async Task<Judged> JudgeInOrderAsync(JsonElement events, PactSet pacts, int maxParamDepth, TimeSpan maxClockSkew, AgentScope agents, BudgetBook budgets, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var bodies = new HashSet<string>(StringComparer.Ordinal); // this batch's, so a repeat within it is charged once
        var entries = new List<LedgerEntry>();
        var rejected = new List<IngestRejection>();
        var verdicts = new List<IngestVerdict>();
        var types = new List<EventType>(); // each entry's
        var sessions = new SessionBinding(); // this batch's; earlier batches' sessions are in the store
        var judged = new List<(int Entry, Pact Pact, AgentEvent Event, Verdict Verdict)>(); // for the metrics and alerts, once stored
        Severity? worst = null;
        var index = -1;
        foreach (var item in events.EnumerateArray())
        {
            index++;
            if (JsonDepth.Of(item) > ParamsLimits.MaxEventDepth)
            {
                // As a log line it would be malformed, so it is not stored: the ledger exports only what replay reads.
                rejected.Add(new(index, $"the event nests deeper than {ParamsLimits.MaxEventDepth} levels"));
                continue;
            }

            var kind = EventParser.Parse(item, out var ev, out var reason);
            if (kind != LogRecordKind.Event)
            {
                rejected.Add(new(index, kind == LogRecordKind.Unknown ? $"unknown event type `{reason}`" : reason ?? "malformed"));
                continue;
            }

            if (!agents.Allows(ev!.AgentId))
            {
                rejected.Add(new(index, $"this key may not send events of agent `{ev.AgentId}` (its agents: {agents})"));
                continue;
            }

            // The parser already refused params deeper than the engine reads; only a lower policy limit needs a second look.
            if (ev!.Type == EventType.ToolCall && maxParamDepth < Pact.MaxParamsDepth && ParamsLimits.Check(ev.Params, maxParamDepth) is not null)
            {
                rejected.Add(new(index, $"params nest deeper than {maxParamDepth} levels"));
                continue;
            }

            if (ev.Type == EventType.ToolCall && ev.Timestamp > now + maxClockSkew)
            {
                rejected.Add(new(index, $"attemptedAt {ev.Timestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ss.FFFFFFZ} lies more than {maxClockSkew.TotalSeconds:0} s after the service's clock ({now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}); check the client's clock"));
                continue;
            }

            var body = CanonicalJson.WriteInOrder(item);
            string? verdictJson = null;
            string? pactId = ev.PactId;
            if (ev.Type == EventType.SessionStart)
            {
                sessions.Start(ev.SessionId, ev.PactId);
            }
            else if (ev.Type == EventType.ToolCall)
            {
                if (!sessions.TryBind(ev.PactId, ev.SessionId, out pactId))
                {
                    pactId = await store.SessionPactAsync(ev.SessionId, ct).ConfigureAwait(false);
                }

                if (pactId is not null && pacts.Find(pactId) is { } pact)
                {
                    var verdict = pact.Validate(ev.Tool!, ev.Params);
                    if (pact.BudgetNames.Count > 0)
                    {
                        // A retry of a stored event is not charged twice: it is not stored again, and its answer carries the stateless verdict.
                        // Both checks use the event's identity (CanonicalJson.Write, keys sorted), which the store hashes too.
                        var repeat = !bodies.Add(CanonicalJson.Write(item)) || await store.ContainsAsync(body, ct).ConfigureAwait(false);
                        verdict = repeat ? verdict : budgets.Apply(pact, verdict, CallOf(ev), ev.Params);
                    }

                    judged.Add((entries.Count, pact, ev, verdict));
                    verdictJson = verdict.ToJson();
                    worst = verdict.HighestSeverity > worst || worst is null ? verdict.HighestSeverity : worst;
                    verdicts.Add(new(index, pactId, verdictJson));
                }
            }

            entries.Add(new LedgerEntry(body, verdictJson, pactId));
            types.Add(ev.Type);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        return new Judged(entries, rejected, verdicts, types, judged, worst, store.AppendAsync(entries, CancellationToken.None), started); // queued now, in order
    }

    private IngestResult Finish(Judged j, IReadOnlyList<(long Seq, bool Stored)> stored, (long Seq, string Hash) head)
    {
        if (metrics is not null)
        {
            Count(metrics, j.Entries.Count, System.Diagnostics.Stopwatch.GetElapsedTime(j.Started), stored, j.Types, j.Calls, j.Rejected.Count);
        }

        if (alerts is { Enabled: true })
        {
            foreach (var (entry, pact, ev, verdict) in j.Calls)
            {
                if (stored[entry].Stored)
                {
                    alerts.Offer(new PendingAlert(stored[entry].Seq, ev.AgentId, ev.SessionId, pact.Id, ev.Tool!, ev.Timestamp, verdict)); // queued, never awaited
                }
            }
        }

        return new IngestResult(j.Entries, stored.Count(s => !s.Stored), j.Rejected, j.Verdicts, head, j.Worst);
    }

    /// <summary>A batch's figures: only what was newly stored counts (a retry is a duplicate, not a second verdict).</summary>
    private static void Count(ServiceMetrics metrics, int events, TimeSpan took, IReadOnlyList<(long Seq, bool Stored)> stored, List<EventType> types,
        List<(int Entry, Pact Pact, AgentEvent Event, Verdict Verdict)> judged, int rejected)
    {
        if (events > 0)
        {
            metrics.Appended(events, took);
        }

        metrics.Rejected(rejected);
        metrics.Duplicates(stored.Count(s => !s.Stored));
        for (var i = 0; i < stored.Count; i++)
        {
            if (stored[i].Stored)
            {
                metrics.Accepted(types[i].ToName());
            }
        }

        foreach (var (entry, pact, ev, verdict) in judged)
        {
            if (stored[entry].Stored)
            {
                metrics.Judged(pact, ev.Tool!, verdict, preflight: false);
            }
        }
    }
}
