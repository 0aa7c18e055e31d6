namespace Pacts.Budgets;

/// <summary>
/// Which window a charge belongs to (SPEC §10): the pact's id, the budget's name and the scope key (the agent's id for
/// <c>per: agent</c>, the session's for <c>per: session</c>, the empty string for <c>per: pact</c>).
/// </summary>
/// <param name="PactId">The pact's id.</param>
/// <param name="Budget">The budget's name within the pact.</param>
/// <param name="Scope">The scope key.</param>
public readonly record struct BudgetKey(string PactId, string Budget, string Scope);
