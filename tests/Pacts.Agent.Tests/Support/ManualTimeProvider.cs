namespace Pacts.Agent.Tests;

/// <summary>A clock the test moves by hand: timers fire when <see cref="Advance"/> passes their due time.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly List<ManualTimer> _timers = [];
    private readonly Lock _lock = new();
    private long _ticks = DateTimeOffset.Parse("2026-11-21T08:00:00Z", global::System.Globalization.CultureInfo.InvariantCulture).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public TimeSpan Elapsed(DateTimeOffset since) => GetUtcNow() - since;

    private int _created;

    /// <summary>How many timers were created so far (each gets the next number).</summary>
    public int TimersCreated => Volatile.Read(ref _created);

    /// <summary>Whether a timer numbered above <paramref name="number"/> is waiting to fire.</summary>
    public bool HasPendingTimerAfter(int number)
    {
        lock (_lock)
        {
            return _timers.Exists(t => t.Number > number);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var t = new ManualTimer(this, callback, state, Interlocked.Increment(ref _created));
        t.Change(dueTime, period);
        return t;
    }

    public void Advance(TimeSpan by)
    {
        Interlocked.Add(ref _ticks, by.Ticks);
        List<ManualTimer> due;
        lock (_lock)
        {
            due = [.. _timers.Where(t => t.Due <= _ticks)];
        }

        foreach (var t in due)
        {
            t.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state, int number) : ITimer
    {
        public int Number { get; } = number;

        public long Due { get; private set; } = long.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    Due = owner._ticks + dueTime.Ticks;
                    owner._timers.Add(this);
                }
            }

            return true;
        }

        public void Fire()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
            }

            callback(state);
        }

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
