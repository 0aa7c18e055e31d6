using Pacts.Evaluating;

namespace Pacts.Budgets;

/// <summary>
/// A pre-flight check reached a budget that needs an agent or session id the request did not give (SPEC §10): an
/// error naming the budget, never a silent skip.
/// </summary>
public sealed class BudgetScopeException : Exception
{
    /// <summary>Creates the error for <paramref name="budget"/>, which counts per <paramref name="per"/>.</summary>
    public BudgetScopeException(string budget, BudgetScope per)
        : base($"budget `{budget}` counts per {(per == BudgetScope.Agent ? "agent" : "session")}: give the call's {(per == BudgetScope.Agent ? "agent id" : "session id")}")
    {
        Budget = budget;
        Per = per;
    }

    /// <summary>The budget that needs the id.</summary>
    public string Budget { get; }

    /// <summary>Which id it needs.</summary>
    public BudgetScope Per { get; }
}
