namespace Pacts.Syntax;

/// <summary>
/// The pact format's own keys (SPEC §2–§3), in the order SPEC lists them. A rule's key is the rule's name and lives
/// with the rule (<c>Rules.RuleCatalogue</c>); the compiler, the linter and the schema read these lists, so the
/// vocabulary is written once.
/// </summary>
internal static class PactKeys
{
    /// <summary>The keys of a pact's top-level mapping; <c>$schema</c> (an editor hint) is last.</summary>
    public static readonly string[] Top = ["pact", "version", "description", "unboundTools", "bindings", "$schema"];

    /// <summary>The keys of a binding.</summary>
    public static readonly string[] Binding = ["tool", "additionalParams", "conditions"];

    /// <summary>The keys every condition may hold beside its one rule.</summary>
    public static readonly string[] ConditionMeta = ["paramPath", "severity", "message"];
}
