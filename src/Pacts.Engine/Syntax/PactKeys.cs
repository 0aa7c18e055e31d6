namespace Pacts.Syntax;

/// <summary>
/// The pact format's own keys (SPEC §2–§3), in the order SPEC lists them. A rule's key is the rule's name and lives
/// with the rule (<c>Rules.RuleCatalogue</c>); the compiler, the linter and the schema read these lists, so the
/// vocabulary is written once.
/// </summary>
internal static class PactKeys
{
    /// <summary>The keys of a pact's top-level mapping; <c>$schema</c> (an editor hint) is last.</summary>
    public static readonly string[] Top = ["pact", "version", "description", "unboundTools", "bindings", "budgets", "$schema"];

    /// <summary>The keys of a budget (SPEC §10).</summary>
    public static readonly string[] Budget = ["name", "tools", "sum", "max", "window", "per", "severity", "message"];

    /// <summary>The keys of a binding.</summary>
    public static readonly string[] Binding = ["tool", "additionalParams", "conditions"];

    /// <summary>The keys every condition may hold beside its one rule.</summary>
    public static readonly string[] ConditionMeta = ["paramPath", "severity", "message", "when"];

    /// <summary>The keys of a <c>when</c> guard beside its rules (SPEC §4): a guard has no severity or message.</summary>
    public static readonly string[] GuardMeta = ["paramPath"];

    /// <summary>The rules a guard may not hold: <c>required</c> (a guard on an absent value simply does not hold).</summary>
    public static readonly string[] NotInGuard = ["required", "severity", "message", "when"];
}
