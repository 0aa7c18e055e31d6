namespace Pacts.Budgets;

/// <summary>
/// What a budget needs to know of a call beyond its params (SPEC §10): the tool, the scope ids, the event time and
/// whether it records. A call records when its outcome is <c>success</c>; a pre-flight check never records.
/// </summary>
/// <param name="Tool">The tool called.</param>
/// <param name="AgentId">The agent's id; null only for a pre-flight that gave none (an error for a per-agent budget).</param>
/// <param name="SessionId">The session's id; null only for a pre-flight that gave none (an error for a per-session budget).</param>
/// <param name="AttemptedAt">The call's <c>attemptedAt</c>; budgets compare it in whole microseconds.</param>
/// <param name="Records">True for a logged call with outcome <c>success</c>: its charge is recorded and sets the clock.</param>
public readonly record struct BudgetCall(string Tool, string? AgentId, string? SessionId, DateTimeOffset AttemptedAt, bool Records)
{
    /// <summary>Whether a logged call with this <c>outcome</c> records its charge (SPEC §10: only <c>success</c>).</summary>
    public static bool OutcomeRecords(string? outcome) => outcome == "success";
}
