using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Pacts.Evaluating;
using Pacts.Events;
using Pacts.Json;
using Pacts.Numbers;
using Pacts.Paths;

namespace Pacts.Replay;

/// <summary>How a tool call's status moved from the baseline pacts to the candidate ones (SPEC §11).</summary>
public enum FlipKind
{
    /// <summary>Valid under the baseline, invalid under the candidate.</summary>
    NewlyInvalid,

    /// <summary>Invalid under the baseline, valid under the candidate.</summary>
    NewlyValid,

    /// <summary>Any other difference: other violations, or a move between evaluated, unevaluated and unknown pact.</summary>
    Changed,
}

/// <summary>
/// <c>pacts diff</c>'s engine (SPEC §11): one pass over the logs replays every event under two pact sets, each with its
/// own <see cref="ReplayAnalyzer"/> (so its own session binding and budget state), or compares the candidate's
/// verdicts with the ones a <c>ledger export</c> recorded, and classifies each tool call whose status differs.
/// Memory is that of two replays plus the first <see cref="MaxExamples"/> flips and one tally per (pact, tool) and
/// per agent with a flip.
/// </summary>
public sealed class PactDiff
{
    /// <summary>How many flips the report lists in full.</summary>
    public const int MaxExamples = 50;

    private readonly ReplayAnalyzer? _baseline;
    private readonly ReplayAnalyzer _candidate;
    private readonly CompiledBudget? _amount;
    private readonly Dictionary<(string PactId, string Tool), long[]> _byTool = [];
    private readonly Dictionary<string, long[]> _byAgent = new(StringComparer.Ordinal);
    private readonly List<Flip> _examples = [];
    private readonly long[] _flips = new long[3];
    private DecimalSum _newlyValidAmount;
    private DecimalSum _newlyInvalidAmount;
    private long _calls;
    private long _unrecorded;
    private (string? PactId, string? Tool, long[] Counts) _lastTool = (null, null, []); // the last flip's tally, by reference
    private (string? AgentId, long[] Counts) _lastAgent = (null, []);

    /// <summary>A diff of <paramref name="candidate"/> against <paramref name="baseline"/>, or against the recorded verdicts when it is null.</summary>
    /// <param name="baseline">The baseline pacts; null for <c>--baseline recorded</c>.</param>
    /// <param name="candidate">The candidate pacts.</param>
    /// <param name="amount">With <c>--amount</c>: the path whose amounts (SPEC §10 charge rules) the report adds up over the flips.</param>
    public PactDiff(PactSet? baseline, PactSet candidate, ParamPath? amount = null)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        _baseline = baseline is null ? null : new ReplayAnalyzer(baseline);
        _candidate = new ReplayAnalyzer(candidate);
        _amount = amount is null ? null : new CompiledBudget("amount", null, amount, DecimalSum.Zero, 1, BudgetScope.Pact, Severity.Minor, null);
    }

    /// <summary>Reads every record of one log (as <c>pacts replay</c> reads it) into the diff.</summary>
    /// <remarks>
    /// Against a baseline set, the log goes once through replay's pipeline (<see cref="ReplayAnalyzer.Pipeline"/>):
    /// batches are scanned ahead on the other cores, with the candidate's verdicts reached there when the scanner
    /// guessed the pact, and each entry is bound on this thread in both analyzers, the baseline judging the raw
    /// params the scanner checked. Against <c>recorded</c> every line is read the general way, since the recorded
    /// verdict is a member of the line the scanner does not keep.
    /// </remarks>
    public void ProcessLog(Stream stream, string file)
    {
        if (_baseline is null)
        {
            foreach (var record in EventLogReader.Read(stream, file))
            {
                Process(record);
            }

            return;
        }

        _candidate.Pipeline(stream, file, BindBatch, null, Math.Clamp(Environment.ProcessorCount - 1, 0, 3));
    }

    private void BindBatch(RecordBatch batch)
    {
        var baseline = _baseline!;
        for (var i = 0; i < batch.Count; i++)
        {
            baseline.Bind(batch, i);
            _candidate.Bind(batch, i);
            ref readonly var entry = ref batch.EntryAt(i);
            if (entry.Record is { } record)
            {
                if (record is { Kind: LogRecordKind.Event, Event: { Type: EventType.ToolCall } ev })
                {
                    var fields = EventFields.Of(ev);
                    Compare(record.File, record.Line, in fields, Replayed(baseline), Replayed(_candidate));
                }
            }
            else if (batch.ScannedAt(i).Type == EventType.ToolCall)
            {
                Compare(batch.File, entry.Line, in batch.ScannedAt(i), Replayed(baseline), Replayed(_candidate));
            }
        }
    }

    /// <summary>Feeds one record to both sides, in log order, and compares the two statuses of a tool call.</summary>
    public void Process(LogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _baseline?.Process(record);
        _candidate.Process(record);
        if (record is not { Kind: LogRecordKind.Event, Event: { Type: EventType.ToolCall } ev })
        {
            return;
        }

        Side baseline;
        if (_baseline is null)
        {
            if (RecordedVerdict(ev.Raw) is not { } recorded)
            {
                _calls++;
                _unrecorded++;
                return;
            }

            baseline = Side.Recorded(recorded);
        }
        else
        {
            baseline = Replayed(_baseline);
        }

        var fields = EventFields.Of(ev);
        Compare(record.File, record.Line, in fields, baseline, Replayed(_candidate));
    }

    private static Side Replayed(ReplayAnalyzer analyzer) => new(analyzer.LastCallStatus, analyzer.LastCallPactId, analyzer.LastVerdict, null);

    private void Compare(string file, long line, in EventFields ev, Side baseline, Side candidate)
    {
        _calls++;
        if (Side.Same(baseline, candidate))
        {
            return;
        }

        if (Side.KindOf(baseline, candidate) is not { } kind)
        {
            return;
        }

        _flips[(int)kind]++;
        var pactId = candidate.PactId ?? baseline.PactId ?? "";
        if (!(ReferenceEquals(pactId, _lastTool.PactId) && ReferenceEquals(ev.Tool, _lastTool.Tool)))
        {
            _lastTool = (pactId, ev.Tool!, Counts(_byTool, (pactId, ev.Tool!)));
        }

        _lastTool.Counts[(int)kind]++;
        if (!ReferenceEquals(ev.AgentId, _lastAgent.AgentId))
        {
            _lastAgent = (ev.AgentId, Counts(_byAgent, ev.AgentId));
        }

        _lastAgent.Counts[(int)kind]++;
        if (_amount is not null && kind != FlipKind.Changed)
        {
            var charge = ev.ParamsUtf8.IsEmpty
                ? _amount.Charge<Json.ElementNav, JsonElement, JsonElement.ObjectEnumerator, JsonElement.ArrayEnumerator>(ev.Params)
                : _amount.ChargeUtf8(ev.ParamsUtf8);
            if (kind == FlipKind.NewlyValid)
            {
                _newlyValidAmount += charge;
            }
            else
            {
                _newlyInvalidAmount += charge;
            }
        }

        if (_examples.Count < MaxExamples)
        {
            _examples.Add(new Flip(file, line, ev.SessionId, ev.AgentId, ev.Tool!, kind, baseline.Json(), candidate.Json()));
        }
    }

    /// <summary>The report of everything processed so far.</summary>
    public DiffReport Report() => new()
    {
        Calls = _calls,
        Unrecorded = _unrecorded,
        NewlyInvalid = _flips[(int)FlipKind.NewlyInvalid],
        NewlyValid = _flips[(int)FlipKind.NewlyValid],
        Changed = _flips[(int)FlipKind.Changed],
        ByTool = [.. _byTool.OrderBy(kv => kv.Key.PactId, StringComparer.Ordinal).ThenBy(kv => kv.Key.Tool, StringComparer.Ordinal)
            .Select(kv => new ToolFlips(kv.Key.PactId, kv.Key.Tool, kv.Value[0], kv.Value[1], kv.Value[2]))],
        ByAgent = [.. _byAgent.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new AgentFlips(kv.Key, kv.Value[0], kv.Value[1], kv.Value[2]))],
        Examples = [.. _examples],
        Amounts = _amount is null ? null : new FlipAmounts(_newlyValidAmount.ToString(), _newlyInvalidAmount.ToString()),
    };

    /// <summary>
    /// The verdict a <c>ledger export</c> line carries: its last top-level <c>verdict</c> member, the one the export
    /// appended (an event that itself sent a <c>verdict</c> cannot pass its own off as the service's).
    /// </summary>
    private static JsonElement? RecordedVerdict(JsonElement raw) =>
        JsonStrings.TryGetProperty(raw, "verdict"u8, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static long[] Counts<TKey>(Dictionary<TKey, long[]> tallies, TKey key)
        where TKey : notnull
    {
        if (!tallies.TryGetValue(key, out var counts))
        {
            counts = new long[3];
            tallies[key] = counts;
        }

        return counts;
    }

    /// <summary>One side of a call: where it ended up and, when evaluated, its verdict (replayed, or the recorded JSON).</summary>
    private readonly record struct Side(CallStatus Status, string? PactId, Verdict? Verdict, string? RecordedJson)
    {
        public const string ValidKey = "valid";
        public const string InvalidPrefix = "invalid:";

        /// <remarks>
        /// Read so that nothing in a recorded verdict throws: bytes that are not UTF-8 become U+FFFD in its JSON, and a
        /// string escaping half a surrogate pair is kept as escaped (the line was accepted as an event, so its verdict is
        /// compared, not refused).
        /// </remarks>
        public static Side Recorded(JsonElement verdict) =>
            new(CallStatus.Evaluated, Text(verdict, "pactId"u8), null, Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8Value(verdict)));

        /// <summary>
        /// True when two replayed sides certainly have the same status, decided without allocating: the same status
        /// outside evaluation, both valid, or the same violations one-to-one. False means "compare the keys".
        /// </summary>
        public static bool Same(Side a, Side b)
        {
            if (a.RecordedJson is not null || b.RecordedJson is not null)
            {
                return false;
            }

            if (a.Status != b.Status)
            {
                return false;
            }

            if (a.Status != CallStatus.Evaluated)
            {
                return true;
            }

            var (x, y) = (a.Verdict!.Violations, b.Verdict!.Violations);
            if (x.Count != y.Count)
            {
                return false;
            }

            if (x.Count == 0)
            {
                return true;
            }

            if (x.Count > 64)
            {
                return false;
            }

            Span<bool> taken = stackalloc bool[x.Count];
            taken.Clear(); // the assembly skips locals' initialisation: stackalloc'd memory holds whatever was there
            foreach (var v in x)
            {
                var found = false;
                for (var j = 0; j < y.Count && !found; j++)
                {
                    var w = y[j];
                    if (!taken[j] && v.Severity == w.Severity && v.Rule == w.Rule && v.ParamPath == w.ParamPath && v.Budget == w.Budget)
                    {
                        taken[j] = found = true;
                    }
                }

                if (!found)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The kind of flip from <paramref name="b"/> (baseline) to <paramref name="c"/> (candidate), null when none.</summary>
        public static FlipKind? KindOf(Side b, Side c)
        {
            if (b.RecordedJson is null && c.RecordedJson is null && (b.Status != CallStatus.Evaluated || c.Status != CallStatus.Evaluated
                || (b.Verdict!.Violations.Count <= 64 && c.Verdict!.Violations.Count <= 64)))
            {
                // Replayed sides that Same told apart: the kind follows from validity alone, no key is built.
                var bothEvaluated = b.Status == CallStatus.Evaluated && c.Status == CallStatus.Evaluated;
                return !bothEvaluated ? FlipKind.Changed
                    : b.Verdict!.Valid && !c.Verdict!.Valid ? FlipKind.NewlyInvalid
                    : !b.Verdict.Valid && c.Verdict!.Valid ? FlipKind.NewlyValid
                    : FlipKind.Changed;
            }

            var bKey = b.Key();
            var cKey = c.Key();
            return bKey == cKey ? null
                : bKey == ValidKey && cKey.StartsWith(InvalidPrefix, StringComparison.Ordinal) ? FlipKind.NewlyInvalid
                : cKey == ValidKey && bKey.StartsWith(InvalidPrefix, StringComparison.Ordinal) ? FlipKind.NewlyValid
                : FlipKind.Changed;
        }

        /// <summary>The status SPEC §11 compares: valid, invalid with the multiset of (paramPath, rule, severity, budget), unevaluated, unknown pact.</summary>
        public string Key()
        {
            if (Status != CallStatus.Evaluated)
            {
                return Status == CallStatus.Unevaluated ? "unevaluated" : "unknown pact";
            }

            List<string> violations = [];
            if (Verdict is not null)
            {
                violations.AddRange(Verdict.Violations.Select(v => Identity(v.ParamPath, v.Rule, v.Severity.ToString().ToLowerInvariant(), v.Budget)));
            }
            else
            {
                using var doc = JsonDocument.Parse(RecordedJson!);
                if (JsonStrings.TryGetProperty(doc.RootElement, "violations"u8, out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    violations.AddRange(list.EnumerateArray().Select(v => Identity(Text(v, "paramPath"u8), Text(v, "rule"u8), Text(v, "severity"u8), Text(v, "budget"u8))));
                }
            }

            if (violations.Count == 0)
            {
                return ValidKey;
            }

            violations.Sort(StringComparer.Ordinal);
            return InvalidPrefix + string.Join("\n", violations);
        }

        /// <summary>The verdict as JSON, or null when the call was not evaluated.</summary>
        public string? Json() => Status != CallStatus.Evaluated ? null : RecordedJson ?? Verdict!.ToJson();

        private static string Identity(string? path, string? rule, string? severity, string? budget) =>
            JsonSerializer.Serialize(new[] { path, rule, severity, budget }, DiffJsonContext.Default.StringArray);

        private static string? Text(JsonElement e, ReadOnlySpan<byte> name) =>
            e.ValueKind == JsonValueKind.Object && JsonStrings.TryGetProperty(e, name, out var v) && v.ValueKind == JsonValueKind.String
                ? JsonStrings.TextOrEscaped(v)
                : null;
    }
}

/// <summary>Flips of one (pact, tool) or one agent, by kind.</summary>
/// <param name="PactId">The pact the call bound to under the candidate (else the baseline's; empty when neither).</param>
/// <param name="Tool">The tool.</param>
/// <param name="NewlyInvalid">Valid before, invalid now.</param>
/// <param name="NewlyValid">Invalid before, valid now.</param>
/// <param name="Changed">Any other difference.</param>
public sealed record ToolFlips(string PactId, string Tool, long NewlyInvalid, long NewlyValid, long Changed);

/// <summary>An agent's flips, by kind.</summary>
/// <param name="AgentId">The agent.</param>
/// <param name="NewlyInvalid">Valid before, invalid now.</param>
/// <param name="NewlyValid">Invalid before, valid now.</param>
/// <param name="Changed">Any other difference.</param>
public sealed record AgentFlips(string AgentId, long NewlyInvalid, long NewlyValid, long Changed);

/// <summary>One flip in full: where the call is and both verdicts (null for a side that did not evaluate it).</summary>
/// <param name="File">The log.</param>
/// <param name="Line">The line (or envelope index).</param>
/// <param name="SessionId">The session.</param>
/// <param name="AgentId">The agent.</param>
/// <param name="Tool">The tool.</param>
/// <param name="Kind">How it flipped.</param>
/// <param name="Baseline">The baseline verdict as JSON, or null.</param>
/// <param name="Candidate">The candidate verdict as JSON, or null.</param>
public sealed record Flip(string File, long Line, string SessionId, string AgentId, string Tool, FlipKind Kind, string? Baseline, string? Candidate);

/// <summary>With <c>--amount</c>: the amounts newly allowed and newly blocked, in SPEC §10 notation.</summary>
/// <param name="NewlyValid">The sum over newly-valid calls.</param>
/// <param name="NewlyInvalid">The sum over newly-invalid calls.</param>
public sealed record FlipAmounts(string NewlyValid, string NewlyInvalid);

/// <summary>What <c>pacts diff</c> reports (SPEC §11).</summary>
public sealed record DiffReport
{
    /// <summary>Well-formed tool calls read.</summary>
    public long Calls { get; init; }

    /// <summary>With <c>--baseline recorded</c>: tool calls without a recorded verdict, left out of the comparison.</summary>
    public long Unrecorded { get; init; }

    /// <summary>Valid before, invalid now.</summary>
    public long NewlyInvalid { get; init; }

    /// <summary>Invalid before, valid now.</summary>
    public long NewlyValid { get; init; }

    /// <summary>Any other difference.</summary>
    public long Changed { get; init; }

    /// <summary>Flips per (pact, tool), ordered by pact id then tool.</summary>
    public IReadOnlyList<ToolFlips> ByTool { get; init; } = [];

    /// <summary>Flips per agent, ordered by agent id.</summary>
    public IReadOnlyList<AgentFlips> ByAgent { get; init; } = [];

    /// <summary>The first <see cref="PactDiff.MaxExamples"/> flips, in log order.</summary>
    public IReadOnlyList<Flip> Examples { get; init; } = [];

    /// <summary>With <c>--amount</c>, the amounts over the flips; else null.</summary>
    public FlipAmounts? Amounts { get; init; }

    /// <summary>Whether there is a flip of the kind <c>--fail-on</c> names (<c>newly-invalid</c>, <c>newly-valid</c>, <c>changed</c>, <c>any</c>, <c>none</c>).</summary>
    public bool Fails(string failOn) => failOn switch
    {
        "newly-invalid" => NewlyInvalid > 0,
        "newly-valid" => NewlyValid > 0,
        "changed" => Changed > 0,
        "none" => false,
        _ => NewlyInvalid + NewlyValid + Changed > 0,
    };

    /// <summary>The SPEC §11 JSON object, indented.</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("calls", Calls);
            w.WriteNumber("unrecorded", Unrecorded);
            w.WriteStartObject("flips");
            WriteCounts(w, NewlyInvalid, NewlyValid, Changed);
            w.WriteEndObject();
            w.WriteStartArray("byTool");
            foreach (var t in ByTool)
            {
                w.WriteStartObject();
                w.WriteString("pactId", t.PactId);
                w.WriteString("tool", t.Tool);
                WriteCounts(w, t.NewlyInvalid, t.NewlyValid, t.Changed);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("byAgent");
            foreach (var a in ByAgent)
            {
                w.WriteStartObject();
                w.WriteString("agentId", a.AgentId);
                WriteCounts(w, a.NewlyInvalid, a.NewlyValid, a.Changed);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("examples");
            foreach (var f in Examples)
            {
                w.WriteStartObject();
                w.WriteString("file", f.File);
                w.WriteNumber("line", f.Line);
                w.WriteString("sessionId", f.SessionId);
                w.WriteString("agentId", f.AgentId);
                w.WriteString("tool", f.Tool);
                w.WriteString("kind", KindName(f.Kind));
                w.WritePropertyName("baseline");
                WriteVerdict(w, f.Baseline);
                w.WritePropertyName("candidate");
                WriteVerdict(w, f.Candidate);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (Amounts is not null)
            {
                w.WriteStartObject("amounts");
                w.WritePropertyName("newlyValid");
                w.WriteRawValue(Amounts.NewlyValid, skipInputValidation: true); // §10 notation: JSON number text
                w.WritePropertyName("newlyInvalid");
                w.WriteRawValue(Amounts.NewlyInvalid, skipInputValidation: true);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The kind as SPEC §11 and <c>--fail-on</c> spell it.</summary>
    public static string KindName(FlipKind kind) => kind switch
    {
        FlipKind.NewlyInvalid => "newly-invalid",
        FlipKind.NewlyValid => "newly-valid",
        _ => "changed",
    };

    private static void WriteCounts(Utf8JsonWriter w, long newlyInvalid, long newlyValid, long changed)
    {
        w.WriteNumber("newlyInvalid", newlyInvalid);
        w.WriteNumber("newlyValid", newlyValid);
        w.WriteNumber("changed", changed);
    }

    private static void WriteVerdict(Utf8JsonWriter w, string? json)
    {
        if (json is null)
        {
            w.WriteNullValue();
        }
        else if (json.Contains("\\ud", StringComparison.OrdinalIgnoreCase))
        {
            // It may escape half a surrogate pair (a recorded verdict holds what the call sent), which WriteTo will not
            // write: kept as it is, not re-indented.
            w.WriteRawValue(json, skipInputValidation: true);
        }
        else
        {
            using var doc = JsonDocument.Parse(json);
            doc.RootElement.WriteTo(w); // re-indented with the report, bytes of every value kept
        }
    }
}

/// <summary>Source-generated JSON for the diff's violation identities.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class DiffJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
