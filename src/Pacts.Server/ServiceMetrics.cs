using Pacts.Evaluating;
using Prometheus;

namespace Pacts.Server;

/// <summary>
/// The service's Prometheus series (SPEC §9 <i>Operations</i>, <c>GET /metrics</c>), in a registry of its own (so two
/// services in one process count apart). Labels are bounded by the loaded pacts: pact ids, bound tool names (any other
/// tool is <c>(unbound)</c>), budget names, severities, event types; never an agent or session id, never a value.
/// </summary>
public sealed class ServiceMetrics
{
    /// <summary>The tool label of a call to a tool its pact does not bind (tool names come from agents: unbounded).</summary>
    public const string UnboundTool = "(unbound)";

    private readonly Counter _accepted;
    private readonly Counter _rejected;
    private readonly Counter _duplicates;
    private readonly Counter _verdicts;
    private readonly Counter _preflights;
    private readonly Counter _breaches;
    private readonly Histogram _appendSeconds;
    private readonly Histogram _batchSize;
    private readonly Counter _alerts;

    /// <summary>Creates the series in a new registry.</summary>
    public ServiceMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var f = Metrics.WithCustomRegistry(Registry);
        _accepted = f.CreateCounter("pacts_events_accepted_total", "Events appended to the ledger, by event type.", "type");
        _rejected = f.CreateCounter("pacts_events_rejected_total", "Events refused at ingest (malformed, too deep, clock skew, outside the key's agents).");
        _duplicates = f.CreateCounter("pacts_events_duplicate_total", "Events the ledger already held (retries): acknowledged, not appended again.");
        _verdicts = f.CreateCounter("pacts_verdicts_total", "Ingested tool calls judged, by pact, tool and worst severity (none: valid).", "pact", "tool", "severity");
        _preflights = f.CreateCounter("pacts_preflight_verdicts_total", "validate-call pre-flights, by pact, tool and worst severity (none: valid).", "pact", "tool", "severity");
        _breaches = f.CreateCounter("pacts_budget_breaches_total", "Budget violations in ingested tool calls, by pact and budget.", "pact", "budget");
        _appendSeconds = f.CreateHistogram("pacts_ledger_append_duration_seconds", "Time to append one batch to the ledger, durably.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });
        _alerts = f.CreateCounter("pacts_alerts_total", "Alert webhook deliveries, by outcome: sent, failed (after retries), dropped (queue full).", "outcome");
        _batchSize = f.CreateHistogram("pacts_ledger_append_batch_size_events", "Events per ledger append.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 11) });
    }

    /// <summary>The registry <c>/metrics</c> exposes.</summary>
    public CollectorRegistry Registry { get; }

    internal void Appended(int events, TimeSpan took)
    {
        _batchSize.Observe(events);
        _appendSeconds.Observe(took.TotalSeconds);
    }

    internal void Alert(string outcome) => _alerts.WithLabels(outcome).Inc();

    internal void Accepted(string type) => _accepted.WithLabels(type).Inc();

    internal void Rejected(int count) => _rejected.Inc(count);

    internal void Duplicates(int count) => _duplicates.Inc(count);

    internal void Judged(Pact pact, string tool, Verdict verdict, bool preflight)
    {
        var toolLabel = pact.Binds(tool) ? tool : UnboundTool;
        (preflight ? _preflights : _verdicts).WithLabels(pact.Id, toolLabel, verdict.HighestSeverity?.ToName() ?? "none").Inc();
        if (preflight)
        {
            return;
        }

        foreach (var v in verdict.Violations)
        {
            if (v.Budget is { } budget)
            {
                _breaches.WithLabels(pact.Id, budget).Inc();
            }
        }
    }
}
