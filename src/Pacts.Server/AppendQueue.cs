namespace Pacts.Server;

/// <summary>
/// Group commit for a ledger store: batches join the queue in call order, one writer (on a thread of its own: the
/// stores' I/O is synchronous) takes every batch queued meanwhile and hands them to the store's write, one transaction
/// and one flush for all, and answers each only after that commit. Until then the queue answers the lookups that must
/// already see a batch (its sessions' pacts, its events' identities), so the next batch is judged as it would be once
/// this one is stored. Shared by <see cref="SqliteLedgerStore"/> and <see cref="PostgresLedgerStore"/>.
/// </summary>
internal sealed class AppendQueue(
    Func<List<AppendQueue.Pending>, List<(IReadOnlyList<(long Seq, bool Stored)>, (long Seq, string Hash))>> write,
    Func<Exception, Exception> translate)
{
    private readonly Lock _gate = new();
    private readonly List<Pending> _queued = []; // batches waiting for the writer, in call order
    private List<Pending>? _committing; // the group being written
    private bool _writing;

    /// <summary>Queues a batch (its entries and their derived columns); the task completes once it is durable.</summary>
    public Task<(IReadOnlyList<(long Seq, bool Stored)> Results, (long Seq, string Hash) Head)> Enqueue(IReadOnlyList<LedgerEntry> entries, List<SqliteLedgerStore.Derived> derived)
    {
        var append = new Pending(entries, derived);
        bool lead;
        lock (_gate)
        {
            _queued.Add(append);
            lead = !_writing;
            _writing = true;
        }

        if (lead)
        {
            _ = Task.Run(WriteQueued, CancellationToken.None);
        }

        return append.Done.Task;
    }

    /// <summary>Waits (at most <paramref name="limit"/>) until no batch is queued or being written; false when it gave up.</summary>
    public bool WaitIdle(TimeSpan limit)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < limit)
        {
            lock (_gate)
            {
                if (!_writing)
                {
                    return true;
                }
            }

            Thread.Sleep(1);
        }

        return false;
    }

    /// <summary>
    /// The pact of the latest queued <c>session_start</c> of <paramref name="sessionId"/> (<paramref name="found"/> false
    /// when none is queued): later than anything stored.
    /// </summary>
    public string? SessionPact(string sessionId, out bool found)
    {
        lock (_gate)
        {
            foreach (var list in new[] { _queued, _committing ?? [] })
            {
                for (var a = list.Count - 1; a >= 0; a--)
                {
                    for (var i = list[a].Derived.Count - 1; i >= 0; i--)
                    {
                        var col = list[a].Derived[i].Columns;
                        if (col.Type == "session_start" && col.SessionId == sessionId)
                        {
                            found = true;
                            return col.PactId;
                        }
                    }
                }
            }
        }

        found = false;
        return null;
    }

    /// <summary>True when an event with this identity is queued or being written.</summary>
    public bool Contains(string eventHash)
    {
        lock (_gate)
        {
            return _queued.Concat(_committing ?? []).Any(a => a.Derived.Any(d => d.Columns.EventHash == eventHash));
        }
    }

    /// <summary>The writer: takes every queued batch, writes them as one group, answers each; until the queue is empty.</summary>
    private void WriteQueued()
    {
        while (true)
        {
            List<Pending> group;
            lock (_gate)
            {
                if (_queued.Count == 0)
                {
                    _writing = false;
                    return;
                }

                group = [.. _queued];
                _queued.Clear();
                _committing = group;
            }

            try
            {
                var answers = write(group);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Done.SetResult(answers[i]);
                }
            }
            catch (Exception ex)
            {
                var failure = translate(ex);
                foreach (var append in group)
                {
                    append.Done.TrySetException(failure);
                }
            }
            finally
            {
                lock (_gate)
                {
                    _committing = null;
                }
            }
        }
    }

    /// <summary>A batch waiting for the writer, and its answer.</summary>
    internal sealed class Pending(IReadOnlyList<LedgerEntry> entries, List<SqliteLedgerStore.Derived> derived)
    {
        public IReadOnlyList<LedgerEntry> Entries { get; } = entries;

        public List<SqliteLedgerStore.Derived> Derived { get; } = derived;

        public TaskCompletionSource<(IReadOnlyList<(long Seq, bool Stored)>, (long Seq, string Hash))> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
