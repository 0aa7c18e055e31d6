using System.Text.Json;
using Pacts.Json;
using Pacts.Paths;
using Pacts.Rules;

namespace Pacts.Evaluating;

/// <summary>
/// One <c>when</c> guard of a condition (SPEC §4), compiled: a path without <c>[*]</c> and the rules its value must
/// pass. A guard holds when its path reaches a present, non-null value that passes every rule; a guard with no
/// rule holds when the value is present. Guards produce no violations.
/// </summary>
/// <remarks>
/// A duplicated key is several locations (as for conditions, SPEC §3): the guard holds when <em>any</em> of them
/// holds. A guard only ever switches a condition on, so this reading is the stricter one: a call cannot hide a
/// value that would make a condition apply behind a second copy of its key.
/// </remarks>
internal sealed class CompiledGuard
{
    private readonly PathSegment[] _segments;
    private readonly CompiledRule[] _rules;

    public CompiledGuard(ParamPath path, CompiledRule[] rules)
    {
        Path = path;
        _segments = [.. path.Segments];
        _rules = rules;
    }

    public ParamPath Path { get; }

    /// <summary>The guard's rules in catalogue order.</summary>
    public IReadOnlyList<CompiledRule> Rules => _rules;

    /// <summary>Whether the guard holds for <paramref name="parameters"/> (the call's params object).</summary>
    public bool Holds<TNav, TNode, TObj, TArr>(in TNode parameters, Span<char> scratch)
        where TNav : struct, IJsonNav<TNode, TObj, TArr>
        where TNode : struct
        where TObj : struct
        where TArr : struct =>
        Walk<TNav, TNode, TObj, TArr>(in parameters, 0, scratch);

    private bool Walk<TNav, TNode, TObj, TArr>(in TNode current, int seg, Span<char> scratch)
        where TNav : struct, IJsonNav<TNode, TObj, TArr>
        where TNode : struct
        where TObj : struct
        where TArr : struct
    {
        if (seg == _segments.Length)
        {
            var raw = TNav.Leaf(current, out var kind);
            return kind != JsonValueKind.Null && Passes(kind, raw, kind == JsonValueKind.Array ? TNav.ArrayLength(current) : 0, scratch);
        }

        var s = _segments[seg];
        var nodeKind = TNav.Kind(current);
        if (s.Kind == SegmentKind.Index)
        {
            return nodeKind == JsonValueKind.Array && s.Index < TNav.ArrayLength(current)
                && Walk<TNav, TNode, TObj, TArr>(TNav.Item(current, s.Index), seg + 1, scratch);
        }

        if (nodeKind != JsonValueKind.Object)
        {
            return false;
        }

        var cursor = TNav.Properties(current);
        while (TNav.NextProperty(ref cursor))
        {
            var name = TNav.RawName(ref cursor);
            if (((s.PlainKey && name.SequenceEqual(s.Utf8Key))
                    || (NameMatch.MayBeEscaped(name, s.Utf8Key.Length) && TNav.NameEquals(ref cursor, s.Utf8Key)))
                && Walk<TNav, TNode, TObj, TArr>(TNav.Value(ref cursor), seg + 1, scratch))
            {
                return true;
            }
        }

        return false;
    }

    private bool Passes(JsonValueKind kind, ReadOnlySpan<byte> verbatim, int arrayLength, Span<char> scratch)
    {
        var value = new LocationValue(kind, verbatim, arrayLength, scratch);
        try
        {
            foreach (var rule in _rules)
            {
                if (rule.Fails(ref value))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            value.Dispose();
        }
    }
}
