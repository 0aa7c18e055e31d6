using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pacts.Evaluating;

namespace Pacts.Agent;

/// <summary>Batching and retry settings, with the defaults of the established agent telemetry SDKs.</summary>
public sealed record TelemetryOptions
{
    /// <summary>Events per batch (default 25).</summary>
    public int BatchSize { get; init; } = 25;

    /// <summary>A partial batch goes out after this long (default 5 s).</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after the first attempt for network errors, 5xx and 429 (default 3).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First backoff (default 250 ms), doubling each retry.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Backoff cap (default 30 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Events held at most; past it the oldest is dropped with a warning (default 1000).</summary>
    public int MaxBuffered { get; init; } = 1000;
}

/// <summary>
/// Streams the four SPEC §6 event shapes to a sink. Recording an event only appends to an in-memory buffer
/// under a short lock: it never blocks on I/O and never throws into the caller. A background pump sends
/// batches (every <see cref="TelemetryOptions.BatchSize"/> events or every <see cref="TelemetryOptions.FlushInterval"/>),
/// retrying transient failures with exponential backoff; all waiting goes through the injected
/// <see cref="TimeProvider"/>, so tests drive time instead of sleeping.
/// </summary>
public sealed partial class TelemetryClient : IAsyncDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ITelemetrySink _sink;
    private readonly TelemetryOptions _options;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly Queue<string> _buffer = new();
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _dropped;
    private long _sent;

    /// <summary>The longest <see cref="TelemetryOptions.FlushInterval"/> a timer can wait (about 49 days).</summary>
    public static readonly TimeSpan MaxFlushInterval = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>Creates a client and starts its background pump.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A flush interval not above zero or above <see cref="MaxFlushInterval"/>, or a batch size or buffer below 1.</exception>
    public TelemetryClient(ITelemetrySink sink, TelemetryOptions? options = null, ILogger<TelemetryClient>? logger = null, TimeProvider? timeProvider = null)
    {
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _options = options ?? new TelemetryOptions();
        // The pump waits FlushInterval on a timer: an interval no timer can hold would stop it, losing every later event.
        if (_options.FlushInterval <= TimeSpan.Zero || _options.FlushInterval > MaxFlushInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.FlushInterval, $"FlushInterval must lie in (0, {MaxFlushInterval.TotalDays:0} days]");
        }

        if (_options.BatchSize < 1 || _options.MaxBuffered < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "BatchSize and MaxBuffered must be at least 1");
        }

        _log = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Events dropped so far (buffer overflow, permanent failures, retries exhausted).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events delivered so far: acknowledged by the sink; those the service refused one by one (its <c>rejected</c>) are among them, each named in a warning.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Events waiting in the buffer.</summary>
    public int Buffered
    {
        get
        {
            lock (_lock)
            {
                return _buffer.Count;
            }
        }
    }

    /// <summary>Records a <c>session_start</c>.</summary>
    public void SessionStart(string sessionId, string agentId, string? pactId = null) => Record(w =>
    {
        Head(w, "session_start", sessionId, agentId);
        w.WriteString("startedAt", Now());
        Optional(w, "pactId", pactId);
    });

    /// <summary>Records a <c>tool_call</c>; the verdict, when given, goes into <c>metadata.verdict</c>.</summary>
    public void ToolCall(string sessionId, string agentId, string tool, JsonElement parameters, string outcome,
        double? latencyMs = null, string? errorMessage = null, string? pactId = null, Verdict? verdict = null) =>
        ToolCallAt(sessionId, agentId, tool, parameters, outcome, _time.GetUtcNow(), latencyMs, errorMessage, pactId, verdict);

    /// <summary>
    /// Records a <c>tool_call</c> attempted at <paramref name="attemptedAt"/> (written to the millisecond), so a guard
    /// that judged the call's budgets at that time logs the very time a replay will charge it at.
    /// </summary>
    public void ToolCallAt(string sessionId, string agentId, string tool, JsonElement parameters, string outcome, DateTimeOffset attemptedAt,
        double? latencyMs, string? errorMessage, string? pactId, Verdict? verdict) => Record(w =>
    {
        Head(w, "tool_call", sessionId, agentId);
        w.WriteString("tool", tool);
        w.WritePropertyName("params");
        parameters.WriteTo(w);
        w.WriteString("outcome", outcome);
        w.WriteString("attemptedAt", Timestamp(attemptedAt));
        if (latencyMs is { } l)
        {
            w.WriteNumber("latencyMs", Math.Round(l, 3));
        }

        Optional(w, "errorMessage", errorMessage);
        Optional(w, "pactId", pactId);
        if (verdict is not null)
        {
            w.WriteStartObject("metadata");
            w.WritePropertyName("verdict");
            verdict.WriteTo(w);
            w.WriteEndObject();
        }
    });

    /// <summary>Records a <c>response</c>.</summary>
    public void Response(string sessionId, string agentId, string input, string output, string outcome, double? latencyMs = null, int? tokenCount = null) => Record(w =>
    {
        Head(w, "response", sessionId, agentId);
        w.WriteString("input", input);
        w.WriteString("output", output);
        w.WriteString("outcome", outcome);
        w.WriteString("emittedAt", Now());
        if (latencyMs is { } l)
        {
            w.WriteNumber("latencyMs", Math.Round(l, 3));
        }

        if (tokenCount is { } t)
        {
            w.WriteNumber("tokenCount", t);
        }
    });

    /// <summary>Records a <c>session_end</c>.</summary>
    public void SessionEnd(string sessionId, string agentId, string outcome, string? reason = null) => Record(w =>
    {
        Head(w, "session_end", sessionId, agentId);
        w.WriteString("endedAt", Now());
        w.WriteString("outcome", outcome);
        Optional(w, "reason", reason);
    });

    /// <summary>Sends everything buffered now (with the usual retries) and returns when done.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => SendPendingAsync(cancellationToken);

    /// <summary>Stops the pump and drains the buffer.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await SendPendingAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
        _sending.Dispose();
    }

    /// <summary>
    /// Records an event its caller has already written as one SPEC §6 JSON object (<c>pacts mcp</c> writes its own
    /// events, the same bytes it appends to <c>--events</c>); it is buffered and sent as given, like every other event.
    /// </summary>
    public void RecordJson(string eventJson)
    {
        ArgumentNullException.ThrowIfNull(eventJson);
        Enqueue(eventJson);
    }

    private void Record(Action<Utf8JsonWriter> write)
    {
        try
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            using (var w = new Utf8JsonWriter(buffer, WriterOptions))
            {
                w.WriteStartObject();
                write(w);
                w.WriteEndObject();
            }

            Enqueue(Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or JsonException)
        {
            // A malformed event (a disposed JsonDocument's params, say) is dropped, never thrown at the agent.
            Interlocked.Increment(ref _dropped);
            LogUnrecordable(_log, ex.Message);
        }
    }

    private void Enqueue(string json)
    {
        TaskCompletionSource? wake = null;
        var overflow = false;
        lock (_lock)
        {
            if (_buffer.Count >= _options.MaxBuffered)
            {
                _buffer.Dequeue();
                overflow = true;
            }

            _buffer.Enqueue(json);
            if (_buffer.Count >= _options.BatchSize)
            {
                wake = _wake;
            }
        }

        if (overflow)
        {
            Interlocked.Increment(ref _dropped);
            LogOverflow(_log, _options.MaxBuffered);
        }

        wake?.TrySetResult();
    }

    private async Task PumpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Task wake;
            lock (_lock)
            {
                if (_wake.Task.IsCompleted)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                wake = _buffer.Count >= _options.BatchSize ? Task.CompletedTask : _wake.Task;
            }

            using var tickCancel = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var tick = Task.Delay(_options.FlushInterval, _time, tickCancel.Token);
            var first = await Task.WhenAny(wake, tick).ConfigureAwait(false);
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            // Woken by a full batch: send full batches only; the interval sends what is left.
            await SendPendingAsync(_stop.Token, fullBatchesOnly: first != tick).ConfigureAwait(false);
            await tickCancel.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task SendPendingAsync(CancellationToken cancellationToken, bool fullBatchesOnly = false)
    {
        await _sending.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            while (true)
            {
                List<string> batch;
                lock (_lock)
                {
                    if (_buffer.Count == 0 || (fullBatchesOnly && _buffer.Count < _options.BatchSize))
                    {
                        return;
                    }

                    batch = new List<string>(Math.Min(_buffer.Count, _options.BatchSize));
                    while (batch.Count < _options.BatchSize && _buffer.Count > 0)
                    {
                        batch.Add(_buffer.Dequeue());
                    }
                }

                await SendWithRetryAsync(batch, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task SendWithRetryAsync(List<string> batch, CancellationToken cancellationToken)
    {
        var backoff = _options.InitialBackoff;
        for (var attempt = 0; ; attempt++)
        {
            (SendOutcome Outcome, string? Detail) result;
            try
            {
                result = await _sink.SendAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                result = (SendOutcome.Transient, ex.Message);
            }

            switch (result.Outcome)
            {
                case SendOutcome.Delivered:
                    Interlocked.Add(ref _sent, batch.Count);
                    if (result.Detail is { } refused)
                    {
                        LogRefused(_log, refused); // resending would not help: the service judged these events themselves
                    }

                    return;
                case SendOutcome.Permanent:
                    Interlocked.Add(ref _dropped, batch.Count);
                    LogDropped(_log, batch.Count, result.Detail ?? "rejected");
                    return;
            }

            if (attempt >= _options.MaxRetries)
            {
                Interlocked.Add(ref _dropped, batch.Count);
                LogDropped(_log, batch.Count, $"{result.Detail ?? "failed"} after {attempt + 1} attempts");
                return;
            }

            try
            {
                await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Shutting down: the final drain retries without the pump's token.
                lock (_lock)
                {
                    foreach (var e in batch.AsEnumerable().Reverse())
                    {
                        _buffer.Enqueue(e);
                    }
                }

                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
        }
    }

    private string Now() => Timestamp(_time.GetUtcNow());

    private static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void Head(Utf8JsonWriter w, string type, string sessionId, string agentId)
    {
        w.WriteString("type", type);
        w.WriteString("sessionId", sessionId);
        w.WriteString("agentId", agentId);
        // Unique per event (SPEC §6 keeps unknown fields): the service takes an event identical to a stored one for a
        // retry, so two calls alike to the millisecond must not be written alike, or the second would go uncharged.
        w.WriteString("eventId", Guid.CreateVersion7().ToString("N", System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "telemetry buffer full ({Max} events): dropped the oldest event")]
    private static partial void LogOverflow(ILogger logger, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "telemetry batch of {Count} events dropped: {Reason}")]
    private static partial void LogDropped(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "telemetry batch delivered, but {Detail}")]
    private static partial void LogRefused(ILogger logger, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "telemetry event could not be recorded: {Reason}")]
    private static partial void LogUnrecordable(ILogger logger, string reason);
}
