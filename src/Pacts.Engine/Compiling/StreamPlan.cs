using Pacts.Paths;

namespace Pacts.Compiling;

/// <summary>
/// One state of a binding's streaming plan: the conditions whose paths reach one location of the params,
/// merged into a trie so that raw UTF-8 params can be judged in a single forward <c>Utf8JsonReader</c> pass
/// (<see cref="Evaluating.StreamEvaluator"/>) instead of being indexed first and walked per condition.
/// </summary>
/// <remarks>
/// The trie is deterministic: a property name leads to at most one state (keys are grouped), and an array
/// element leads to at most one state, because an element that both <c>[*]</c> and <c>[2]</c> reach gets
/// a state built from the conditions of both (computed here, once). Paths never branch back, so every
/// condition appears at most once among the states active at one location, and its locations are met in
/// document order, the order the per-condition walk meets them in: after the binding's sort the verdicts
/// are identical (an FsCheck property holds the two to it).
/// </remarks>
internal sealed class StreamNode
{
    /// <summary>The most distinct keys one state dispatches on; a seen-key bit set must fit in a <c>ulong</c>.</summary>
    public const int MaxKeys = 64;

    /// <summary>Above this many states a pact's plan is not built (many index segments under wildcards multiply them).</summary>
    private const int MaxStates = 4096;

    private StreamNode(int depth)
    {
        Depth = depth;
    }

    /// <summary>How many segments lead here; a property of this state's object value is segment <c>Depth</c>.</summary>
    public int Depth { get; }

    /// <summary>Conditions whose path ends here and have rules for a present value.</summary>
    public CompiledCondition[] Terminal { get; private set; } = [];

    /// <summary>Every <c>required</c> condition at or below this state: each reports an absence when the value is null.</summary>
    public CompiledCondition[] Required { get; private set; } = [];

    /// <summary>Required conditions whose next segment is a key: absent when the value is not an object.</summary>
    public CompiledCondition[] RequiredViaKeys { get; private set; } = [];

    /// <summary>Required conditions whose next segment is an index or <c>[*]</c>: absent when the value is not an array.</summary>
    public CompiledCondition[] RequiredViaItems { get; private set; } = [];

    /// <summary>The distinct next keys, as UTF-8, in first-use order.</summary>
    public byte[][] Keys { get; private set; } = [];

    /// <summary>The state each key leads to (parallel to <see cref="Keys"/>).</summary>
    public StreamNode[] KeyNodes { get; private set; } = [];

    /// <summary>The state of an element no index segment names; null when no condition goes through <c>[*]</c>.</summary>
    public StreamNode? AnyElement { get; private set; }

    /// <summary>The indexes that index segments name, ascending.</summary>
    public int[] Indexes { get; private set; } = [];

    /// <summary>The state of the element at <c>Indexes[j]</c> (its index conditions and the <c>[*]</c> ones).</summary>
    public StreamNode[] IndexNodes { get; private set; } = [];

    /// <summary>The required conditions through <c>Indexes[j]</c> alone: absent when the array is shorter.</summary>
    public CompiledCondition[][] IndexRequired { get; private set; } = [];

    /// <summary>True when some condition goes on into the elements of an array value.</summary>
    public bool HasItems => AnyElement is not null || Indexes.Length > 0;

    /// <summary>The state of element <paramref name="index"/>, or null when no condition reaches it.</summary>
    public StreamNode? Element(int index)
    {
        var indexes = Indexes;
        for (var j = 0; j < indexes.Length; j++)
        {
            if (indexes[j] == index)
            {
                return IndexNodes[j];
            }
        }

        return AnyElement;
    }

    /// <summary>The position of a plain (unescaped) property name in <see cref="Keys"/>, or -1.</summary>
    public int KeyIndex(ReadOnlySpan<byte> name)
    {
        var keys = Keys;
        for (var k = 0; k < keys.Length; k++)
        {
            var key = keys[k];
            if (key.Length == name.Length && name.SequenceEqual(key))
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>The position of an escaped property name in <see cref="Keys"/>, compared after unescaping, or -1.</summary>
    public int EscapedKeyIndex(ReadOnlySpan<byte> rawName)
    {
        var keys = Keys;
        for (var k = 0; k < keys.Length; k++)
        {
            if (Evaluating.DomNav.EscapedNameEquals(rawName, keys[k]))
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>
    /// Builds the plan for a binding's conditions (their positions already set), or null when the pact is
    /// outside what the plan handles (more than <see cref="MaxKeys"/> keys at one level, or too many states):
    /// such pacts keep the indexed walk, with the same verdicts.
    /// </summary>
    public static StreamNode? TryBuild(IReadOnlyList<CompiledCondition> conditions)
    {
        var budget = MaxStates;
        return Build(conditions, 0, ref budget);
    }

    private static StreamNode? Build(IReadOnlyList<CompiledCondition> active, int depth, ref int budget)
    {
        if (--budget < 0)
        {
            return null;
        }

        var node = new StreamNode(depth);
        var continuing = active.Where(c => c.Path.Segments.Count > depth).ToList();
        node.Terminal = [.. active.Where(c => c.Path.Segments.Count == depth && c.HasValueRules)];
        node.Required = [.. active.Where(c => c.IsRequired)];
        node.RequiredViaKeys = [.. continuing.Where(c => c.IsRequired && Next(c, depth).Kind == SegmentKind.Key)];
        node.RequiredViaItems = [.. continuing.Where(c => c.IsRequired && Next(c, depth).Kind != SegmentKind.Key)];

        var byKey = new List<(byte[] Key, List<CompiledCondition> Conditions)>();
        foreach (var c in continuing.Where(c => Next(c, depth).Kind == SegmentKind.Key))
        {
            var key = Next(c, depth).Utf8Key;
            var group = byKey.FindIndex(g => g.Key.AsSpan().SequenceEqual(key));
            if (group < 0)
            {
                byKey.Add((key, [c]));
            }
            else
            {
                byKey[group].Conditions.Add(c);
            }
        }

        if (byKey.Count > MaxKeys)
        {
            return null;
        }

        var keyNodes = new StreamNode[byKey.Count];
        for (var k = 0; k < byKey.Count; k++)
        {
            if (Build(byKey[k].Conditions, depth + 1, ref budget) is not { } child)
            {
                return null;
            }

            keyNodes[k] = child;
        }

        node.Keys = [.. byKey.Select(g => g.Key)];
        node.KeyNodes = keyNodes;

        var wildcard = continuing.Where(c => Next(c, depth).Kind == SegmentKind.Wildcard).ToList();
        if (wildcard.Count > 0)
        {
            if (Build(wildcard, depth + 1, ref budget) is not { } any)
            {
                return null;
            }

            node.AnyElement = any;
        }

        var byIndex = continuing.Where(c => Next(c, depth).Kind == SegmentKind.Index)
            .GroupBy(c => Next(c, depth).Index)
            .OrderBy(g => g.Key)
            .ToList();
        var indexNodes = new StreamNode[byIndex.Count];
        for (var j = 0; j < byIndex.Count; j++)
        {
            // The element at this index is reached by its index conditions and by every [*] one; file order kept.
            var reaching = continuing.Where(c => wildcard.Contains(c) || byIndex[j].Contains(c)).ToList();
            if (Build(reaching, depth + 1, ref budget) is not { } child)
            {
                return null;
            }

            indexNodes[j] = child;
        }

        node.Indexes = [.. byIndex.Select(g => g.Key)];
        node.IndexNodes = indexNodes;
        node.IndexRequired = [.. byIndex.Select(g => g.Where(c => c.IsRequired).ToArray())];
        return node;
    }

    private static PathSegment Next(CompiledCondition c, int depth) => c.Path.Segments[depth];
}
