using Pacts.Json;

namespace Pacts.Evaluating;

/// <summary>
/// Per-thread scratch list for one validation: a passing call touches it without allocating; a failing
/// call copies it into the verdict. Each entry keeps its rule order so a condition's violations can be
/// put in SPEC §5 order (rule-major) after a location-major walk.
/// </summary>
internal sealed class ViolationSink
{
    [ThreadStatic]
    private static ViolationSink? s_current;

    private readonly List<Violation> _items = [];
    private readonly List<int> _orders = [];

    public int Count => _items.Count;

    /// <summary>
    /// Where a location's string decodes (<see cref="LocationValue.Chars"/>), reused: the sink is per thread and
    /// one location is judged at a time. A heap buffer, not a stack one, because a method that allocates on the
    /// stack is compiled without tiering and so without the profile that turns rule calls into direct calls.
    /// </summary>
    public char[] Scratch { get; } = new char[256];

    /// <summary>
    /// The element index taken at each wildcard segment of the location being judged (<c>Trail[s]</c> for
    /// segment <c>s</c>), for rendering concrete paths. Per thread, like <see cref="Scratch"/>; every condition
    /// active at one location shares it, since their segments sit at the same depths.
    /// </summary>
    public int[] Trail { get; } = new int[Paths.ParamPath.MaxSegments];

    /// <summary>This thread's sink as the last pass left it (its <see cref="Charges"/>).</summary>
    public static ViolationSink Current => s_current ??= new ViolationSink();

    public static ViolationSink Rent()
    {
        var sink = s_current ??= new ViolationSink();
        sink._items.Clear();
        sink._orders.Clear();
        sink.Charges[0] = default;
        sink.Charges[1] = default;
        return sink;
    }

    /// <summary>
    /// The amounts the last pass met at tapped budget paths (<see cref="StreamNode.Taps"/>), by budget index, summed as
    /// a budget sums them (numbers and decimal strings; anything else adds 0). Read right after the pass, on its thread.
    /// </summary>
    public Numbers.DecimalSum[] Charges { get; } = new Numbers.DecimalSum[ScannedCharges.Max];

    /// <summary>Adds the value the pass is at to each tapped budget's charge.</summary>
    public void Tap(int[] budgets, System.Text.Json.JsonValueKind kind, ReadOnlySpan<byte> verbatim, bool escaped)
    {
        var amount = CompiledBudget.Amount(kind, kind == System.Text.Json.JsonValueKind.String ? verbatim[1..^1] : verbatim, escaped);
        if (amount.IsZero)
        {
            return;
        }

        foreach (var b in budgets)
        {
            Charges[b] += amount;
        }
    }

    /// <summary>Drops the entries from <paramref name="count"/> on (a pass abandoned part-way, to be judged again).</summary>
    public void TruncateTo(int count)
    {
        _items.RemoveRange(count, _items.Count - count);
        _orders.RemoveRange(count, _orders.Count - count);
    }

    public void Add(Violation violation, int order)
    {
        _items.Add(violation);
        _orders.Add(order);
    }

    /// <summary>
    /// Stable sort by order key of the entries from <paramref name="start"/> on (collected in pass order, put in
    /// SPEC §5 order); nothing to do, and nothing done, for fewer than two.
    /// </summary>
    public void SortFrom(int start)
    {
        var count = _items.Count - start;
        if (count < 2)
        {
            return;
        }

        if (count > 32)
        {
            // Many violations (a long array failing everywhere): sort (key, arrival) pairs, O(n log n).
            var keys = new (int Order, int Seq)[count];
            var items = new Violation[count];
            for (var i = 0; i < count; i++)
            {
                keys[i] = (_orders[start + i], i);
                items[i] = _items[start + i];
            }

            Array.Sort(keys, items);
            for (var i = 0; i < count; i++)
            {
                _items[start + i] = items[i];
                _orders[start + i] = keys[i].Order;
            }

            return;
        }

        for (var i = start + 1; i < _items.Count; i++)
        {
            var v = _items[i];
            var o = _orders[i];
            var j = i - 1;
            while (j >= start && _orders[j] > o)
            {
                _items[j + 1] = _items[j];
                _orders[j + 1] = _orders[j];
                j--;
            }

            _items[j + 1] = v;
            _orders[j + 1] = o;
        }
    }

    public Violation[] ToArrayAndClear()
    {
        var result = _items.ToArray();
        _items.Clear();
        _orders.Clear();
        return result;
    }
}
