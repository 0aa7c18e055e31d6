using System.Text;
using System.Text.Json;
using Pacts.Json;
using Pacts.Paths;

namespace Pacts.Evaluating;

/// <summary>The compiled conditions for one tool, plus the <c>additionalParams</c> policy.</summary>
internal sealed class CompiledBinding
{
    /// <summary>Above this many distinct first keys the single pass gives way to one walk per condition.</summary>
    internal const int MaxDispatchKeys = 64;

    private readonly PathSegment[] _firstKeys; // the distinct first segments (each a key) of the conditions' paths
    private readonly CompiledCondition[][] _byKey; // the unguarded conditions under each first key
    private readonly CompiledCondition[] _guarded; // conditions with `when` guards, judged from the params root once they hold

    public CompiledBinding(string tool, bool denyAdditional, CompiledCondition[] conditions, Verdict validVerdict)
    {
        Tool = tool;
        DenyAdditionalParams = denyAdditional;
        Conditions = conditions;
        ValidVerdict = validVerdict;
        _guarded = [.. conditions.Where(c => c.Guards is not null)];
        (_firstKeys, _byKey) = GroupByFirstKey(conditions);
        for (var i = 0; i < conditions.Length; i++)
        {
            conditions[i].SetPosition(i);
        }

        // The one-pass plan reads each value once, in document order; a guard needs another value of the call first.
        Stream = _guarded.Length == 0 ? StreamNode.TryBuild(conditions) : null;
    }

    /// <summary>The plan that judges raw UTF-8 params in one reader pass; null for the rare pact it does not cover.</summary>
    public StreamNode? Stream { get; }

    /// <summary>Bit <c>i</c> set when budget <c>i</c>'s charge is read by the plan's pass (see <see cref="StreamNode.Taps"/>).</summary>
    public int TappedBudgets { get; private set; }

    /// <summary>Taps budget <paramref name="index"/>'s <c>sum</c> path into the plan, if the plan visits all of it (while the pact is built).</summary>
    internal void TryTap(int index, IReadOnlyList<PathSegment> sum)
    {
        if (Stream is not null && StreamNode.TryTap(Stream, sum, index))
        {
            TappedBudgets |= 1 << index;
        }
    }

    public string Tool { get; }

    public bool DenyAdditionalParams { get; }

    public CompiledCondition[] Conditions { get; }

    /// <summary>The verdict every passing call to this tool returns: built once, so passing allocates nothing.</summary>
    public Verdict ValidVerdict { get; }


    /// <summary>
    /// The fast path: one pass over the top-level params. Each key is matched once against the distinct first
    /// segments of the conditions and handed to the conditions that start with it; a key no condition names is
    /// an additional param. First keys never seen are reported to <c>required</c> afterwards. Violations are
    /// collected in pass order and, only when there are several, sorted into SPEC §5 order.
    /// </summary>
    public void Evaluate<TNav, TNode, TObj, TArr>(TNode parameters, ViolationSink sink)
        where TNav : struct, IJsonNav<TNode, TObj, TArr>
        where TNode : struct
        where TObj : struct
        where TArr : struct
    {
        var start = sink.Count;
        if (_firstKeys.Length > MaxDispatchKeys)
        {
            EvaluatePerCondition<TNav, TNode, TObj, TArr>(parameters, sink);
        }
        else
        {
            ulong seen = 0;
            var cursor = TNav.Properties(parameters);
            while (TNav.NextProperty(ref cursor))
            {
                var k = KeyIndex<TNav, TNode, TObj, TArr>(ref cursor);
                var value = TNav.Value(ref cursor);
                if (k < 0)
                {
                    if (DenyAdditionalParams && TNav.Kind(value) != JsonValueKind.Null)
                    {
                        ReportAdditional(TNav.Name(ref cursor), TNav.Raw(value), sink);
                    }

                    continue;
                }

                seen |= 1UL << k;
                foreach (var condition in _byKey[k])
                {
                    condition.EvaluateFrom<TNav, TNode, TObj, TArr>(in value, 1, sink);
                }
            }

            for (var k = 0; k < _firstKeys.Length; k++)
            {
                if ((seen & (1UL << k)) == 0)
                {
                    foreach (var condition in _byKey[k])
                    {
                        condition.ReportRootMissing(sink);
                    }
                }
            }

            foreach (var condition in _guarded)
            {
                if (condition.GuardsHold<TNav, TNode, TObj, TArr>(in parameters, sink))
                {
                    condition.Evaluate<TNav, TNode, TObj, TArr>(parameters, sink);
                }
            }
        }

        sink.SortFrom(start);
    }

    /// <summary>
    /// Judges raw UTF-8 params in one reader pass (<see cref="StreamEvaluator"/>). False, with nothing
    /// reported, when there is no plan or the params are not an object: the indexed walk then takes them.
    /// </summary>
    public bool TryEvaluateStream(ReadOnlySpan<byte> utf8, ViolationSink sink)
    {
        var start = sink.Count;
        if (Stream is null || !StreamEvaluator.TryEvaluate(utf8, Stream, this, sink))
        {
            return false;
        }

        sink.SortFrom(start);
        return true;
    }

    /// <summary>
    /// Replay's in-pass judging: the params object at <paramref name="reader"/>'s <c>{</c>, the reader over
    /// <paramref name="json"/> (the whole log line), left on its <c>}</c>. False, with the reader untouched, when
    /// there is no plan.
    /// </summary>
    public bool TryEvaluateStreamAt<TReader>(ref TReader reader, ReadOnlySpan<byte> json, ViolationSink sink)
        where TReader : IJsonTokens, allows ref struct
    {
        if (Stream is null)
        {
            return false;
        }

        var start = sink.Count;
        StreamEvaluator.EvaluateAt(ref reader, json, Stream, this, sink);
        sink.SortFrom(start);
        return true;
    }

    private void EvaluatePerCondition<TNav, TNode, TObj, TArr>(TNode parameters, ViolationSink sink)
        where TNav : struct, IJsonNav<TNode, TObj, TArr>
        where TNode : struct
        where TObj : struct
        where TArr : struct
    {
        foreach (var condition in Conditions)
        {
            if (condition.GuardsHold<TNav, TNode, TObj, TArr>(in parameters, sink))
            {
                condition.Evaluate<TNav, TNode, TObj, TArr>(parameters, sink);
            }
        }

        if (DenyAdditionalParams)
        {
            var cursor = TNav.Properties(parameters);
            while (TNav.NextProperty(ref cursor))
            {
                var value = TNav.Value(ref cursor);
                if (TNav.Kind(value) != JsonValueKind.Null && KeyIndex<TNav, TNode, TObj, TArr>(ref cursor) < 0)
                {
                    ReportAdditional(TNav.Name(ref cursor), TNav.Raw(value), sink);
                }
            }
        }
    }

    /// <summary>Reports a top-level param no condition names (<c>additionalParams: deny</c>).</summary>
    internal void ReportAdditional(string name, ReadOnlySpan<byte> verbatim, ViolationSink sink) =>
        sink.Add(new Violation(ParamPath.RenderKey(name), "additionalParams", Severity.Major, Encoding.UTF8.GetString(verbatim),
            $"`{name}` is not a param of `{Tool}`"), int.MaxValue);

    private int KeyIndex<TNav, TNode, TObj, TArr>(ref TObj cursor)
        where TNav : struct, IJsonNav<TNode, TObj, TArr>
        where TNode : struct
        where TObj : struct
        where TArr : struct
    {
        // The name as written is read once and compared with each key's bytes (see NameMatch); only a name that
        // may spell a key with escapes takes the decoding compare.
        var keys = _firstKeys;
        var name = TNav.RawName(ref cursor);
        for (var k = 0; k < keys.Length; k++)
        {
            if (keys[k].PlainKey && name.SequenceEqual(keys[k].Utf8Key))
            {
                return k;
            }
        }

        if (!NameMatch.MayBeEscaped(name))
        {
            return -1;
        }

        for (var k = 0; k < keys.Length; k++)
        {
            if (TNav.NameEquals(ref cursor, keys[k].Utf8Key))
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>
    /// The distinct first segments of the conditions' paths, in first-use order, and the conditions under each. Plain
    /// loops (a binding has a handful of keys; past <see cref="MaxDispatchKeys"/> the walk does not use them): a wide
    /// pact builds thousands of bindings, and LINQ's sets and iterators were garbage in each.
    /// </summary>
    private static (PathSegment[] Keys, CompiledCondition[][] ByKey) GroupByFirstKey(CompiledCondition[] conditions)
    {
        var keys = new List<PathSegment>();
        var groups = new List<List<CompiledCondition>>();
        foreach (var c in conditions)
        {
            var k = KeyOf(c.Segments[0]);
            if (c.Guards is null)
            {
                groups[k].Add(c);
                continue;
            }

            // A guarded condition is judged apart (see Evaluate), but its path's and its guards' first keys are
            // named params all the same (SPEC §4 additionalParams), whether or not the guards hold.
            foreach (var g in c.Guards)
            {
                _ = KeyOf(g.Path.Segments[0]);
            }
        }

        int KeyOf(PathSegment first)
        {
            var k = 0;
            while (k < keys.Count && !keys[k].Utf8Key.AsSpan().SequenceEqual(first.Utf8Key))
            {
                k++;
            }

            if (k == keys.Count)
            {
                keys.Add(first);
                groups.Add([]);
            }

            return k;
        }

        var byKey = new CompiledCondition[groups.Count][];
        for (var k = 0; k < byKey.Length; k++)
        {
            byKey[k] = [.. groups[k]];
        }

        return ([.. keys], byKey);
    }
}
