using Pacts.Paths;

namespace Pacts.Evaluating;

/// <summary>
/// One state of a binding's streaming plan: the conditions whose paths reach one location of the params,
/// merged into a trie so that raw UTF-8 params can be judged in a single forward reader pass
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
    /// <summary>The most distinct keys one state dispatches on; a seen-key bit set must fit in a <c>ulong</c>, as in the walk.</summary>
    public const int MaxKeys = CompiledBinding.MaxDispatchKeys;

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

    /// <summary>
    /// The budgets (by index in the pact) whose <c>sum</c> path ends at this state: the evaluator adds each amount it
    /// meets here to the sink's <see cref="ViolationSink.Charges"/>, so replay reads a call's charges in the pass that
    /// judges it. Set while the pact is built (<see cref="TryTap"/>), never after.
    /// </summary>
    public int[] Taps { get; private set; } = [];

    /// <summary>
    /// Puts budget <paramref name="budget"/>'s tap on every state that a location of <paramref name="segments"/>
    /// reaches, when the plan visits every such location (each segment is a key, a named index or a wildcard the
    /// plan goes through); otherwise changes nothing and returns false, and the budget's charge is read separately.
    /// </summary>
    public static bool TryTap(StreamNode root, IReadOnlyList<PathSegment> segments, int budget)
    {
        List<StreamNode> current = [root];
        foreach (var segment in segments)
        {
            List<StreamNode> next = [];
            foreach (var node in current)
            {
                switch (segment.Kind)
                {
                    case SegmentKind.Key:
                        {
                            var k = node.KeyIndex(segment.Utf8Key);
                            if (k < 0)
                            {
                                return false;
                            }

                            next.Add(node.KeyNodes[k]);
                            break;
                        }

                    case SegmentKind.Index:
                        {
                            var j = System.Array.BinarySearch(node.Indexes, segment.Index);
                            if (j < 0)
                            {
                                return false; // the element would be judged by [*]'s state, which other elements share
                            }

                            next.Add(node.IndexNodes[j]);
                            break;
                        }

                    default:
                        if (node.AnyElement is null)
                        {
                            return false; // elements no index names are skipped
                        }

                        next.Add(node.AnyElement);
                        next.AddRange(node.IndexNodes);
                        break;
                }
            }

            current = next;
        }

        foreach (var node in current)
        {
            node.Taps = [.. node.Taps, budget];
        }

        return true;
    }

    /// <summary>True when some condition goes on into the elements of an array value.</summary>
    public bool HasItems => AnyElement is not null || Indexes.Length > 0;

    /// <summary>The state of element <paramref name="index"/>, or null when no condition reaches it.</summary>
    public StreamNode? Element(int index)
    {
        // Past the last named index (always, when none is named) the answer is [*]'s: a long array under a pact
        // with many index paths costs one compare per element, not one per index.
        var indexes = Indexes;
        if (indexes.Length == 0 || index > indexes[^1])
        {
            return AnyElement;
        }

        var j = System.Array.BinarySearch(indexes, index);
        return j >= 0 ? IndexNodes[j] : AnyElement;
    }

    /// <summary>
    /// The position of a plain (unescaped) property name in <see cref="Keys"/>, or -1. Its bytes are its value, and
    /// hold no backslash, so they cannot be mistaken for a key that holds one.
    /// </summary>
    public int KeyIndex(ReadOnlySpan<byte> name)
    {
        var keys = Keys;
        for (var k = 0; k < keys.Length; k++)
        {
            if (name.SequenceEqual(keys[k]))
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
            if (Json.DomNav.EscapedNameEquals(rawName, keys[k]))
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
    public static StreamNode? TryBuild(CompiledCondition[] conditions)
    {
        var budget = MaxStates;
        return Build([.. conditions], 0, ref budget);
    }

    /// <summary>
    /// The state for the conditions <paramref name="active"/> at one location <paramref name="depth"/> segments
    /// down. Plain loops, not LINQ: a wide pact builds thousands of states and its compile time counts.
    /// </summary>
    private static StreamNode? Build(List<CompiledCondition> active, int depth, ref int budget)
    {
        if (--budget < 0)
        {
            return null;
        }

        List<CompiledCondition>? terminal = null, required = null, viaKeys = null, viaItems = null, wildcard = null;
        List<(byte[] Key, List<CompiledCondition> Conditions)>? byKey = null;
        List<(int Index, List<CompiledCondition> Conditions)>? byIndex = null;
        foreach (var c in active)
        {
            var segments = c.Segments;
            if (c.IsRequired)
            {
                (required ??= []).Add(c);
            }

            if (segments.Length == depth)
            {
                if (c.HasValueRules)
                {
                    (terminal ??= []).Add(c);
                }

                continue;
            }

            var next = segments[depth];
            if (c.IsRequired)
            {
                (next.Kind == SegmentKind.Key ? viaKeys ??= [] : viaItems ??= []).Add(c);
            }

            switch (next.Kind)
            {
                case SegmentKind.Key:
                    if (!AddToGroup(byKey ??= [], next.Utf8Key, c))
                    {
                        return null; // more keys than a seen-key bit set holds
                    }

                    break;
                case SegmentKind.Wildcard:
                    (wildcard ??= []).Add(c);
                    break;
                default:
                    AddToGroup(byIndex ??= [], next.Index, c);
                    break;
            }
        }

        var node = new StreamNode(depth)
        {
            Terminal = Array(terminal),
            Required = Array(required),
            RequiredViaKeys = Array(viaKeys),
            RequiredViaItems = Array(viaItems),
        };

        if (byKey is not null)
        {
            var keyNodes = new StreamNode[byKey.Count];
            for (var k = 0; k < byKey.Count; k++)
            {
                if (Build(byKey[k].Conditions, depth + 1, ref budget) is not { } child)
                {
                    return null;
                }

                keyNodes[k] = child;
            }

            var keys = new byte[byKey.Count][];
            for (var k = 0; k < keys.Length; k++)
            {
                keys[k] = byKey[k].Key; // a loop, not LINQ over tuples: start-up would JIT that generic code
            }

            node.Keys = keys;
            node.KeyNodes = keyNodes;
        }

        if (wildcard is not null)
        {
            if (Build(wildcard, depth + 1, ref budget) is not { } any)
            {
                return null;
            }

            node.AnyElement = any;
        }

        if (byIndex is not null)
        {
            byIndex.Sort((x, y) => x.Index.CompareTo(y.Index));
            var indexNodes = new StreamNode[byIndex.Count];
            for (var j = 0; j < byIndex.Count; j++)
            {
                // The element at this index is reached by its index conditions and by every [*] one.
                List<CompiledCondition> reaching = wildcard is null ? byIndex[j].Conditions : [.. wildcard, .. byIndex[j].Conditions];
                if (Build(reaching, depth + 1, ref budget) is not { } child)
                {
                    return null;
                }

                indexNodes[j] = child;
            }

            var indexes = new int[byIndex.Count];
            var indexRequired = new CompiledCondition[byIndex.Count][];
            for (var j = 0; j < indexes.Length; j++)
            {
                indexes[j] = byIndex[j].Index;
                indexRequired[j] = [.. byIndex[j].Conditions.Where(c => c.IsRequired)];
            }

            node.Indexes = indexes;
            node.IndexNodes = indexNodes;
            node.IndexRequired = indexRequired;
        }

        return node;
    }

    /// <summary>Adds to the group of <paramref name="key"/>, opening one; false when that would pass <see cref="MaxKeys"/>.</summary>
    private static bool AddToGroup(List<(byte[] Key, List<CompiledCondition> Conditions)> groups, byte[] key, CompiledCondition c)
    {
        foreach (var (k, members) in groups)
        {
            if (k.AsSpan().SequenceEqual(key))
            {
                members.Add(c);
                return true;
            }
        }

        if (groups.Count == MaxKeys)
        {
            return false;
        }

        groups.Add((key, [c]));
        return true;
    }

    private static void AddToGroup(List<(int Index, List<CompiledCondition> Conditions)> groups, int index, CompiledCondition c)
    {
        foreach (var (i, members) in groups)
        {
            if (i == index)
            {
                members.Add(c);
                return;
            }
        }

        groups.Add((index, [c]));
    }

    private static CompiledCondition[] Array(List<CompiledCondition>? list) => list is null ? [] : [.. list];
}
