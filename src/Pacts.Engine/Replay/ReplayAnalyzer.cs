using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;
using Pacts.Budgets;
using Pacts.Evaluating;
using Pacts.Events;

namespace Pacts.Replay;

/// <summary>A tool call that was evaluated against a loaded pact, with where it came from.</summary>
/// <param name="File">The log it came from.</param>
/// <param name="Line">Its line (or envelope index).</param>
/// <param name="SessionId">The session.</param>
/// <param name="AgentId">The agent.</param>
/// <param name="PactId">The pact it was bound to (its own, or its session's).</param>
/// <param name="Tool">The tool called.</param>
/// <param name="Verdict">The verdict.</param>
public sealed record EvaluatedCall(string File, long Line, string SessionId, string AgentId, string PactId, string Tool, Verdict Verdict)
{
    /// <summary>
    /// The <c>--verdicts</c> line (SPEC §8): <c>line</c>, <c>file</c>, <c>sessionId</c>, <c>agentId</c>,
    /// <c>pactId</c>, <c>tool</c>, then the verdict's other fields as <see cref="Verdict.ToJson"/> writes them
    /// (its <c>pactId</c> and <c>tool</c> are the ones already named, so no key appears twice).
    /// </summary>
    public string ToJsonLine()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer, Verdict.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteNumber("line", Line);
            w.WriteString("file", File);
            w.WriteString("sessionId", SessionId);
            w.WriteString("agentId", AgentId);
            w.WriteString("pactId", PactId);
            w.WriteString("tool", Tool);
            Verdict.WriteFields(w, withIdentity: false);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>
/// Turns a stream of log records into verdicts and a compliance report (SPEC §6, §8). Binding (<see cref="SessionBinding"/>): a tool
/// call uses its own <c>pactId</c>, else the <c>pactId</c> of the latest earlier <c>session_start</c> of its
/// session, else it is unevaluated; an id that names no loaded pact is counted as unknown, never passed.
/// Memory is bounded by open sessions and distinct agents/pacts/paths, not by the number of events:
/// sessions leave the open set at <c>session_end</c> (the last <see cref="RecentlyEndedCapacity"/> ended
/// ones keep their pact id, so late tool calls still bind); distinct sessions are counted by 64-bit hashes.
/// Not thread-safe: one analyzer per replay, fed by one caller at a time (<c>ProcessLog</c> uses other threads
/// inside, but its tallies and reused batches belong to the calling thread).
/// </summary>
public sealed class ReplayAnalyzer(PactSet pacts)
{
    /// <summary>At most this many malformed lines are listed (all are counted).</summary>
    public const int MaxListedMalformed = 1000;

    /// <summary>At most this many invalid calls are listed with their violations (all are counted).</summary>
    public const int MaxListedInvalid = 100;

    /// <summary>How many ended sessions keep their pact binding for late tool calls.</summary>
    public const int RecentlyEndedCapacity = 65_536;

    private readonly List<InvalidCall> _invalidCalls = [];
    private readonly BudgetBook _budgets = new();

    /// <summary>
    /// The budget state the calls so far left (SPEC §10): a pre-flight after a history (<c>validate-call --history</c>)
    /// judges the next call against it without recording.
    /// </summary>
    public BudgetBook Budgets => _budgets;
    private readonly SessionBinding _sessions = new(RecentlyEndedCapacity);

    private readonly Dictionary<string, OpenSession> _open = new(StringComparer.Ordinal);
    private CallGuesses? _guesses; // ProcessLog's, told what each call bound to
    private readonly RecordBatch.Pool _batches = new(); // ProcessLog's, on the calling thread
    private readonly LongSet _seenSessions = new(); // by 64-bit hash of the id
    private readonly Dictionary<string, AgentStats> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _unknownPacts = new(StringComparer.Ordinal);
    private readonly List<MalformedLine> _malformed = [];

    private long _events;
    private long _malformedCount;
    private long _unknown;
    private long _evaluated;
    private long _valid;
    private long _unevaluated;
    private long _unknownPact;
    private readonly long[] _bySeverity = new long[4];

    /// <summary>Handles one record; returns the evaluated call when it was a tool call bound to a loaded pact.</summary>
    public EvaluatedCall? Process(LogRecord record) => Handle(record, wantCall: true);

    /// <summary>Handles one record; <paramref name="wantCall"/> false skips making the evaluated call (nobody asked for it).</summary>
    private EvaluatedCall? Handle(LogRecord record, bool wantCall)
    {
        ArgumentNullException.ThrowIfNull(record);
        switch (record.Kind)
        {
            case LogRecordKind.Malformed:
                _malformedCount++;
                if (_malformed.Count < MaxListedMalformed)
                {
                    _malformed.Add(new MalformedLine(record.File, record.Line, record.Reason ?? "malformed"));
                }

                return null;
            case LogRecordKind.Unknown:
                _unknown++;
                return null;
        }

        var fields = EventFields.Of(record.Event!);
        return Handle(record.File, record.Line, in fields, wantCall);
    }

    /// <summary>Handles one well-formed event, read from <paramref name="file"/> at <paramref name="line"/>.</summary>
    private EvaluatedCall? Handle(string file, long line, in EventFields ev, bool wantCall)
    {
        _events++;
        var agent = Agent(ev.AgentId);
        switch (ev.Type)
        {
            case EventType.SessionStart:
                _open[ev.SessionId] = new OpenSession(ev.Timestamp, ev.AgentId);
                _sessions.Start(ev.SessionId, ev.PactId);
                if (_seenSessions.Add((long)Hash(ev.SessionId)))
                {
                    agent.Sessions++;
                }

                return null;
            case EventType.SessionEnd:
                if (_open.Remove(ev.SessionId, out var open))
                {
                    _sessions.End(ev.SessionId);
                    var owner = Agent(open.AgentId);
                    var ms = (long)Math.Floor((ev.Timestamp - open.StartedAt).TotalMilliseconds);
                    owner.Durations.Add(ms);
                    if (ev.Outcome == "success")
                    {
                        owner.EndedSuccess++;
                    }
                }

                return null;
            case EventType.ToolCall:
                return ToolCall(file, line, in ev, agent, wantCall);
            default:
                return null;
        }
    }

    /// <summary>What became of the last tool call handled (for <see cref="PactDiff"/>): evaluated, unevaluated or unknown pact.</summary>
    internal CallStatus LastCallStatus { get; private set; }

    /// <summary>The pact id the last tool call bound to (null when it was unevaluated).</summary>
    internal string? LastCallPactId { get; private set; }

    /// <summary>The verdict of the last tool call handled, when it was evaluated (budgets included).</summary>
    internal Verdict? LastVerdict { get; private set; }

    private EvaluatedCall? ToolCall(string file, long line, in EventFields ev, AgentStats agent, bool wantCall)
    {
        (LastCallStatus, LastCallPactId, LastVerdict) = (CallStatus.Unevaluated, null, null);
        agent.ToolCalls++;
        if (ev.Outcome == "error")
        {
            agent.ToolErrors++;
        }

        // SPEC §6: its own pactId, else its session's latest session_start. A call logged after its
        // session ended still binds, as long as the session is among the recently ended ones.
        var pactId = _sessions.PactOf(ev.PactId, ev.SessionId);
        if (pactId is null)
        {
            _unevaluated++;
            return null;
        }

        if (!ReferenceEquals(pactId, _lastPact.Id))
        {
            _lastPact = (pactId, pacts.Find(pactId)); // the set never changes, so this holds for good
        }

        var pact = _lastPact.Pact;
        LastCallPactId = pactId;
        if (pact is null)
        {
            LastCallStatus = CallStatus.UnknownPact;
            _unknownPact++;
            CollectionsMarshal.GetValueRefOrAddDefault(_unknownPacts, pactId, out _)++;
            return null;
        }

        // Replay's fast path hands over a verdict reached while the line was read, if the scanner guessed this
        // very pact, else the params' raw bytes, which the scanner checked are a JSON object (see EventScanner).
        var scannedHere = ev.ScannedVerdict is not null && ReferenceEquals(ev.ScannedPact, pact);
        var verdict = scannedHere ? ev.ScannedVerdict!
            : ev.ParamsUtf8.IsEmpty ? pact.Validate(ev.Tool!, ev.Params)
            : pact.Validate(ev.Tool!, ev.ParamsUtf8);
        if (pact.CompiledBudgets.Length > 0)
        {
            // SPEC §10: budgets see the calls in input order, after the stateless verdict. The scanning thread read
            // the charges beside the verdict when it could (same code, same bytes); only the windows are judged here.
            var call = new BudgetCall(ev.Tool!, ev.AgentId, ev.SessionId, ev.Timestamp, BudgetCall.OutcomeRecords(ev.Outcome));
            verdict = scannedHere && ev.Charges.Count == pact.CompiledBudgets.Length ? _budgets.Apply(pact, verdict, call, ev.Charges)
                : ev.ParamsUtf8.IsEmpty ? _budgets.Apply(pact, verdict, call, ev.Params)
                : _budgets.Apply(pact, verdict, call, ev.ParamsUtf8);
        }

        (LastCallStatus, LastVerdict) = (CallStatus.Evaluated, verdict);
        _guesses?.Expect(ev.Tool!, pact);
        _evaluated++;
        agent.Evaluated++;
        var stats = PactStatsFor(agent, pactId);
        stats.Budgets ??= pact.BudgetNames;
        stats.Evaluated++;
        if (verdict.Valid)
        {
            _valid++;
            stats.Valid++;
        }
        else
        {
            agent.Invalid++;
            if (_invalidCalls.Count < MaxListedInvalid)
            {
                _invalidCalls.Add(new InvalidCall(file, line, ev.SessionId, ev.AgentId, pactId, ev.Tool!, verdict.Violations));
            }

            var severity = (int)verdict.HighestSeverity!.Value;
            _bySeverity[severity]++;
            stats.BySeverity[severity]++;
            foreach (var v in verdict.Violations)
            {
                if (v.Budget is not null)
                {
                    stats.Breaches ??= new long[stats.Budgets.Count];
                    stats.Breaches[IndexOf(stats.Budgets, v.Budget)]++;
                    continue; // topParamPaths counts condition violations only (SPEC §10)
                }

                CollectionsMarshal.GetValueRefOrAddDefault(stats.Paths, v.PactParamPath, out _)++;
            }
        }

        return wantCall ? new EvaluatedCall(file, line, ev.SessionId, ev.AgentId, pactId, ev.Tool!, verdict) : null;
    }

    /// <summary>
    /// Handles every record of a log exactly as <see cref="Process"/> would one by one, faster: well-formed
    /// events are scanned in one <see cref="Json.StrictJsonReader"/> pass and their params validated
    /// from the raw bytes, with no <see cref="System.Text.Json.JsonDocument"/> (lines that are anything but a
    /// well-formed event take the general path, which also words their reason). Lines are read in batches of
    /// at most 1,024 (or 256 KiB), at most <see cref="MaxBatchesInFlight"/> batches ahead of the binding, so
    /// memory stays flat however long the log is.
    /// </summary>
    /// <remarks>
    /// Batches are scanned on up to <see cref="MaxScanThreads"/> other threads (one per core beyond the caller's)
    /// while this thread reads the next ones and binds the scanned ones in log order (<see cref="ScanAhead"/>).
    /// Binding, tallies and <paramref name="onCall"/> stay on this thread and in log order, so the report and the
    /// verdict stream do not depend on timing; a verdict a scanning thread reached against the pact it expected
    /// (<see cref="CallGuesses"/>) is kept only if the call binds to that very pact. Measured on the 2-core
    /// benchmark machine: a 1M-event treasury replay 1.34 → 1.0–1.1 s, then 0.88 s with the events as values in
    /// pooled batches (benchmarks/README.md). An earlier pipeline (11-23) that parsed into JSON documents on the
    /// thread pool came out slower than one thread: each document cost more than the whole scan does now. A read
    /// error is thrown after the batches read before it are bound.
    /// </remarks>
    /// <param name="stream">The log (see <see cref="EventLogReader.Read"/>).</param>
    /// <param name="file">The log's name, for records and the report.</param>
    /// <param name="onCall">Called, in log order, for every evaluated call.</param>
    /// <param name="onBatch">Called after each batch with the number of records it held (for progress).</param>
    public void ProcessLog(Stream stream, string file, Action<EvaluatedCall>? onCall = null, Action<int>? onBatch = null) =>
        ProcessLog(stream, file, onCall, onBatch, Math.Clamp(Environment.ProcessorCount - 1, 0, MaxScanThreads));

    /// <summary><see cref="ProcessLog(Stream, string, Action{EvaluatedCall}?, Action{int}?)"/> with <paramref name="scanThreads"/> threads scanning ahead.</summary>
    internal void ProcessLog(Stream stream, string file, Action<EvaluatedCall>? onCall, Action<int>? onBatch, int scanThreads) =>
        Pipeline(stream, file, batch => ProcessBatch(batch, onCall), onBatch, scanThreads);

    /// <summary>
    /// The pipeline of <see cref="ProcessLog(Stream, string, Action{EvaluatedCall}?, Action{int}?)"/>: batches read
    /// and scanned ahead (guessing this analyzer's pacts), each handed to <paramref name="bind"/> on this thread in
    /// log order. <see cref="PactDiff"/> binds each entry in two analyzers (<see cref="Bind"/>).
    /// </summary>
    internal void Pipeline(Stream stream, string file, Action<RecordBatch> bind, Action<int>? onBatch, int scanThreads)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var guesses = _guesses = new CallGuesses();
        var scanner = new EventScanner(guesses);
        var pending = new Queue<ScanAhead.Job>();
        var ahead = new ScanAhead(guesses, scanThreads);
        try
        {
            using var batches = EventLogReader.ReadBatches(stream, file, _batches).GetEnumerator();
            ExceptionDispatchInfo? readFailure = null;
            while (true)
            {
                try
                {
                    if (!batches.MoveNext())
                    {
                        break;
                    }
                }
                catch (Exception ex)
                {
                    readFailure = ExceptionDispatchInfo.Capture(ex); // thrown once what was read before it is bound
                    break;
                }

                pending.Enqueue(ahead.Submit(batches.Current));
                while (pending.Count > 0 && (pending.Peek().Done || pending.Count > MaxBatchesInFlight))
                {
                    BindNext(); // what is scanned already; past the bound, wait (scanning meanwhile)
                }
            }

            while (pending.Count > 0)
            {
                BindNext();
            }

            readFailure?.Throw();
        }
        finally
        {
            ahead.Dispose(); // no worker touches a batch after this
            foreach (var job in pending)
            {
                job.Batch.Dispose();
            }
        }

        void BindNext()
        {
            var job = pending.Peek();
            ahead.Complete(job, scanner);
            pending.Dequeue();
            using (job.Batch)
            {
                bind(job.Batch);
                onBatch?.Invoke(job.Batch.Count);
            }
        }
    }

    /// <summary>At most this many threads scan ahead of the binding thread.</summary>
    private const int MaxScanThreads = 3;

    /// <summary>At most this many batches are read and not yet bound (each at most ~320 KiB of lines).</summary>
    private const int MaxBatchesInFlight = 8;

    /// <summary>
    /// One scanned batch, record by record, in log order. A method of its own, called once a batch, so the
    /// runtime re-compiles it at full optimisation early (a loop that never returns would keep running the
    /// precompiled ReadyToRun code, which cannot inline across assemblies).
    /// </summary>
    private void ProcessBatch(RecordBatch batch, Action<EvaluatedCall>? onCall)
    {
        var wantCall = onCall is not null;
        for (var i = 0; i < batch.Count; i++)
        {
            ref readonly var entry = ref batch.EntryAt(i);
            var call = entry.Record is { } record ? Handle(record, wantCall) : Handle(batch.File, entry.Line, in batch.ScannedAt(i), wantCall);
            if (call is not null)
            {
                onCall!(call);
            }
        }
    }

    /// <summary>
    /// Handles entry <paramref name="index"/> of a batch another analyzer's <see cref="Pipeline"/> scanned (so a
    /// verdict scanned against that analyzer's pact is not this one's: this one judges the raw params itself). What
    /// became of a tool call is in <see cref="LastCallStatus"/>, <see cref="LastCallPactId"/> and <see cref="LastVerdict"/>.
    /// </summary>
    internal void Bind(RecordBatch batch, int index)
    {
        ref readonly var entry = ref batch.EntryAt(index);
        _ = entry.Record is { } record ? Handle(record, wantCall: false) : Handle(batch.File, entry.Line, in batch.ScannedAt(index), wantCall: false);
    }

    /// <summary>The report so far.</summary>
    /// <remarks>
    /// Built with loops and list sorts rather than LINQ: ordering key-value pairs with LINQ instantiates generic
    /// code over value types that no ReadyToRun image holds (~60 methods JIT-compiled at the end of every replay).
    /// Every key sorted on is unique, so the orders are those the spec's report shows: ordinal by agent, then pact.
    /// </remarks>
    public ReplayReport Report()
    {
        long sessions = 0;
        var agents = new List<AgentReport>(_agents.Count);
        foreach (var (id, a) in _agents)
        {
            sessions += a.Sessions;
            agents.Add(new AgentReport(
                id, a.Sessions, Rate(a.EndedSuccess, a.Sessions), a.Durations.Percentiles(),
                a.ToolCalls, Rate(a.ToolErrors, a.ToolCalls), Rate(a.Invalid, a.Evaluated)));
        }

        agents.Sort(static (x, y) => string.CompareOrdinal(x.AgentId, y.AgentId));
        var pacts = new List<PactReport>();
        foreach (var (agentId, a) in _agents)
        {
            foreach (var (pactId, p) in a.Pacts)
            {
                pacts.Add(PactReportOf(agentId, pactId, p));
            }
        }

        pacts.Sort(static (x, y) => string.CompareOrdinal(x.AgentId, y.AgentId) is var c && c != 0 ? c : string.CompareOrdinal(x.PactId, y.PactId));
        var unknown = new List<UnknownPactCount>(_unknownPacts.Count);
        foreach (var (pact, calls) in _unknownPacts)
        {
            unknown.Add(new UnknownPactCount(pact, calls));
        }

        unknown.Sort(static (x, y) => string.CompareOrdinal(x.PactId, y.PactId));
        return new ReplayReport
        {
            Events = _events,
            Malformed = _malformedCount,
            Unknown = _unknown,
            Sessions = sessions,
            ToolCalls = new ToolCallCounts(_evaluated + _unevaluated + _unknownPact, _evaluated, _valid, _evaluated - _valid, _unevaluated, _unknownPact),
            ComplianceRate = Rate(_valid, _evaluated),
            InvalidBySeverity = new SeverityCounts(_bySeverity[3], _bySeverity[2], _bySeverity[1]),
            Pacts = pacts,
            Agents = agents,
            UnknownPacts = unknown,
            InvalidCalls = [.. _invalidCalls],
            MalformedLines = [.. _malformed],
            MalformedLinesTruncated = _malformedCount > _malformed.Count,
        };
    }

    private static PactReport PactReportOf(string agentId, string pactId, PactStats p)
    {
        var paths = new List<PathCount>(p.Paths.Count);
        foreach (var (path, count) in p.Paths)
        {
            paths.Add(new PathCount(path, count));
        }

        // The five most violated pact paths, most first; ties by path.
        paths.Sort(static (x, y) => x.Count != y.Count ? y.Count.CompareTo(x.Count) : string.CompareOrdinal(x.ParamPath, y.ParamPath));
        if (paths.Count > 5)
        {
            paths.RemoveRange(5, paths.Count - 5);
        }

        return new PactReport(
            agentId, pactId, p.Evaluated, p.Valid, Rate(p.Valid, p.Evaluated),
            new SeverityCounts(p.BySeverity[3], p.BySeverity[2], p.BySeverity[1]),
            new SeverityRates(Rate(p.BySeverity[3], p.Evaluated), Rate(p.BySeverity[2], p.Evaluated), Rate(p.BySeverity[1], p.Evaluated)),
            paths)
        {
            Budgets = BudgetCounts(p),
        };
    }

    private static List<BudgetCount> BudgetCounts(PactStats p)
    {
        var budgets = new List<BudgetCount>(p.Budgets?.Count ?? 0);
        for (var i = 0; i < (p.Budgets?.Count ?? 0); i++)
        {
            budgets.Add(new BudgetCount(p.Budgets![i], p.Breaches?[i] ?? 0));
        }

        return budgets;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"budget `{name}` is not the pact's");
    }

    private static double? Rate(long part, long whole) => whole == 0 ? null : (double)part / whole;

    /// <summary>FNV-1a over the UTF-16 code units: 64 bits make a collision among a billion sessions unlikely.</summary>
    private static ulong Hash(string s)
    {
        var h = 14695981039346656037UL;
        foreach (var c in s)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return h;
    }

    // Runs of events share agent and pact strings (the replay scanner reuses the previous event's string
    // while the bytes repeat), so the last lookups are remembered by reference before any hashing.
    private string? _lastAgentId;
    private AgentStats? _lastAgent;
    private (AgentStats? Agent, string? Pact, PactStats? Stats) _lastPactStats;

    private (string? Id, Pact? Pact) _lastPact;

    private AgentStats Agent(string id)
    {
        if (ReferenceEquals(id, _lastAgentId))
        {
            return _lastAgent!;
        }

        ref var a = ref CollectionsMarshal.GetValueRefOrAddDefault(_agents, id, out _);
        a ??= new AgentStats();
        (_lastAgentId, _lastAgent) = (id, a);
        return a;
    }

    private PactStats PactStatsFor(AgentStats agent, string pact)
    {
        if (ReferenceEquals(agent, _lastPactStats.Agent) && ReferenceEquals(pact, _lastPactStats.Pact))
        {
            return _lastPactStats.Stats!;
        }

        ref var p = ref CollectionsMarshal.GetValueRefOrAddDefault(agent.Pacts, pact, out _);
        p ??= new PactStats();
        _lastPactStats = (agent, pact, p);
        return p;
    }

    private sealed record OpenSession(DateTimeOffset StartedAt, string AgentId);

    private sealed class AgentStats
    {
        public long Sessions;
        public long EndedSuccess;
        public long ToolCalls;
        public long ToolErrors;
        public long Evaluated;
        public long Invalid;
        public readonly DurationHistogram Durations = new();
        public readonly Dictionary<string, PactStats> Pacts = new(StringComparer.Ordinal); // by pact id: this agent's calls
    }

    private sealed class PactStats
    {
        public long Evaluated;
        public long Valid;
        public readonly long[] BySeverity = new long[4];
        public readonly Dictionary<string, long> Paths = new(StringComparer.Ordinal);
        public IReadOnlyList<string>? Budgets; // the pact's budget names, in pact order
        public long[]? Breaches; // per budget, once one is breached
    }
}

/// <summary>
/// Exact nearest-rank percentiles over whole milliseconds, stored as value → count: memory grows with the
/// number of distinct durations, not with the number of sessions.
/// </summary>
internal sealed class DurationHistogram
{
    private readonly LongCounts _counts = new();
    private long _total;

    public void Add(long ms)
    {
        _counts.Increment(ms);
        _total++;
    }

    public Percentiles? Percentiles()
    {
        if (_total == 0)
        {
            return null;
        }

        var (values, counts) = _counts.Sorted();
        return new Percentiles(At(50), At(95), At(99));

        long At(int p)
        {
            var rank = Math.Max(1, (long)Math.Ceiling(p / 100.0 * _total));
            long seen = 0;
            for (var i = 0; i < values.Length; i++)
            {
                seen += counts[i];
                if (seen >= rank)
                {
                    return values[i];
                }
            }

            return values[^1];
        }
    }
}

/// <summary>Where a tool call ended up in a replay (SPEC §11 compares them).</summary>
internal enum CallStatus
{
    /// <summary>No pact id of its own nor of its session.</summary>
    Unevaluated,

    /// <summary>Its pact id names no loaded pact.</summary>
    UnknownPact,

    /// <summary>Judged against a loaded pact.</summary>
    Evaluated,
}
