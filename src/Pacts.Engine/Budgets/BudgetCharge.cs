namespace Pacts.Budgets;

/// <summary>One recorded charge inside a window: its budget time and its exact amount in SPEC §10 notation.</summary>
/// <param name="AtMicros">The budget time, in whole microseconds since the Unix epoch (UTC).</param>
/// <param name="Amount">The amount charged (positive), as SPEC §10 writes it (<c>7500</c>, <c>0.5</c>, <c>1E+400</c>).</param>
public readonly record struct BudgetCharge(long AtMicros, string Amount);
