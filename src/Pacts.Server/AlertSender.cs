using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Pacts.Evaluating;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pacts.Server;

/// <summary>An ingested tool call that calls for a page: what the alert names, taken when it was stored.</summary>
public sealed record PendingAlert(long Seq, string AgentId, string? SessionId, string PactId, string Tool, DateTimeOffset AttemptedAt, Verdict Verdict);

/// <summary>
/// <c>--alert-webhook URL --alert-on SEV</c> (SPEC §9 <i>Operations</i>): for every stored tool call with a violation
/// at or above the threshold, one POST of an Alertmanager-style webhook body (version 4: <c>status</c>, <c>alerts[]</c>
/// with <c>labels</c> and <c>annotations</c>) plus a <c>pacts</c> member with the call's verdict (every violation's
/// path, rule, value and message) and the agent's ten previous tool calls from the ledger. Ingest only offers the
/// alert to a bounded queue (it never waits); this service sends it, retried with exponential backoff and jitter
/// (Polly 8) on connection failures, timeouts, 429 and 5xx. On shutdown the queue is drained for at most 5 s.
/// </summary>
public sealed partial class AlertSender : BackgroundService
{
    /// <summary>Alerts waiting to be sent at most; more are dropped (and counted), never waited for.</summary>
    public const int QueueCapacity = 10_000;

    private readonly ServerOptions _options;
    private readonly ILedgerStore _store;
    private readonly ServiceMetrics _metrics;
    private readonly ILogger<AlertSender> _log;
    private readonly Channel<PendingAlert> _queue = Channel.CreateBounded<PendingAlert>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan }; // each attempt's timeout is the pipeline's
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>Creates the sender; it sends nothing unless <see cref="ServerOptions.AlertWebhook"/> is set.</summary>
    public AlertSender(ServerOptions options, ILedgerStore store, ServiceMetrics metrics, ILogger<AlertSender> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        (_options, _store, _metrics, _log) = (options, store, metrics, log);
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 8,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.AlertRetryDelay,
                MaxDelay = TimeSpan.FromMinutes(1),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
            })
            .AddTimeout(TimeSpan.FromSeconds(10))
            .Build();
    }

    /// <summary>True when a webhook is configured.</summary>
    public bool Enabled => _options.AlertWebhook is not null;

    /// <summary>Queues an alert for a stored call whose worst violation reaches <c>--alert-on</c>; never blocks.</summary>
    public void Offer(PendingAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (!Enabled || alert.Verdict.HighestSeverity is not { } worst || worst < _options.AlertOn)
        {
            return;
        }

        if (!_queue.Writer.TryWrite(alert))
        {
            _metrics.Alert("dropped");
            LogDropped(_log, alert.Seq, QueueCapacity);
        }
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (ExecuteTask is { } running)
        {
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken)).ConfigureAwait(false);
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var alert in _queue.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                await SendAsync(alert, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                _metrics.Alert("failed");
                LogUndelivered(_log, alert.Seq, "the service stopped");
            }
        }
    }

    private async Task SendAsync(PendingAlert alert, CancellationToken ct)
    {
        var recent = await _store.RecentToolCallsAsync(alert.AgentId, alert.Seq, 10, ct).ConfigureAwait(false);
        var body = Body(alert, recent);
        try
        {
            using var response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new("application/json");
                    return await _http.PostAsync(_options.AlertWebhook, content, token).ConfigureAwait(false);
                },
                ct).ConfigureAwait(false);
            var ok = response.IsSuccessStatusCode;
            _metrics.Alert(ok ? "sent" : "failed");
            if (!ok)
            {
                LogUndelivered(_log, alert.Seq, $"the webhook answered {(int)response.StatusCode}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            _metrics.Alert("failed");
            LogUndelivered(_log, alert.Seq, ex.Message);
        }
    }

    /// <summary>The webhook body: Alertmanager's webhook payload (version 4) with one alert, and the <c>pacts</c> member.</summary>
    internal static byte[] Body(PendingAlert alert, IReadOnlyList<LedgerRecord> recent)
    {
        var worst = alert.Verdict.HighestSeverity!.Value.ToName();
        var summary = $"{alert.AgentId}: {alert.Tool} violates {alert.PactId} ({worst})";
        var description = string.Join("\n", alert.Verdict.Violations.Select(v => v.Describe()));
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{alert.PactId}\n{alert.AgentId}\n{alert.Seq}")).AsSpan(0, 8));
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("version", "4");
            w.WriteString("groupKey", $"pacts/{alert.PactId}/{alert.AgentId}");
            w.WriteNumber("truncatedAlerts", 0);
            w.WriteString("status", "firing");
            w.WriteString("receiver", "pacts");
            w.WriteStartObject("groupLabels");
            w.WriteString("alertname", "PactViolation");
            w.WriteEndObject();
            w.WritePropertyName("commonLabels");
            Labels(w, alert, worst);
            Annotations(w, "commonAnnotations", summary, description);
            w.WriteString("externalURL", "");
            w.WriteStartArray("alerts");
            w.WriteStartObject();
            w.WriteString("status", "firing");
            w.WritePropertyName("labels");
            Labels(w, alert, worst);
            Annotations(w, "annotations", summary, description);
            w.WriteString("startsAt", alert.AttemptedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("endsAt", "0001-01-01T00:00:00Z");
            w.WriteString("generatorURL", "");
            w.WriteString("fingerprint", fingerprint);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("pacts");
            w.WriteNumber("seq", alert.Seq);
            w.WriteString("agentId", alert.AgentId);
            if (alert.SessionId is not null)
            {
                w.WriteString("sessionId", alert.SessionId);
            }

            w.WriteString("pactId", alert.PactId);
            w.WriteString("tool", alert.Tool);
            w.WritePropertyName("verdict");
            w.WriteRawValue(alert.Verdict.ToJson());
            w.WriteStartArray("recentCalls"); // oldest first, each as the ledger holds it
            foreach (var r in recent)
            {
                w.WriteStartObject();
                w.WriteNumber("seq", r.Seq);
                w.WritePropertyName("event");
                w.WriteRawValue(r.Body);
                w.WritePropertyName("verdict");
                if (r.Verdict is null)
                {
                    w.WriteNullValue();
                }
                else
                {
                    w.WriteRawValue(r.Verdict);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Annotations(Utf8JsonWriter w, string name, string summary, string description)
    {
        w.WriteStartObject(name);
        w.WriteString("summary", summary);
        w.WriteString("description", description);
        w.WriteEndObject();
    }

    private static void Labels(Utf8JsonWriter w, PendingAlert alert, string worst)
    {
        w.WriteStartObject();
        w.WriteString("alertname", "PactViolation");
        w.WriteString("severity", worst);
        w.WriteString("pact", alert.PactId);
        w.WriteString("tool", alert.Tool);
        w.WriteString("agentId", alert.AgentId);
        if (alert.SessionId is not null)
        {
            w.WriteString("sessionId", alert.SessionId);
        }

        w.WriteEndObject();
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "alert for ledger record {Seq} dropped: {Capacity} alerts are already waiting to be sent")]
    private static partial void LogDropped(ILogger logger, long seq, int capacity);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "alert for ledger record {Seq} not delivered after retries: {Reason}")]
    private static partial void LogUndelivered(ILogger logger, long seq, string reason);
}
