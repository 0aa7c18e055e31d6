using System.Collections.Frozen;
using System.Text.Json;
using Pacts.Json;
using Pacts.Numbers;
using Pacts.Paths;

namespace Pacts.Evaluating;

/// <summary>Whose calls a budget adds up (SPEC §10 <c>per</c>).</summary>
public enum BudgetScope
{
    /// <summary>Each agent's calls (<c>per: agent</c>, the default).</summary>
    Agent,

    /// <summary>Each session's calls.</summary>
    Session,

    /// <summary>Every call evaluated against the pact, together.</summary>
    Pact,
}

/// <summary>
/// One budget of a pact (SPEC §10), compiled: which calls it sees, what each is charged, its cap and window. Immutable
/// and thread-safe; the running totals live in a <c>Budgets.BudgetBook</c>.
/// </summary>
internal sealed class CompiledBudget
{
    private readonly FrozenSet<string>? _tools;
    private readonly PathSegment[]? _sum;

    public CompiledBudget(string name, IReadOnlyList<string>? tools, ParamPath? sum, DecimalSum max, long windowMicros, BudgetScope per, Severity severity, string? message)
    {
        Name = name;
        _tools = tools?.ToFrozenSet(StringComparer.Ordinal);
        Tools = tools;
        Sum = sum;
        _sum = sum is null ? null : [.. sum.Segments];
        Max = max;
        WindowMicros = windowMicros;
        Per = per;
        Severity = severity;
        Message = message ?? (sum is null
            ? $"budget `{name}`: more than {max} calls in {Window(windowMicros)}"
            : $"budget `{name}`: `{sum.Text}` adds up to more than {max} in {Window(windowMicros)}");
    }

    public string Name { get; }

    /// <summary>The tools it sees, as written; null for every tool evaluated against the pact.</summary>
    public IReadOnlyList<string>? Tools { get; }

    /// <summary>The path whose amounts are charged; null when every call is charged 1.</summary>
    public ParamPath? Sum { get; }

    public DecimalSum Max { get; }

    public long WindowMicros { get; }

    public BudgetScope Per { get; }

    public Severity Severity { get; }

    public string Message { get; }

    /// <summary>Whether a call to <paramref name="tool"/> is one this budget sees.</summary>
    public bool Sees(string tool) => _tools is null || _tools.Contains(tool);

    /// <summary>
    /// The call's charge: 1 without <c>sum</c>; with it, the amounts at every location of the path added up (a location
    /// that is not an amount, or is negative, adds 0).
    /// </summary>
    public DecimalSum Charge<TNav, TNode, TObj, TArr>(in TNode parameters)
        where TNav : struct, IJsonNav<TNode, TObj, TArr>
        where TNode : struct
        where TObj : struct
        where TArr : struct
    {
        if (_sum is null)
        {
            return DecimalSum.One;
        }

        var total = DecimalSum.Zero;
        Walk<TNav, TNode, TObj, TArr>(in parameters, 0, ref total);
        return total;
    }

    /// <summary>
    /// As <see cref="Charge{TNav, TNode, TObj, TArr}"/>, for raw params (a JSON object): one pass of the engine's strict
    /// tokenizer that descends only into what the path names and skips the rest, so no document is built. Input the
    /// tokenizer leaves to the general reader is indexed and walked as the document path does.
    /// </summary>
    public DecimalSum ChargeUtf8(ReadOnlyMemory<byte> utf8)
    {
        if (_sum is null)
        {
            return DecimalSum.One;
        }

        try
        {
            var reader = new StrictJsonReader(utf8.Span);
            var total = DecimalSum.Zero;
            if (reader.Read())
            {
                Walk(ref reader, 0, ref total);
            }

            while (reader.Read())
            {
                // the rest must be whitespace, or the general reader gives the error the document path gives
            }

            return total;
        }
        catch (StrictJsonReader.RefusedException)
        {
            return Charge<DomNav, DomNode, DomObjectCursor, DomArrayCursor>(ParamsDom.Rent().Load(utf8));
        }
    }

    /// <summary>
    /// As <see cref="ChargeUtf8"/>, for bytes already read as valid JSON by the strict tokenizer (replay's scanning
    /// thread, which judged them in the same pass): no token is checked again, values the path does not name are
    /// skipped by a vector search for quotes and brackets. Never call it on bytes that were not validated.
    /// </summary>
    public DecimalSum ChargeValidated(ReadOnlySpan<byte> json)
    {
        if (_sum is null)
        {
            return DecimalSum.One;
        }

        var pos = 0;
        var total = DecimalSum.Zero;
        WalkValidated(json, ref pos, 0, ref total);
        return total;
    }

    private void WalkValidated(ReadOnlySpan<byte> json, ref int pos, int seg, ref DecimalSum total)
    {
        pos = ValidatedJson.SkipWhitespace(json, pos);
        var segments = _sum!;
        var first = json[pos];
        if (seg == segments.Length)
        {
            if (first == (byte)'"')
            {
                var end = ValidatedJson.StringEnd(json, pos, out var escaped);
                var content = json[(pos + 1)..end];
                total += Amount(JsonValueKind.String, content, escaped);

                pos = end + 1;
            }
            else if (first == (byte)'-' || (uint)(first - '0') <= 9)
            {
                var end = ValidatedJson.ScalarEnd(json, pos);
                total += Amount(JsonValueKind.Number, json[pos..end], escaped: false);

                pos = end;
            }
            else
            {
                pos = ValidatedJson.SkipValue(json, pos);
            }

            return;
        }

        var segment = segments[seg];
        if (first == (byte)'{' && segment.Kind == SegmentKind.Key)
        {
            pos++;
            while (true)
            {
                pos = ValidatedJson.SkipWhitespace(json, pos);
                if (json[pos] == (byte)'}')
                {
                    pos++;
                    return;
                }

                if (json[pos] == (byte)',')
                {
                    pos = ValidatedJson.SkipWhitespace(json, pos + 1);
                }

                var nameEnd = ValidatedJson.StringEnd(json, pos, out var escaped);
                var name = json[(pos + 1)..nameEnd];
                var match = escaped ? NameMatch.Matches(name, segment.Utf8Key) : name.SequenceEqual(segment.Utf8Key);
                pos = ValidatedJson.SkipWhitespace(json, nameEnd + 1) + 1; // past the ':'
                if (match)
                {
                    WalkValidated(json, ref pos, seg + 1, ref total);
                }
                else
                {
                    pos = ValidatedJson.SkipValue(json, pos);
                }
            }
        }

        if (first == (byte)'[' && segment.Kind is SegmentKind.Index or SegmentKind.Wildcard)
        {
            pos++;
            var i = 0;
            while (true)
            {
                pos = ValidatedJson.SkipWhitespace(json, pos);
                if (json[pos] == (byte)']')
                {
                    pos++;
                    return;
                }

                if (json[pos] == (byte)',')
                {
                    pos++;
                }

                if (segment.Kind == SegmentKind.Wildcard || i == segment.Index)
                {
                    WalkValidated(json, ref pos, seg + 1, ref total);
                }
                else
                {
                    pos = ValidatedJson.SkipValue(json, pos);
                }

                i++;
            }
        }

        pos = ValidatedJson.SkipValue(json, pos);
    }

    /// <summary>The reader is on a value's first token; leaves it on the value's last.</summary>
    private void Walk(ref StrictJsonReader reader, int seg, ref DecimalSum total)
    {
        var segments = _sum!;
        if (seg == segments.Length)
        {
            var kind = reader.TokenType switch
            {
                JsonTokenType.Number => JsonValueKind.Number,
                JsonTokenType.String => JsonValueKind.String,
                _ => JsonValueKind.Undefined,
            };
            total += Amount(kind, reader.ValueSpan, reader.ValueIsEscaped);

            reader.Skip();
            return;
        }

        var segment = segments[seg];
        if (segment.Kind == SegmentKind.Key && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var match = reader.ValueIsEscaped ? NameMatch.Matches(reader.ValueSpan, segment.Utf8Key) : reader.ValueSpan.SequenceEqual(segment.Utf8Key);
                reader.Read();
                if (match)
                {
                    Walk(ref reader, seg + 1, ref total);
                }
                else
                {
                    reader.Skip();
                }
            }

            return;
        }

        if (segment.Kind is SegmentKind.Index or SegmentKind.Wildcard && reader.TokenType == JsonTokenType.StartArray)
        {
            var i = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (segment.Kind == SegmentKind.Wildcard || i == segment.Index)
                {
                    Walk(ref reader, seg + 1, ref total);
                }
                else
                {
                    reader.Skip();
                }

                i++;
            }

            return;
        }

        reader.Skip();
    }

    /// <summary>
    /// What one location adds to a sum (SPEC §10): a number's value, or a decimal string's (<paramref name="text"/> is
    /// its content, escapes decoded first when <paramref name="escaped"/>: <c>"\u0032\u0035"</c> is 25); 0 for anything
    /// else and for a negative amount. Every way of reading params (document, tokenizer, validated bytes, the judging
    /// pass's taps) charges through it.
    /// </summary>
    internal static DecimalSum Amount(JsonValueKind kind, ReadOnlySpan<byte> text, bool escaped)
    {
        if (kind == JsonValueKind.String)
        {
            var content = escaped ? System.Text.Encoding.UTF8.GetBytes(JsonStrings.DecodeToString(text)) : text;
            return DecimalSum.TryParseAmount(content, isString: true, out var s) ? s : DecimalSum.Zero;
        }

        return kind == JsonValueKind.Number && DecimalSum.TryParseAmount(text, isString: false, out var n) ? n : DecimalSum.Zero;
    }

    private void Walk<TNav, TNode, TObj, TArr>(in TNode current, int seg, ref DecimalSum total)
        where TNav : struct, IJsonNav<TNode, TObj, TArr>
        where TNode : struct
        where TObj : struct
        where TArr : struct
    {
        var segments = _sum!;
        if (seg == segments.Length)
        {
            var raw = TNav.Leaf(current, out var kind);
            total += kind == JsonValueKind.String ? Amount(kind, raw[1..^1], raw.IndexOf((byte)'\\') >= 0) : Amount(kind, raw, escaped: false);

            return;
        }

        var segment = segments[seg];
        var nodeKind = TNav.Kind(current);
        switch (segment.Kind)
        {
            case SegmentKind.Key when nodeKind == JsonValueKind.Object:
                {
                    var cursor = TNav.Properties(current);
                    while (TNav.NextProperty(ref cursor))
                    {
                        var name = TNav.RawName(ref cursor);
                        if ((segment.PlainKey && name.SequenceEqual(segment.Utf8Key))
                            || (NameMatch.MayBeEscaped(name, segment.Utf8Key.Length) && TNav.NameEquals(ref cursor, segment.Utf8Key)))
                        {
                            Walk<TNav, TNode, TObj, TArr>(TNav.Value(ref cursor), seg + 1, ref total);
                        }
                    }

                    return;
                }

            case SegmentKind.Index when nodeKind == JsonValueKind.Array && segment.Index < TNav.ArrayLength(current):
                Walk<TNav, TNode, TObj, TArr>(TNav.Item(current, segment.Index), seg + 1, ref total);
                return;

            case SegmentKind.Wildcard when nodeKind == JsonValueKind.Array:
                {
                    var items = TNav.Items(current);
                    while (TNav.NextItem(ref items, out var item))
                    {
                        Walk<TNav, TNode, TObj, TArr>(item, seg + 1, ref total);
                    }

                    return;
                }

            default:
                return;
        }
    }

    private static string Window(long micros)
    {
        var seconds = micros / 1_000_000;
        return seconds % 86400 == 0 ? $"{seconds / 86400}d" : seconds % 3600 == 0 ? $"{seconds / 3600}h" : seconds % 60 == 0 ? $"{seconds / 60}m" : $"{seconds}s";
    }
}
