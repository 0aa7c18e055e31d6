using System.Text;
using System.Text.Json;
using Pacts.Evaluating;
using Pacts.Json;

namespace Pacts.Events;

/// <summary>
/// Replay's fast path for one JSONL line: a single <see cref="StrictJsonReader"/> pass that lifts out the
/// fields of a well-formed event and judges a call's <c>params</c> against the pact its tool is expected to bind
/// to (<see cref="CallGuesses"/>), or at least checks them, so no <see cref="JsonDocument"/> is built. Safe to
/// run on several threads at once, one scanner each, over one shared <see cref="CallGuesses"/>.
/// It only ever says yes to an event that <see cref="EventParser"/> would accept with the same fields;
/// anything unusual (invalid JSON or anything else the strict reader refuses, a field value that is escaped or not UTF-8, an escaped name, a missing or mistyped field, an unknown type or
/// outcome, a timestamp outside the common shape, params nested deeper than the raw validator reads) answers
/// false, and the caller parses the line the general way, which also words the exact reason. The result's
/// strings are exact copies; runs of events of one session reuse the previous event's strings.
/// </summary>
internal sealed class EventScanner
{
    /// <summary>Params nested deeper than this are left to the general path (the raw validators read 64 levels).</summary>
    private const int MaxParamsDepth = 60;

    /// <summary>
    /// The line nests at most this deep on the fast path: params (one level in) then nest at most
    /// <see cref="MaxParamsDepth"/> levels, whether they are judged in the pass or only checked. A deeper line
    /// (params, input or output) is refused here and takes the general path, which reads 128 levels.
    /// </summary>
    private const int MaxLineDepth = MaxParamsDepth + 1;

    private readonly Recent _session = new();
    private readonly Recent _agent = new();
    private readonly Recent _pact = new();
    private readonly Recent _tool = new();

    private readonly CallGuesses _guesses;

    /// <summary>A scanner judging calls with <paramref name="guesses"/>, which the binding thread keeps told.</summary>
    public EventScanner(CallGuesses guesses) => _guesses = guesses;

    /// <summary>
    /// Scans <paramref name="line"/> into <paramref name="ev"/> (a batch's slot: no object is made for the event);
    /// its <see cref="EventFields.ParamsUtf8"/> points into the line. False leaves <paramref name="ev"/> empty.
    /// </summary>
    public bool TryScan(ReadOnlyMemory<byte> line, out EventFields ev)
    {
        ev = default;
        var f = default(Spans);
        try
        {
            var reader = new StrictJsonReader(line.Span, MaxLineDepth);
            if (!Collect(ref reader, line, ref f))
            {
                return false;
            }
        }
        catch (StrictJsonReader.RefusedException)
        {
            return false;
        }

        var s = line.Span;
        EventType kind;
        Range time;
        string[]? outcomes;
        var type = s[f.Type];
        if (type.SequenceEqual("tool_call"u8))
        {
            (kind, time, outcomes) = (EventType.ToolCall, f.AttemptedAt, EventParser.ToolOutcomes);
        }
        else if (type.SequenceEqual("session_start"u8))
        {
            (kind, time, outcomes) = (EventType.SessionStart, f.StartedAt, null);
        }
        else if (type.SequenceEqual("response"u8))
        {
            (kind, time, outcomes) = (EventType.Response, f.EmittedAt, EventParser.ResponseOutcomes);
        }
        else if (type.SequenceEqual("session_end"u8))
        {
            (kind, time, outcomes) = (EventType.SessionEnd, f.EndedAt, EventParser.SessionOutcomes);
        }
        else
        {
            return false;
        }

        if (Spans.Missing(f.SessionId) || Spans.Missing(f.AgentId) || Spans.Missing(time) || !Iso8601.TryParse(s[time], out var timestamp))
        {
            return false;
        }

        string? outcome = null;
        if (outcomes is not null)
        {
            if (Spans.Missing(f.Outcome) || (outcome = Among(s[f.Outcome], outcomes)) is null)
            {
                return false;
            }
        }

        if (kind == EventType.ToolCall && (Spans.Missing(f.Tool) || Spans.Missing(f.Params)))
        {
            return false;
        }

        if (kind == EventType.Response && !(f.HasInput && f.HasOutput))
        {
            return false;
        }

        if (!f.Tool.Equals(f.JudgedTool))
        {
            // A second `tool` field after the params names the call's tool (the last field wins, as in the general
            // path); the params were judged for the first one's binding, so that verdict is not this call's.
            (f.Scanned, f.JudgedAgainst) = (null, null);
        }

        ev.Type = kind;
        ev.SessionId = _session.Get(s[f.SessionId]);
        ev.AgentId = _agent.Get(s[f.AgentId]);
        ev.Timestamp = timestamp;
        ev.Outcome = outcome;
        ev.PactId = (kind is EventType.SessionStart or EventType.ToolCall) && !Spans.Missing(f.PactId) ? _pact.Get(s[f.PactId]) : null;
        if (kind == EventType.ToolCall)
        {
            ev.Tool = _tool.Get(s[f.Tool]);
            ev.ParamsUtf8 = line[f.Params];
            ev.ScannedVerdict = f.Scanned;
            ev.ScannedPact = f.JudgedAgainst;
            ev.Charges = f.Scanned is null ? default : f.Charges;
        }

        return true;
    }

    /// <summary>One pass over the line; false as soon as it needs the general path.</summary>
    private bool Collect(ref StrictJsonReader reader, ReadOnlyMemory<byte> line, ref Spans f)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return false;
            }

            var field = EventParser.Identify(reader.ValueSpan);
            reader.Read();
            var ok = field switch
            {
                EventField.Type => String(ref reader, out f.Type),
                EventField.SessionId => String(ref reader, out f.SessionId),
                EventField.AgentId => String(ref reader, out f.AgentId),
                EventField.StartedAt => String(ref reader, out f.StartedAt),
                EventField.AttemptedAt => String(ref reader, out f.AttemptedAt),
                EventField.EmittedAt => String(ref reader, out f.EmittedAt),
                EventField.EndedAt => String(ref reader, out f.EndedAt),
                EventField.Outcome => String(ref reader, out f.Outcome),
                EventField.Tool => String(ref reader, out f.Tool),
                EventField.PactId => reader.TokenType == JsonTokenType.Null ? Absent(out f.PactId) : String(ref reader, out f.PactId),
                EventField.Params => reader.TokenType == JsonTokenType.StartObject && Params(ref reader, line, ref f),
                EventField.Input => Present(ref reader, out f.HasInput),
                EventField.Output => Present(ref reader, out f.HasOutput),
                _ => Skip(ref reader),
            };
            if (!ok)
            {
                return false;
            }
        }

        // The object must have ended, with nothing after it (the reader refuses trailing tokens).
        return reader.TokenType == JsonTokenType.EndObject && !reader.Read() && !Spans.Missing(f.Type);
    }

    private static bool Absent(out Range value)
    {
        value = default;
        return true;
    }

    private static bool Present(ref StrictJsonReader reader, out bool present)
    {
        present = reader.TokenType != JsonTokenType.Null;
        return Skip(ref reader);
    }

    private static bool Skip(ref StrictJsonReader reader)
    {
        reader.Skip();
        return true;
    }

    private static bool String(ref StrictJsonReader reader, out Range value)
    {
        value = default;
        // Escaped text, or bytes that are not UTF-8 (the general path words that: the line is malformed), go the general way.
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || !reader.ValueIsValidUtf8)
        {
            return false;
        }

        var start = (int)reader.TokenStartIndex + 1;
        value = new Range(start, start + reader.ValueSpan.Length);
        return true;
    }

    /// <summary>
    /// The params: judged in this very pass when the event is a call of a tool whose last calls bound to one
    /// pact (see <see cref="CallGuesses.Expect"/>), else only checked (they are valid JSON within the depth); the
    /// binding thread then validates their bytes against the pact the call binds to.
    /// </summary>
    private bool Params(ref StrictJsonReader reader, ReadOnlyMemory<byte> line, ref Spans f)
    {
        var start = (int)reader.TokenStartIndex;
        var s = line.Span;
        (f.Scanned, f.JudgedAgainst) = (null, null); // a second "params" wins, as it does in the general path
        if (!Spans.Missing(f.Type) && s[f.Type].SequenceEqual("tool_call"u8) && !Spans.Missing(f.Tool)
            && _guesses.Confirmed(s[f.Tool]) is { } guess)
        {
            f.Scanned = guess.Pact.TryValidateAt(guess.ToolName, ref reader, s);
            if (f.Scanned is not null)
            {
                f.JudgedAgainst = guess.Pact;
                f.JudgedTool = f.Tool;
                f.Params = new Range(start, (int)reader.BytesConsumed);
                f.Charges = Charges(guess, line[f.Params]);
                return true;
            }
        }

        reader.Skip(); // checked, not judged: the binding thread validates the bytes once it knows the pact
        f.Params = new Range(start, (int)reader.BytesConsumed);
        return true;
    }

    /// <summary>
    /// The guessed pact's budget charges (SPEC §10), read here on the scanning thread so the binding thread, which
    /// judges budgets in log order, does not read the params a second time; none for a pact with more budgets than
    /// an event's slot holds. A charge whose path the binding's plan visits was summed in the very pass that judged the
    /// params (<see cref="StreamNode.Taps"/>); any other is read from the bytes, which the strict reader has just
    /// accepted, without checking them again (<see cref="CompiledBudget.ChargeValidated"/>).
    /// </summary>
    private static ScannedCharges Charges(CallGuesses.Guess guess, ReadOnlyMemory<byte> parameters)
    {
        var budgets = guess.Pact.CompiledBudgets;
        if (budgets.Length is 0 or > ScannedCharges.Max)
        {
            return default;
        }

        var tapped = guess.Pact.TappedBudgets(guess.ToolName);
        var read = ViolationSink.Current.Charges; // what the pass that judged the params met at tapped paths
        var charges = new ScannedCharges { Count = budgets.Length };
        charges.First = Charge(budgets[0], 0);
        if (budgets.Length > 1)
        {
            charges.Second = Charge(budgets[1], 1);
        }

        return charges;

        Numbers.DecimalSum Charge(CompiledBudget budget, int index) =>
            !budget.Sees(guess.ToolName) ? default
            : (tapped & (1 << index)) != 0 ? read[index]
            : budget.ChargeValidated(parameters.Span);
    }

    private static string? Among(ReadOnlySpan<byte> value, string[] candidates)
    {
        foreach (var c in candidates)
        {
            if (Ascii.Equals(value, c))
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>Field value positions in the line; an absent field is the empty range at 0 (a present one never starts at 0).</summary>
    private struct Spans
    {
        public Range Type, SessionId, AgentId, StartedAt, AttemptedAt, EmittedAt, EndedAt, Outcome, PactId, Tool, Params;
        public bool HasInput, HasOutput;
        public Verdict? Scanned; // the params' verdict, when they were judged in the pass
        public Pact? JudgedAgainst; // the pact they were judged against
        public Range JudgedTool; // the `tool` field they were judged for
        public ScannedCharges Charges; // the judged pact's budget charges

        public static bool Missing(Range r) => r.End.Value == 0;
    }

    /// <summary>The last string made for a field, reused while the bytes repeat.</summary>
    private sealed class Recent
    {
        private byte[] _bytes = [];
        private string _value = "";

        public string Get(ReadOnlySpan<byte> utf8)
        {
            if (!utf8.SequenceEqual(_bytes))
            {
                _value = Encoding.UTF8.GetString(utf8);
                _bytes = utf8.ToArray();
            }

            return _value;
        }
    }
}
