using System.Runtime.ExceptionServices;
using Pacts.Events;

namespace Pacts.Replay;

/// <summary>
/// Replay's other cores: batches of log lines are scanned (parsed, and their calls' params judged against the
/// pact each tool is expected to bind to, see <see cref="CallGuesses"/>) on worker threads, while the caller
/// reads the next batches and binds the scanned ones in log order. Workers take batches oldest first; the caller,
/// when the oldest is still being scanned, scans the newest one no thread has started instead of waiting (so the
/// workers keep the batches the caller needs next, and stay fed while it reads on). Everything that depends on order
/// (binding calls to sessions' pacts, the tallies, the verdict stream) stays on the caller's thread, so the
/// report is the same whatever the timing; a verdict reached with a guess is kept only if the call binds to
/// that very pact. Memory is bounded by the batches in flight (the caller submits a few ahead, then binds).
/// </summary>
internal sealed class ScanAhead : IDisposable
{
    private readonly object _gate = new();
    private readonly List<Job> _todo = []; // submitted, not started, oldest first (a handful at most)
    private readonly CallGuesses _guesses;
    private readonly Thread[] _workers;
    private bool _closed;

    /// <summary>Starts <paramref name="workers"/> scanning threads (none: the caller scans every batch).</summary>
    public ScanAhead(CallGuesses guesses, int workers)
    {
        _guesses = guesses;
        _workers = new Thread[workers];
        for (var i = 0; i < workers; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = "pacts replay scan" };
            _workers[i].Start();
        }
    }

    /// <summary>Queues a batch for scanning.</summary>
    public Job Submit(RecordBatch batch)
    {
        var job = new Job(batch);
        lock (_gate)
        {
            _todo.Add(job);
            Monitor.Pulse(_gate);
        }

        return job;
    }

    /// <summary>
    /// Returns once <paramref name="job"/>'s batch is scanned, scanning batches with <paramref name="scanner"/>
    /// (the caller's own) rather than waiting idle: <paramref name="job"/> itself if no worker has started it, else
    /// the newest batch not started. Rethrows what scanning the batch threw.
    /// </summary>
    public void Complete(Job job, EventScanner scanner)
    {
        while (true)
        {
            Job? mine = null;
            lock (_gate)
            {
                if (job.Done)
                {
                    break;
                }

                var at = _todo.IndexOf(job) is var i && i >= 0 ? i : _todo.Count - 1;
                if (at >= 0)
                {
                    mine = _todo[at];
                    _todo.RemoveAt(at);
                }
                else
                {
                    Monitor.Wait(_gate);
                }
            }

            if (mine is not null)
            {
                Run(mine, scanner);
            }
        }

        job.Failure?.Throw();
    }

    private void Work()
    {
        var scanner = new EventScanner(_guesses);
        while (true)
        {
            Job job;
            lock (_gate)
            {
                while (_todo.Count == 0 && !_closed)
                {
                    Monitor.Wait(_gate);
                }

                if (_todo.Count == 0)
                {
                    return;
                }

                job = _todo[0];
                _todo.RemoveAt(0);
            }

            Run(job, scanner);
        }
    }

    private void Run(Job job, EventScanner scanner)
    {
        try
        {
            job.Batch.ParseAll(scanner);
        }
        catch (Exception ex)
        {
            job.Failure = ExceptionDispatchInfo.Capture(ex);
        }

        lock (_gate)
        {
            job.Done = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Stops the workers once they finish the batch in hand; batches not started stay unscanned.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            _todo.Clear();
            Monitor.PulseAll(_gate);
        }

        foreach (var worker in _workers)
        {
            worker.Join();
        }
    }

    /// <summary>One batch on its way through.</summary>
    /// <param name="batch">The batch.</param>
    internal sealed class Job(RecordBatch batch)
    {
        public RecordBatch Batch { get; } = batch;

        private volatile bool _done;

        /// <summary>Scanned (or failed); set under the pipeline's lock, read without it.</summary>
        public bool Done
        {
            get => _done;
            set => _done = value;
        }

        public ExceptionDispatchInfo? Failure { get; set; }
    }
}
