using System.Text.Json;
using Pacts.Json;
using Pacts.Paths;
using Pacts.Rules;

namespace Pacts.Evaluating;

/// <summary>
/// One condition, compiled: a parsed path, its rules in catalogue order and its severity. Evaluation walks
/// the params once along the path (every matching key, so a duplicated JSON key cannot hide a value), runs
/// every rule on each present location, and reports absences for <c>required</c>.
/// </summary>
internal sealed class CompiledCondition
{
    private readonly CompiledRule[] _rules;
    private readonly CompiledRule[] _evaluated; // the rules in the order they run: those that imply others first
    private readonly int[]? _impliedBy; // per _evaluated entry, the earlier entry whose pass implies it, or -1; null when none
    private readonly PathSegment[] _segments; // an array, not the path's IReadOnlyList: no interface calls in the walk
    private readonly CompiledRule? _required;
    private readonly string? _message;
    private readonly string? _plainPath;
    private int _orderBase;

    public CompiledCondition(ParamPath path, Severity severity, string? message, CompiledRule? required, CompiledRule[] rules, CompiledGuard[]? guards = null)
    {
        Guards = guards is { Length: > 0 } ? guards : null;
        _orderBase = 0;
        Path = path;
        Severity = severity;
        _message = message;
        _required = required;
        _rules = rules;
        (_evaluated, _impliedBy) = Order(rules);
        _segments = [.. path.Segments];
        _plainPath = path.WildcardCount == 0 ? path.Render([], path.Segments.Count) : null;
    }

    public ParamPath Path { get; }

    /// <summary>The condition's <c>when</c> guards (SPEC §4); null when it has none, so it is always checked.</summary>
    public CompiledGuard[]? Guards { get; }

    /// <summary>Whether every guard holds for the call's params (true for a condition without guards).</summary>
    public bool GuardsHold<TNav, TNode, TObj, TArr>(in TNode parameters, ViolationSink sink)
        where TNav : struct, IJsonNav<TNode, TObj, TArr>
        where TNode : struct
        where TObj : struct
        where TArr : struct
    {
        if (Guards is null)
        {
            return true;
        }

        foreach (var guard in Guards)
        {
            if (!guard.Holds<TNav, TNode, TObj, TArr>(in parameters, sink.Scratch))
            {
                return false;
            }
        }

        return true;
    }

    public Severity Severity { get; }

    /// <summary>
    /// The order rules run in: a rule whose pass implies another's (<see cref="CompiledRule.PassImplies"/>) runs
    /// before it, so the other can be skipped. Violations are put in SPEC §5 order by the binding's sort whatever
    /// order they were found in.
    /// </summary>
    private static (CompiledRule[] Evaluated, int[]? ImpliedBy) Order(CompiledRule[] rules)
    {
        // Nothing is allocated for the common condition without implications (a wide pact compiles thousands);
        // a condition holds at most one rule of each kind, so the flags fit the stack.
        Span<bool> implies = stackalloc bool[rules.Length];
        implies.Clear(); // the module skips locals' initialisation, and the loop below ORs into each flag
        var any = false;
        for (var i = 0; i < rules.Length; i++)
        {
            for (var j = 0; j < rules.Length; j++)
            {
                implies[i] |= i != j && rules[i].PassImplies(rules[j]);
            }

            any |= implies[i];
        }

        if (!any)
        {
            return (rules, null);
        }

        var impliers = new List<CompiledRule>();
        var rest = new List<CompiledRule>();
        for (var i = 0; i < rules.Length; i++)
        {
            (implies[i] ? impliers : rest).Add(rules[i]);
        }

        CompiledRule[] evaluated = [.. impliers, .. rest];
        var impliedBy = new int[evaluated.Length];
        for (var n = 0; n < evaluated.Length; n++)
        {
            impliedBy[n] = -1;
            for (var m = 0; m < n && impliedBy[n] < 0; m++)
            {
                if (evaluated[m].PassImplies(evaluated[n]))
                {
                    impliedBy[n] = m;
                }
            }
        }

        return (evaluated, impliedBy);
    }

    /// <summary>The path's segments as an array (the walk's and the streaming plan's view).</summary>
    internal PathSegment[] Segments => _segments;

    /// <summary>True when the condition has <c>required: true</c>, so an absence is a violation.</summary>
    public bool IsRequired => _required is not null;

    /// <summary>True when the condition has rules to run on a present value (not only <c>required</c>).</summary>
    public bool HasValueRules => _rules.Length > 0;


    /// <summary>The rules in SPEC order, <c>required</c> first when present.</summary>
    public IEnumerable<CompiledRule> Rules => _required is null ? _rules : [_required, .. _rules];

    /// <summary>The rules of the condition and of its guards: everything compiled from the document.</summary>
    internal IEnumerable<CompiledRule> AllRules => Guards is null ? Rules : Rules.Concat(Guards.SelectMany(g => g.Rules));

    /// <summary>
    /// Fixes the condition's position in its binding: violations sort by <c>position × 64 + rule order</c>,
    /// which is the SPEC §5 order (conditions in file order, then the rule table), and stays stable for locations.
    /// Called once by the binding while it is built.
    /// </summary>
    internal void SetPosition(int position) => _orderBase = position * 64;

    /// <summary>Walks the whole path from the params object.</summary>
    public void Evaluate<TNav, TNode, TObj, TArr>(TNode parameters, ViolationSink sink)
        where TNav : struct, IJsonNav<TNode, TObj, TArr>
        where TNode : struct
        where TObj : struct
        where TArr : struct =>
        EvaluateFrom<TNav, TNode, TObj, TArr>(in parameters, 0, sink);

    /// <summary>Walks the path from segment <paramref name="seg"/>, given the value the earlier segments led to.</summary>
    public void EvaluateFrom<TNav, TNode, TObj, TArr>(in TNode value, int seg, ViolationSink sink)
        where TNav : struct, IJsonNav<TNode, TObj, TArr>
        where TNode : struct
        where TObj : struct
        where TArr : struct =>
        Walk<TNav, TNode, TObj, TArr>(in value, seg, sink.Trail, sink);

    /// <summary>The first key is absent from the params: only <c>required</c> has something to say.</summary>
    public void ReportRootMissing(ViolationSink sink) => Missing([], 0, sink);

    private void Walk<TNav, TNode, TObj, TArr>(in TNode current, int seg, int[] trail, ViolationSink sink)
        where TNav : struct, IJsonNav<TNode, TObj, TArr>
        where TNode : struct
        where TObj : struct
        where TArr : struct
    {
        var segments = _segments;
        if (seg == segments.Length)
        {
            var raw = TNav.Leaf(current, out var leafKind);
            if (leafKind == JsonValueKind.Null)
            {
                Missing(trail, seg, sink);
            }
            else
            {
                Present(leafKind, raw, leafKind == JsonValueKind.Array ? TNav.ArrayLength(current) : 0, trail, sink);
            }

            return;
        }

        var kind = TNav.Kind(current);

        var s = segments[seg];
        switch (s.Kind)
        {
            case SegmentKind.Key:
                {
                    if (kind != JsonValueKind.Object)
                    {
                        Missing(trail, seg, sink);
                        return;
                    }

                    // Every property with the name is a location: a duplicated key cannot hide a value.
                    var found = false;
                    var cursor = TNav.Properties(current);
                    while (TNav.NextProperty(ref cursor))
                    {
                        var name = TNav.RawName(ref cursor);
                        if ((s.PlainKey && name.SequenceEqual(s.Utf8Key))
                            || (NameMatch.MayBeEscaped(name, s.Utf8Key.Length) && TNav.NameEquals(ref cursor, s.Utf8Key)))
                        {
                            found = true;
                            Walk<TNav, TNode, TObj, TArr>(TNav.Value(ref cursor), seg + 1, trail, sink);
                        }
                    }

                    if (!found)
                    {
                        Missing(trail, seg, sink);
                    }

                    return;
                }

            case SegmentKind.Index:
                if (kind != JsonValueKind.Array || s.Index >= TNav.ArrayLength(current))
                {
                    Missing(trail, seg, sink);
                    return;
                }

                Walk<TNav, TNode, TObj, TArr>(TNav.Item(current, s.Index), seg + 1, trail, sink);
                return;

            default:
                {
                    if (kind != JsonValueKind.Array)
                    {
                        Missing(trail, seg, sink);
                        return;
                    }

                    var i = 0;
                    var items = TNav.Items(current);
                    while (TNav.NextItem(ref items, out var item))
                    {
                        trail[seg] = i++;
                        Walk<TNav, TNode, TObj, TArr>(item, seg + 1, trail, sink);
                    }

                    return;
                }
        }
    }

    /// <summary>
    /// Reports an absence for <c>required</c>: the path resolved only its first <paramref name="resolved"/>
    /// segments (<c>trail[s]</c> is the element index taken at wildcard segment <c>s</c>).
    /// </summary>
    internal void Missing(ReadOnlySpan<int> trail, int resolved, ViolationSink sink)
    {
        if (_required is null)
        {
            return;
        }

        sink.Add(new Violation(Render(trail, resolved), _required.Name, Severity, null, _message ?? _required.Message, Path.Text), _orderBase + _required.Definition.Order);
    }

    /// <summary>
    /// Runs every rule on a present, non-null value at the end of the path (<paramref name="escapes"/>: see
    /// <see cref="LocationValue"/>'s constructor).
    /// </summary>
    internal void Present(JsonValueKind kind, ReadOnlySpan<byte> verbatim, int arrayLength, ReadOnlySpan<int> trail, ViolationSink sink, byte escapes = 0)
    {
        var value = new LocationValue(kind, verbatim, arrayLength, sink.Scratch, escapes);
        try
        {
            var rules = _evaluated;
            var impliedBy = _impliedBy;
            ulong passed = 0;
            for (var n = 0; n < rules.Length; n++)
            {
                if (impliedBy is not null && impliedBy[n] >= 0 && (passed & (1UL << impliedBy[n])) != 0)
                {
                    passed |= 1UL << n; // implied by a rule that passed (see Order), so it passes too
                    continue;
                }

                var rule = rules[n];
                if (rule.Fails(ref value))
                {
                    sink.Add(
                        new Violation(Render(trail, _segments.Length), rule.Name, Severity, value.ToJsonText(), _message ?? rule.Message, Path.Text),
                        _orderBase + rule.Definition.Order);
                }
                else
                {
                    passed |= 1UL << n;
                }
            }
        }
        finally
        {
            value.Dispose();
        }
    }

    private string Render(ReadOnlySpan<int> trail, int resolved) => _plainPath ?? Path.Render(trail, resolved);
}
