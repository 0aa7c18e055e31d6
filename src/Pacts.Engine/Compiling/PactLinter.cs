using Pacts.Diagnostics;
using Pacts.Evaluating;
using Pacts.Rules;
using Pacts.Syntax;

namespace Pacts.Compiling;

/// <summary>
/// Warnings for pacts that are legal but almost certainly not what their author meant: rules on the same
/// path that contradict each other across conditions. They never reject a pact.
/// </summary>
internal static class PactLinter
{
    public static void CheckBinding(IReadOnlyList<CompiledCondition> conditions, DiagnosticBag diagnostics)
    {
        if (!MayConflict(conditions))
        {
            return; // no two rules of the binding could clash: nothing to group (a wide pact has thousands of bindings)
        }

        // Conditions are grouped by the path as rendered, so `a.b` and `['a']['b']` meet.
        foreach (var group in conditions.GroupBy(c => c.Path.Render([], 0), StringComparer.Ordinal))
        {
            if (!MayConflict(group))
            {
                continue; // the common case, and a pact can hold thousands of conditions: no lists to build
            }

            var rules = group.SelectMany(c => c.Rules.Select(r => new RuleAt(c, r))).ToList();
            AllowedButDenied(rules, diagnostics);
            AllowedButRejectedByRegex(rules, diagnostics);
            TypeExcludesStringRules(rules, diagnostics);
        }
    }

    /// <summary>False when no check below can fire: no allow list meets a deny list or regex, no non-string type meets a string rule.</summary>
    private static bool MayConflict(IEnumerable<CompiledCondition> group)
    {
        bool allow = false, denyOrRegex = false, type = false, stringOnly = false;
        foreach (var c in group)
        {
            foreach (var r in c.Rules)
            {
                allow |= r is AllowListRule.Compiled;
                denyOrRegex |= r.Definition is DenyListRule || r is RegexRule.Compiled;
                type |= r.Definition is TypeRule;
                stringOnly |= r.Definition.Passes == ValueKinds.String;
            }
        }

        return (allow && denyOrRegex) || (type && stringOnly);
    }

    /// <summary>PACT103: a value one condition allows and another on the same path denies.</summary>
    private static void AllowedButDenied(List<RuleAt> rules, DiagnosticBag diagnostics)
    {
        foreach (var allow in rules.Where(r => r.Rule is AllowListRule.Compiled))
        {
            var set = ((AllowListRule.Compiled)allow.Rule).Set;
            foreach (var deny in rules.Where(r => r.Rule.Definition is DenyListRule && r.Condition != allow.Condition))
            {
                // A null never matches either list (PACT105 says so once per list): it is no conflict.
                foreach (var item in deny.Rule.Source.Items.Where(i => i.Kind != PactNodeKind.Null && set.Contains(i)))
                {
                    diagnostics.Warning(DiagnosticCodes.ConflictingConditions, item.Span,
                        $"`{item.Text}` is allowed by the condition at line {allow.Rule.Source.Span.Line} and denied here on the same path `{allow.Condition.Path.Text}`",
                        "the value can never pass: remove it from one of the lists");
                }
            }
        }
    }

    /// <summary>PACT104: an allow-list value that a regex on the same path rejects can never pass.</summary>
    private static void AllowedButRejectedByRegex(List<RuleAt> rules, DiagnosticBag diagnostics)
    {
        var regexes = rules.Where(r => r.Rule is RegexRule.Compiled).ToList();
        foreach (var allow in rules.Where(r => r.Rule is AllowListRule.Compiled))
        {
            foreach (var regex in regexes)
            {
                var compiled = (RegexRule.Compiled)regex.Rule;
                // A listed null is PACT105's to report: it never reaches the regex (null is absent), so it is not a dead value.
                var dead = allow.Rule.Source.Items.Where(i => i.Kind != PactNodeKind.Null && (i.Kind != PactNodeKind.String || !compiled.Matches(i.Text))).ToList();
                foreach (var item in dead)
                {
                    diagnostics.Warning(DiagnosticCodes.UnsatisfiableRequired, item.Span,
                        $"allowed value `{item.Text}` can never pass: the regex `{regex.Rule.Source.Text}` at line {regex.Rule.Source.Span.Line} rejects it",
                        dead.Count == allow.Rule.Source.Items.Count(i => i.Kind != PactNodeKind.Null) ? "no allowed value matches the regex, so no call can pass: fix the list or the pattern" : "remove the value or widen the pattern");
                }
            }
        }
    }

    /// <summary>PACT104: a non-string <c>type</c> with a string-only rule on the same path: no value satisfies both.</summary>
    private static void TypeExcludesStringRules(List<RuleAt> rules, DiagnosticBag diagnostics)
    {
        var type = rules.FirstOrDefault(r => r.Rule.Definition is TypeRule);
        if (type is null || type.Rule.Source.Text == "string")
        {
            return;
        }

        foreach (var r in rules.Where(r => r.Rule.Definition.Passes == ValueKinds.String))
        {
            diagnostics.Warning(DiagnosticCodes.UnsatisfiableRequired, r.Rule.Source.Span,
                $"`{r.Rule.Name}` only passes strings, but `type: {type.Rule.Source.Text}` at line {type.Rule.Source.Span.Line} only passes non-strings",
                "no present value can satisfy both: drop one of the rules");
        }
    }

    /// <summary>A rule and its condition. A class, not a value tuple: the list code then runs the framework's
    /// precompiled shared instantiations instead of being JIT-compiled when a CLI starts.</summary>
    private sealed record RuleAt(CompiledCondition Condition, CompiledRule Rule);
}
