using System.Text.Json;
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
public sealed class Ingestor(ILedgerStore store)
{
    /// <summary>Judges and stores <paramref name="events"/> (a JSON array) against <paramref name="pacts"/>; params deeper than <paramref name="maxParamDepth"/> are rejected.</summary>
    public async Task<IngestResult> IngestAsync(JsonElement events, PactSet pacts, int maxParamDepth, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(pacts);
        var entries = new List<LedgerEntry>();
        var rejected = new List<IngestRejection>();
        var verdicts = new List<IngestVerdict>();
        var sessions = new SessionBinding(); // this batch's; earlier batches' sessions are in the store
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

            // The parser already refused params deeper than the engine reads; only a lower policy limit needs a second look.
            if (ev!.Type == EventType.ToolCall && maxParamDepth < Pact.MaxParamsDepth && ParamsLimits.Check(ev.Params, maxParamDepth) is not null)
            {
                rejected.Add(new(index, $"params nest deeper than {maxParamDepth} levels"));
                continue;
            }

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
                    verdictJson = verdict.ToJson();
                    worst = verdict.HighestSeverity > worst || worst is null ? verdict.HighestSeverity : worst;
                    verdicts.Add(new(index, pactId, verdictJson));
                }
            }

            entries.Add(new LedgerEntry(CanonicalJson.WriteInOrder(item), verdictJson, pactId));
        }

        var (stored, head) = await store.AppendAsync(entries, ct).ConfigureAwait(false);
        return new IngestResult(entries, stored.Count(s => !s.Stored), rejected, verdicts, head, worst);
    }
}
