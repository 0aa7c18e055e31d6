using System.Text.Json;
using Pacts.Evaluating;
using Pacts.Json;
using Pacts.Numbers;

namespace Pacts.Budgets;

/// <summary>
/// The running state of every budget (SPEC §10): for each (pact id, budget name, scope key) a clock and the charges
/// recorded inside its window. One design serves every way in: replay, the service, <c>validate-call --history</c>,
/// the guard and pact tests feed it calls in input order and get the same verdicts. Thread-safe; memory is bounded
/// by the charges inside each window plus one clock per scope key seen, never by the number of calls.
/// </summary>
/// <remarks>
/// Stateless <see cref="Pact.Validate(string, JsonElement)"/> is untouched: a book takes its verdict and adds the budget
/// breaches after every condition and <c>additionalParams</c> violation, in the pact's budget order. State is keyed
/// by pact id and budget name, so a reloaded pact that keeps a budget keeps its state.
/// </remarks>
public sealed class BudgetBook
{
    private readonly Dictionary<WindowKey, Window> _windows = [];
    private readonly Lock _lock = new();

    /// <summary>
    /// Judges a call's budgets after its stateless <paramref name="verdict"/> and, when <paramref name="call"/> records,
    /// charges it. Returns <paramref name="verdict"/> itself when the pact has no budget the call breaches.
    /// </summary>
    /// <exception cref="BudgetScopeException">A budget that sees the call is per agent or per session and the call has no such id.</exception>
    public Verdict Apply(Pact pact, Verdict verdict, BudgetCall call, JsonElement parameters)
    {
        ArgumentNullException.ThrowIfNull(pact);
        ArgumentNullException.ThrowIfNull(verdict);
        return pact.CompiledBudgets.Length == 0 ? verdict
            : Apply(pact, verdict, call, (b) => b.Charge<ElementNav, JsonElement, JsonElement.ObjectEnumerator, JsonElement.ArrayEnumerator>(parameters));
    }

    /// <summary>As <see cref="Apply(Pact, Verdict, BudgetCall, JsonElement)"/>, for params as raw UTF-8 JSON (an object).</summary>
    public Verdict Apply(Pact pact, Verdict verdict, BudgetCall call, ReadOnlyMemory<byte> utf8Parameters)
    {
        ArgumentNullException.ThrowIfNull(pact);
        ArgumentNullException.ThrowIfNull(verdict);
        if (pact.CompiledBudgets.Length == 0)
        {
            return verdict;
        }

        var dom = ParamsDom.Rent().Load(utf8Parameters);
        return Apply(pact, verdict, call, (b) => b.Charge<DomNav, DomNode, DomObjectCursor, DomArrayCursor>(dom));
    }

    /// <summary>How many (pact, budget, scope key) windows the book holds (for tests and metrics).</summary>
    public int WindowCount
    {
        get
        {
            lock (_lock)
            {
                return _windows.Count;
            }
        }
    }

    private Verdict Apply(Pact pact, Verdict verdict, BudgetCall call, Func<CompiledBudget, DecimalSum> charge)
    {
        List<Violation>? breaches = null;
        var at = call.AttemptedAt.UtcTicks / TimeSpan.TicksPerMicrosecond; // SPEC §6: whole microseconds
        lock (_lock)
        {
            foreach (var budget in pact.CompiledBudgets)
            {
                if (!budget.Sees(call.Tool))
                {
                    continue;
                }

                var scope = budget.Per switch
                {
                    BudgetScope.Agent => call.AgentId,
                    BudgetScope.Session => call.SessionId,
                    _ => "",
                };
                if (scope is null)
                {
                    throw new BudgetScopeException(budget.Name, budget.Per);
                }

                var amount = charge(budget);
                var key = new WindowKey(pact.Id, budget.Name, scope);
                _windows.TryGetValue(key, out var window);
                var t = window is { Clock: { } clock } && clock > at ? clock : at; // time never runs backwards
                var used = window?.UsedAt(t, budget.WindowMicros, prune: call.Records) ?? DecimalSum.Zero;
                if (!amount.IsZero && used + amount > budget.Max)
                {
                    (breaches ??= []).Add(new Violation(budget.Sum?.Text ?? "", budget.Severity, amount.ToString(), budget.Name, used.ToString(), budget.Message));
                }

                if (call.Records)
                {
                    if (window is null)
                    {
                        window = new Window();
                        _windows[key] = window;
                    }

                    window.Record(t, amount);
                }
            }
        }

        return breaches is null ? verdict
            : new Verdict(verdict.PactId, verdict.PactVersion, verdict.Tool, verdict.Bound, [.. verdict.Violations, .. breaches]);
    }

    private readonly record struct WindowKey(string PactId, string Budget, string Scope);

    /// <summary>One scope key's clock and the positive charges recorded inside the window, oldest first, with their sum.</summary>
    private sealed class Window
    {
        private readonly Queue<(long At, DecimalSum Charge)> _charges = new();
        private DecimalSum _total;

        public long? Clock { get; private set; }

        /// <summary>The charges at budget times <c>u</c> with <c>t - window &lt; u &lt;= t</c>; pruning drops the older ones for good.</summary>
        public DecimalSum UsedAt(long t, long window, bool prune)
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

        public void Record(long t, DecimalSum charge)
        {
            Clock = t;
            if (!charge.IsZero)
            {
                _charges.Enqueue((t, charge));
                _total += charge;
            }
        }
    }
}
