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
            if (kind == JsonValueKind.Number && DecimalSum.TryParseAmount(raw, isString: false, out var n))
            {
                total += n;
            }
            else if (kind == JsonValueKind.String && DecimalSum.TryParseAmount(StringContent(raw), isString: true, out var s))
            {
                total += s;
            }

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

    /// <summary>A JSON string's content, escapes decoded (<c>"\u0032\u0035"</c> is the amount 25).</summary>
    private static ReadOnlySpan<byte> StringContent(ReadOnlySpan<byte> quoted)
    {
        var inner = quoted[1..^1];
        return inner.IndexOf((byte)'\\') < 0 ? inner : System.Text.Encoding.UTF8.GetBytes(JsonStrings.DecodeToString(inner));
    }

    private static string Window(long micros)
    {
        var seconds = micros / 1_000_000;
        return seconds % 86400 == 0 ? $"{seconds / 86400}d" : seconds % 3600 == 0 ? $"{seconds / 3600}h" : seconds % 60 == 0 ? $"{seconds / 60}m" : $"{seconds}s";
    }
}
