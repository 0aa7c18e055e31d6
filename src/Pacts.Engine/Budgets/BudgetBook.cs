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
    private readonly IBudgetStore _store;
    private readonly Lock _lock = new();

    /// <summary>A book over a fresh <see cref="MemoryBudgetStore"/>.</summary>
    public BudgetBook()
        : this(new MemoryBudgetStore())
    {
    }

    /// <summary>A book over <paramref name="store"/>, which it reads and adds to under its own lock (one book per store).</summary>
    public BudgetBook(IBudgetStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>
    /// Judges a call's budgets after its stateless <paramref name="verdict"/> and, when <paramref name="call"/> records,
    /// charges it. Returns <paramref name="verdict"/> itself when the pact has no budget the call breaches.
    /// </summary>
    /// <exception cref="BudgetScopeException">A budget that sees the call is per agent or per session and the call has no such id.</exception>
    public Verdict Apply(Pact pact, Verdict verdict, BudgetCall call, JsonElement parameters)
    {
        ArgumentNullException.ThrowIfNull(pact);
        ArgumentNullException.ThrowIfNull(verdict);
        return pact.CompiledBudgets.Length == 0 ? verdict : Apply(pact, verdict, call, new ElementCharger(parameters))!;
    }

    /// <summary>
    /// Charges a call that ran with outcome <c>success</c> (a guard telling the book what it ran), without judging it
    /// again: the verdict it ran under was the pre-flight's. Nothing happens for a pact without budgets.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="call"/> does not record (its outcome was not <c>success</c>).</exception>
    /// <exception cref="BudgetScopeException">A budget that sees the call is per agent or per session and the call has no such id.</exception>
    public void Record(Pact pact, BudgetCall call, JsonElement parameters)
    {
        ArgumentNullException.ThrowIfNull(pact);
        if (!call.Records)
        {
            throw new ArgumentException("only a call that records (outcome success) is charged", nameof(call));
        }

        if (pact.CompiledBudgets.Length > 0)
        {
            _ = Apply(pact, null, call, new ElementCharger(parameters));
        }
    }

    /// <summary>As <see cref="Apply(Pact, Verdict, BudgetCall, JsonElement)"/>, for params as raw UTF-8 JSON (an object).</summary>
    public Verdict Apply(Pact pact, Verdict verdict, BudgetCall call, ReadOnlyMemory<byte> utf8Parameters)
    {
        ArgumentNullException.ThrowIfNull(pact);
        ArgumentNullException.ThrowIfNull(verdict);
        return pact.CompiledBudgets.Length == 0 ? verdict
            : Apply(pact, verdict, call, new Utf8Charger(utf8Parameters))!;
    }

    /// <summary>
    /// As <see cref="Apply(Pact, Verdict, BudgetCall, ReadOnlyMemory{byte})"/>, with the charges already read from the
    /// params (replay's scanning thread reads them beside the verdict); <paramref name="charges"/> holds one per budget.
    /// </summary>
    internal Verdict Apply(Pact pact, Verdict verdict, BudgetCall call, in Evaluating.ScannedCharges charges) =>
        pact.CompiledBudgets.Length == 0 ? verdict : Apply(pact, verdict, call, new ReadCharger(charges))!;

    /// <summary>How many (pact, budget, scope key) windows the book holds (for tests and metrics).</summary>
    public int WindowCount
    {
        get
        {
            lock (_lock)
            {
                return _store.Count;
            }
        }
    }

    /// <summary>
    /// Writes every window to <paramref name="utf8Json"/> as one JSON document (format <c>pacts-budgets/1</c>), with
    /// <paramref name="position"/> (where in its log the book stands, in the host's own terms: a line count, a ledger
    /// sequence) so a host can restore with <see cref="BudgetCheckpoint.Read"/> and feed only the calls after it.
    /// Calls wait while it writes, so the checkpoint is one consistent state.
    /// </summary>
    public void WriteCheckpoint(Stream utf8Json, string? position)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        lock (_lock)
        {
            BudgetCheckpoint.Write(utf8Json, position, _store.Windows);
        }
    }

    /// <summary>Judges and charges; with no <paramref name="verdict"/> (a record alone) only charges, and returns null.</summary>
    private Verdict? Apply<TCharger>(Pact pact, Verdict? verdict, BudgetCall call, in TCharger charger)
        where TCharger : struct, ICharger
    {
        List<Violation>? breaches = null;
        var index = -1;
        var at = call.AttemptedAt.UtcTicks / TimeSpan.TicksPerMicrosecond; // SPEC §6: whole microseconds
        at -= BudgetCheckpoint.UnixEpochMicros;
        lock (_lock)
        {
            foreach (var budget in pact.CompiledBudgets)
            {
                index++;
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

                var amount = charger.Charge(budget, index);
                var key = new BudgetKey(pact.Id, budget.Name, scope);
                var window = _store.Find(key);
                var t = window is { ClockMicros: { } clock } && clock > at ? clock : at; // time never runs backwards
                var used = window?.UsedAt(t, budget.WindowMicros, prune: call.Records) ?? DecimalSum.Zero;
                if (verdict is not null && !amount.IsZero && used + amount > budget.Max)
                {
                    (breaches ??= []).Add(new Violation(budget.Sum?.Text ?? "", budget.Severity, amount.ToString(), budget.Name, used.ToString(), budget.Message));
                }

                if (call.Records)
                {
                    if (window is null)
                    {
                        window = new BudgetWindow();
                        _store.Add(key, window);
                    }

                    window.Record(t, amount);
                }
            }
        }

        return breaches is null || verdict is null ? verdict
            : new Verdict(verdict.PactId, verdict.PactVersion, verdict.Tool, verdict.Bound, [.. verdict.Violations, .. breaches]);
    }

    /// <summary>A call's params, charged per budget without a closure (a passing call allocates nothing).</summary>
    private interface ICharger
    {
        DecimalSum Charge(CompiledBudget budget, int index);
    }

    private readonly struct ElementCharger(JsonElement parameters) : ICharger
    {
        public DecimalSum Charge(CompiledBudget budget, int index) =>
            budget.Charge<ElementNav, JsonElement, JsonElement.ObjectEnumerator, JsonElement.ArrayEnumerator>(parameters);
    }

    private readonly struct Utf8Charger(ReadOnlyMemory<byte> parameters) : ICharger
    {
        public DecimalSum Charge(CompiledBudget budget, int index) => budget.ChargeUtf8(parameters);
    }

    private readonly struct ReadCharger(Evaluating.ScannedCharges charges) : ICharger
    {
        public DecimalSum Charge(CompiledBudget budget, int index) => charges[index];
    }
}
