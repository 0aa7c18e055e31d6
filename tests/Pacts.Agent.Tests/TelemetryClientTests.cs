using System.Text.Json;

namespace Pacts.Agent.Tests;

/// <summary>Retry, drop and batching semantics, on a manual clock: no test sleeps.</summary>
public class TelemetryClientTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-21T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="work"/> while moving the clock in 50 ms steps until it completes.</summary>
    private static async Task Drive(ManualTimeProvider time, Task work, TimeSpan limit)
    {
        var moved = TimeSpan.Zero;
        while (!work.IsCompleted && moved < limit)
        {
            await Task.Yield();
            await Task.Delay(1); // let the client's continuations run (real scheduling, not a timing assumption)
            time.Advance(TimeSpan.FromMilliseconds(50));
            moved += TimeSpan.FromMilliseconds(50);
        }

        await work;
    }

    [Theory]
    [InlineData(0, 25, 1000)]
    [InlineData(-1, 25, 1000)]
    [InlineData(50 * 24 * 3600, 25, 1000)]
    [InlineData(5, 0, 1000)]
    [InlineData(5, 25, 0)]
    public void Settings_no_pump_can_keep_are_refused_when_the_client_is_made(int flushSeconds, int batchSize, int maxBuffered)
    {
        var time = new ManualTimeProvider();
        var options = new TelemetryOptions { FlushInterval = TimeSpan.FromSeconds(flushSeconds), BatchSize = batchSize, MaxBuffered = maxBuffered };
        _ = Assert.Throws<ArgumentOutOfRangeException>(() => new TelemetryClient(new ScriptedSink(time), options, timeProvider: time));
    }

    [Fact]
    public async Task The_longest_flush_interval_still_flushes_on_dispose()
    {
        var time = new ManualTimeProvider();
        var sink = new ScriptedSink(time);
        await using (var client = new TelemetryClient(sink, new TelemetryOptions { FlushInterval = TelemetryClient.MaxFlushInterval }, timeProvider: time))
        {
            client.SessionEnd("s", "a", "success");
        }

        _ = Assert.Single(sink.Delivered);
    }

    [Fact]
    public async Task Transient_failures_retry_with_doubling_backoff_then_deliver()
    {
        var time = new ManualTimeProvider();
        var sink = new ScriptedSink(time, SendOutcome.Transient, SendOutcome.Transient, SendOutcome.Delivered);
        await using var client = new TelemetryClient(sink, new TelemetryOptions { FlushInterval = TimeSpan.FromHours(1) }, timeProvider: time);
        client.SessionStart("s", "a");
        await Drive(time, client.FlushAsync(), TimeSpan.FromMinutes(1));
        var at = sink.Calls.Select(c => c.At - T0).ToArray();
        Assert.Equal(3, at.Length);
        Assert.InRange(at[1] - at[0], TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(300));
        Assert.InRange(at[2] - at[1], TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(550));
        Assert.Equal(1, client.Sent);
        Assert.Equal(0, client.Dropped);
    }

    [Fact]
    public async Task Retries_stop_after_three_and_the_batch_is_dropped_with_one_log_line()
    {
        var time = new ManualTimeProvider();
        var sink = new ScriptedSink(time, SendOutcome.Transient);
        var log = new ListLogger<TelemetryClient>();
        await using var client = new TelemetryClient(sink, new TelemetryOptions { FlushInterval = TimeSpan.FromHours(1) }, log, time);
        client.SessionStart("s", "a");
        client.SessionEnd("s", "a", "success");
        await Drive(time, client.FlushAsync(), TimeSpan.FromMinutes(1));
        var at = sink.Calls.Select(c => c.At).ToArray();
        Assert.Equal(4, at.Length);
        Assert.InRange(at[3] - at[2], TimeSpan.FromMilliseconds(1000), TimeSpan.FromMilliseconds(1050));
        Assert.Equal(2, client.Dropped);
        Assert.Single(log.Lines, l => l.Contains("dropped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Backoff_is_capped()
    {
        var time = new ManualTimeProvider();
        var sink = new ScriptedSink(time, SendOutcome.Transient);
        await using var client = new TelemetryClient(sink, new TelemetryOptions { FlushInterval = TimeSpan.FromHours(1), MaxRetries = 10, MaxBackoff = TimeSpan.FromSeconds(1) }, timeProvider: time);
        client.SessionStart("s", "a");
        await Drive(time, client.FlushAsync(), TimeSpan.FromMinutes(1));
        var at = sink.Calls.Select(c => c.At).ToArray();
        Assert.Equal(11, at.Length);
        Assert.InRange(at[^1] - at[^2], TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1050));
    }

    [Fact]
    public async Task Other_client_errors_drop_the_batch_at_once()
    {
        var time = new ManualTimeProvider();
        var sink = new ScriptedSink(time, SendOutcome.Permanent, SendOutcome.Delivered);
        var log = new ListLogger<TelemetryClient>();
        await using var client = new TelemetryClient(sink, new TelemetryOptions { FlushInterval = TimeSpan.FromHours(1) }, log, time);
        client.SessionStart("s", "a");
        await Drive(time, client.FlushAsync(), TimeSpan.FromMinutes(1));
        Assert.Single(sink.Calls);
        Assert.Equal(1, client.Dropped);
        Assert.Single(log.Lines);
    }

    [Fact]
    public async Task Over_the_buffer_limit_the_oldest_events_are_dropped_with_a_warning()
    {
        var time = new ManualTimeProvider();
        var sink = new ScriptedSink(time);
        var log = new ListLogger<TelemetryClient>();
        await using var client = new TelemetryClient(sink, new TelemetryOptions { FlushInterval = TimeSpan.FromHours(1), BatchSize = 1000, MaxBuffered = 10 }, log, time);
        for (var i = 0; i < 15; i++)
        {
            client.SessionStart($"s{i}", "a");
        }

        Assert.Equal(10, client.Buffered);
        Assert.Equal(5, client.Dropped);
        Assert.Equal(5, log.Lines.Count);
        await Drive(time, client.FlushAsync(), TimeSpan.FromMinutes(1));
        Assert.Equal(Enumerable.Range(5, 10).Select(i => $"s{i}"), sink.Delivered.Select(e => JsonDocument.Parse(e).RootElement.GetProperty("sessionId").GetString()));
    }

    [Fact]
    public async Task Full_batches_go_out_at_once_and_the_rest_after_the_interval()
    {
        var time = new ManualTimeProvider();
        var sink = new ScriptedSink(time);
        await using var client = new TelemetryClient(sink, new TelemetryOptions { BatchSize = 25 }, timeProvider: time);
        for (var i = 0; i < 60; i++)
        {
            client.SessionStart($"s{i}", "a");
        }

        for (var i = 0; i < 10_000 && sink.Calls.Count < 2; i++)
        {
            await Task.Delay(1);
        }

        Assert.Equal([25, 25], sink.Calls.Select(c => c.Count));

        // The pump arms its next interval only once the second send returns; advancing before that would move the
        // clock past a timer not yet made (seen once in CI under load: the rest never went out).
        var timersAtSecondSend = sink.Calls.Last().TimersBefore;
        for (var i = 0; i < 10_000 && !time.HasPendingTimerAfter(timersAtSecondSend); i++)
        {
            await Task.Delay(1);
        }

        time.Advance(TimeSpan.FromSeconds(5));
        for (var i = 0; i < 10_000 && sink.Calls.Count < 3; i++)
        {
            await Task.Delay(1);
        }

        Assert.Equal([25, 25, 10], sink.Calls.Select(c => c.Count));
        Assert.Equal(TimeSpan.FromSeconds(5), sink.Calls.Last().At - T0);
    }

    [Fact]
    public async Task Events_have_the_spec_shapes_and_dispose_drains()
    {
        var time = new ManualTimeProvider();
        var sink = new ScriptedSink(time);
        var client = new TelemetryClient(sink, new TelemetryOptions { FlushInterval = TimeSpan.FromHours(1) }, timeProvider: time);
        using var p = JsonDocument.Parse("""{"amount":1}""");
        client.SessionStart("s", "a", "treasury-pact");
        client.ToolCall("s", "a", "transfer_funds", p.RootElement, "success", 12.5);
        client.Response("s", "a", "in", "out", "success", tokenCount: 3);
        client.SessionEnd("s", "a", "success");
        await client.DisposeAsync();
        var events = sink.Delivered.Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.Equal(["session_start", "tool_call", "response", "session_end"], events.Select(e => e.GetProperty("type").GetString()));
        foreach (var e in events)
        {
            Assert.Equal(Events.LogRecordKind.Event, Events.EventParser.Parse(e, out _, out var reason));
            Assert.Null(reason);
        }
    }
}
