using Pacts.Numbers;

namespace Pacts.Budgets;

/// <summary>
/// One (pact, budget, scope key)'s state (SPEC §10): its clock, the latest budget time it recorded, and the positive
/// charges recorded inside its window, oldest first, with their exact running sum. A window is only read and changed
/// under its <see cref="BudgetBook"/>'s lock; a store holds it and never needs to look inside.
/// </summary>
public sealed class BudgetWindow
{
    private readonly Queue<(long At, DecimalSum Charge)> _charges = new();
    private DecimalSum _total;

    internal BudgetWindow()
    {
    }

    /// <summary>The latest budget time recorded, in whole microseconds since the Unix epoch; null before the first record.</summary>
    public long? ClockMicros { get; private set; }

    /// <summary>A copy of the charges held, oldest first (checkpoints and diagnostics; a book prunes the ones that left the window).</summary>
    public IReadOnlyList<BudgetCharge> Charges => [.. _charges.Select(c => new BudgetCharge(c.At, c.Charge.ToString()))];

    /// <summary>
    /// Rebuilds a window from what <see cref="ClockMicros"/> and <see cref="Charges"/> gave (a checkpoint or a store's
    /// own persistence). Checks what a book relies on: amounts are positive numbers, times ascend and none is past the
    /// clock.
    /// </summary>
    /// <exception cref="FormatException">An amount is not a positive number, times go backwards or past the clock, or
    /// there are charges without a clock.</exception>
    public static BudgetWindow Restore(long? clockMicros, IEnumerable<BudgetCharge> charges)
    {
        ArgumentNullException.ThrowIfNull(charges);
        var window = new BudgetWindow { ClockMicros = clockMicros };
        var last = long.MinValue;
        foreach (var c in charges)
        {
            if (clockMicros is not { } clock || c.AtMicros > clock)
            {
                throw new FormatException($"a charge at {c.AtMicros} is later than the window's clock ({clockMicros?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})");
            }

            if (c.AtMicros < last)
            {
                throw new FormatException($"charges are not oldest first ({c.AtMicros} after {last})");
            }

            if (c.Amount is null || !DecimalSum.TryParseAmount(System.Text.Encoding.ASCII.GetBytes(c.Amount), isString: false, out var amount) || amount.IsZero)
            {
                throw new FormatException($"a charge's amount is not a positive number: {c.Amount}");
            }

            last = c.AtMicros;
            window._charges.Enqueue((c.AtMicros, amount));
            window._total += amount;
        }

        return window;
    }

    /// <summary>The charges at budget times <c>u</c> with <c>t - window &lt; u &lt;= t</c>; pruning drops the older ones for good.</summary>
    internal DecimalSum UsedAt(long t, long window, bool prune)
    {
        var floor = t - window;
        if (prune)
        {
            while (_charges.TryPeek(out var oldest) && oldest.At <= floor)
            {
                _total -= oldest.Charge;
                _ = _charges.Dequeue();
            }

            return _total;
        }

        var used = _total;
        foreach (var (at, c) in _charges)
        {
            if (at > floor)
            {
                break;
            }

            used -= c;
        }

        return used;
    }

    /// <summary>Sets the clock to <paramref name="t"/> and keeps a positive charge.</summary>
    internal void Record(long t, DecimalSum charge)
    {
        ClockMicros = t;
        if (!charge.IsZero)
        {
            _charges.Enqueue((t, charge));
            _total += charge;
        }
    }
}
