using System.Collections.Concurrent;

namespace Pacts.Agent.Tests;

/// <summary>A sink that answers from a script and records when (in virtual time) it was called.</summary>
internal sealed class ScriptedSink(ManualTimeProvider time, params SendOutcome[] script) : ITelemetrySink
{
    private int _calls;

    /// <summary>Each call: when (virtual time), how many events, and how many timers existed by then.</summary>
    public ConcurrentQueue<(DateTimeOffset At, int Count, int TimersBefore)> Calls { get; } = new();

    public ConcurrentQueue<string> Delivered { get; } = new();

    public Func<Task>? Gate { get; set; }

    public async Task<(SendOutcome Outcome, string? Detail)> SendAsync(IReadOnlyList<string> events, CancellationToken cancellationToken)
    {
        if (Gate is not null)
        {
            await Gate();
        }

        var i = Interlocked.Increment(ref _calls) - 1;
        Calls.Enqueue((time.GetUtcNow(), events.Count, time.TimersCreated));
        var outcome = i < script.Length ? script[i] : script.Length > 0 ? script[^1] : SendOutcome.Delivered;
        if (outcome == SendOutcome.Delivered)
        {
            foreach (var e in events)
            {
                Delivered.Enqueue(e);
            }
        }

        return (outcome, outcome == SendOutcome.Delivered ? null : $"scripted {outcome}");
    }
}
