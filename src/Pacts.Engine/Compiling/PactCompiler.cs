using System.Collections.Frozen;
using System.Globalization;
using Pacts.Diagnostics;
using Pacts.Evaluating;
using Pacts.Json;
using Pacts.Paths;
using Pacts.Rules;
using Pacts.Syntax;

namespace Pacts.Compiling;

/// <summary>
/// Checks a pact document (SPEC §2–§4) and compiles it into an immutable <see cref="CompiledPact"/>. Every problem
/// is collected; compilation continues past errors so one run reports them all.
/// </summary>
internal sealed partial class PactCompiler
{
    private static readonly string[] AllowDeny = ["allow", "deny"];
    private static readonly string[] Severities = ["critical", "major", "minor"];
    private static readonly string[] ConditionKeys = [.. PactKeys.ConditionMeta, .. RuleCatalogue.All.Select(r => r.Name)];
    private static readonly string[] GuardKeys = [.. PactKeys.GuardMeta, .. RuleCatalogue.All.Select(r => r.Name).Except(PactKeys.NotInGuard)];

    private readonly DiagnosticBag _diagnostics;

    private PactCompiler(DiagnosticBag diagnostics) => _diagnostics = diagnostics;

    public static CompiledPact? Compile(PactNode root, DiagnosticBag diagnostics) => new PactCompiler(diagnostics).CompilePact(root);

    private CompiledPact? CompilePact(PactNode root)
    {
        if (root.Kind != PactNodeKind.Mapping)
        {
            _diagnostics.Error(DiagnosticCodes.WrongType, root.Span, $"a pact must be a mapping, not {root.Describe()}",
                "start with `pact: my-pact-id`");
            return null;
        }

        string? id = null;
        var idSpan = root.Span;
        var version = 1;
        string? description = null;
        var denyUnbound = false;
        PactNode? bindingsNode = null;
        PactNode? budgetsNode = null;
        foreach (var (key, value) in root.Entries)
        {
            switch (key.Text)
            {
                case "pact":
                    id = ReadId(value);
                    idSpan = value.Span;
                    break;
                case "version":
                    version = ReadVersion(value);
                    break;
                case "description":
                    description = ReadString(value, "description");
                    break;
                case "unboundTools":
                    denyUnbound = ReadEnum(value, "unboundTools", AllowDeny) == "deny";
                    break;
                case "bindings":
                    bindingsNode = value;
                    break;
                case "budgets":
                    budgetsNode = value;
                    break;
                case "$schema":
                    break; // editor hint for JSON pacts; documented as ignored
                default:
                    Suggest.UnknownKey(_diagnostics, key.Text, key.Span, PactKeys.Top[..^1], "a pact");
                    break;
            }
        }

        if (root.Find("pact") is null)
        {
            _diagnostics.Error(DiagnosticCodes.MissingKey, root.Span, "missing key `pact`", "every pact needs an id: `pact: my-pact-id`");
        }

        if (bindingsNode is null)
        {
            _diagnostics.Error(DiagnosticCodes.MissingKey, root.Span, "missing key `bindings`", "add `bindings: []` for a pact that binds no tool");
        }

        var bindings = new List<CompiledBinding>();
        if (bindingsNode is not null)
        {
            if (bindingsNode.Kind != PactNodeKind.Sequence)
            {
                _diagnostics.Error(DiagnosticCodes.WrongType, bindingsNode.Span, $"`bindings` must be a list, not {bindingsNode.Describe()}");
            }
            else
            {
                var tools = new Dictionary<string, PactNode>(StringComparer.Ordinal);
                foreach (var b in bindingsNode.Items)
                {
                    var binding = CompileBinding(b, id ?? "", version, tools);
                    if (binding is not null)
                    {
                        bindings.Add(binding);
                    }
                }
            }
        }

        var budgets = budgetsNode is null ? [] : CompileBudgets(budgetsNode, bindings);
        if (_diagnostics.HasErrors || id is null)
        {
            return null;
        }

        // Every compile-time check has run: the pact keeps no node of the document from here on.
        foreach (var binding in bindings)
        {
            foreach (var condition in binding.Conditions)
            {
                foreach (var rule in condition.AllRules)
                {
                    rule.ReleaseSource();
                }
            }
        }

        return new CompiledPact(id, version, description, denyUnbound, bindings.ToFrozenDictionary(b => b.Tool, StringComparer.Ordinal), [.. bindings.Select(b => b.Tool)], idSpan, budgets);
    }

    private CompiledBinding? CompileBinding(PactNode node, string pactId, int version, Dictionary<string, PactNode> tools)
    {
        if (node.Kind != PactNodeKind.Mapping)
        {
            _diagnostics.Error(DiagnosticCodes.WrongType, node.Span, $"a binding must be a mapping, not {node.Describe()}",
                "write `- tool: name` followed by `conditions:`");
            return null;
        }

        string? tool = null;
        var denyAdditional = false;
        PactNode? conditionsNode = null;
        foreach (var (key, value) in node.Entries)
        {
            switch (key.Text)
            {
                case "tool":
                    tool = ReadString(value, "tool");
                    if (tool is { Length: 0 })
                    {
                        _diagnostics.Error(DiagnosticCodes.WrongType, value.Span, "`tool` cannot be empty");
                        tool = null;
                    }
                    else if (tool is not null && !tools.TryAdd(tool, value))
                    {
                        _diagnostics.Error(DiagnosticCodes.DuplicateTool, value.Span,
                            $"tool `{tool}` is already bound at line {tools[tool].Span.Line}", "merge the two bindings into one");
                        tool = null;
                    }

                    break;
                case "additionalParams":
                    denyAdditional = ReadEnum(value, "additionalParams", AllowDeny) == "deny";
                    break;
                case "conditions":
                    conditionsNode = value;
                    break;
                default:
                    Suggest.UnknownKey(_diagnostics, key.Text, key.Span, PactKeys.Binding, "a binding");
                    break;
            }
        }

        if (node.Find("tool") is null)
        {
            _diagnostics.Error(DiagnosticCodes.MissingKey, node.Span, "missing key `tool` in a binding", "name the tool: `tool: transfer_funds`");
        }

        if (conditionsNode is null)
        {
            _diagnostics.Error(DiagnosticCodes.MissingKey, node.Span, "missing key `conditions` in a binding",
                "add `conditions: []` to allow the tool with any params");
        }

        var conditions = new List<CompiledCondition>();
        if (conditionsNode is not null)
        {
            if (conditionsNode.Kind != PactNodeKind.Sequence)
            {
                _diagnostics.Error(DiagnosticCodes.WrongType, conditionsNode.Span, $"`conditions` must be a list, not {conditionsNode.Describe()}");
            }
            else
            {
                foreach (var c in conditionsNode.Items)
                {
                    var condition = CompileCondition(c);
                    if (condition is not null)
                    {
                        conditions.Add(condition);
                    }
                }
            }
        }

        // Conditions behind guards may apply to different calls, so only the unguarded ones can clash.
        Compiling.PactLinter.CheckBinding([.. conditions.Where(c => c.Guards is null)], _diagnostics);
        return tool is null ? null : new CompiledBinding(tool, denyAdditional, [.. conditions], new Verdict(pactId, version, tool, true, []));
    }

    private CompiledCondition? CompileCondition(PactNode node)
    {
        if (node.Kind != PactNodeKind.Mapping)
        {
            _diagnostics.Error(DiagnosticCodes.WrongType, node.Span, $"a condition must be a mapping, not {node.Describe()}",
                "write `- paramPath: amount` followed by its rules");
            return null;
        }

        var errorsBefore = _diagnostics.ErrorCount;
        ParamPath? path = null;
        var severity = Severity.Major;
        string? message = null;
        var pathText = node.Find("paramPath")?.Value is { Kind: PactNodeKind.String } p ? p.Text : "?";
        var context = new RuleContext(_diagnostics, pathText);
        var compiled = new List<CompiledRule>();
        var ruleKeys = 0;
        var unknownKeys = 0;
        CompiledGuard[]? guards = null;
        foreach (var (key, value) in node.Entries)
        {
            switch (key.Text)
            {
                case "paramPath":
                    path = ReadPath(value);
                    break;
                case "when":
                    guards = CompileGuards(value);
                    break;
                case "severity":
                    severity = ReadSeverity(value, severity);
                    break;
                case "message":
                    message = ReadString(value, "message");
                    break;
                default:
                    var rule = RuleCatalogue.Find(key.Text);
                    if (rule is null)
                    {
                        Suggest.UnknownKey(_diagnostics, key.Text, key.Span, ConditionKeys, "a condition");
                        unknownKeys++;
                        break;
                    }

                    var isRequiredFalse = rule is RequiredRule && value.Kind == PactNodeKind.Boolean && value.Text == "false";
                    if (!isRequiredFalse)
                    {
                        ruleKeys++;
                    }

                    if (rule.Compile(value, context) is { } c)
                    {
                        compiled.Add(c);
                    }

                    break;
            }
        }

        if (node.Find("paramPath") is null)
        {
            _diagnostics.Error(DiagnosticCodes.MissingKey, node.Span, "missing key `paramPath` in a condition", "say which param it checks: `paramPath: amount`");
        }

        if (ruleKeys == 0 && unknownKeys == 0)
        {
            _diagnostics.Error(DiagnosticCodes.NoRule, node.Span, $"condition on `{pathText}` has no rule",
                "add a rule such as `required: true`, `allowList` or `maxAmount`, or remove the condition");
        }

        compiled.Sort((a, b) => a.Definition.Order.CompareTo(b.Definition.Order));
        foreach (var c in compiled)
        {
            c.Definition.CheckWithSiblings(c, compiled, context);
        }

        if (path is null || _diagnostics.ErrorCount > errorsBefore)
        {
            return null;
        }

        // `required` is kept apart (it reports absences; the rest judge present values). Loops: a wide pact compiles
        // thousands of conditions, and a closure and an iterator each would be garbage to collect.
        CompiledRule? required = null;
        var rules = new CompiledRule[compiled.Count - (compiled.Exists(static c => c.Definition is RequiredRule) ? 1 : 0)];
        var n = 0;
        foreach (var c in compiled)
        {
            if (required is null && c.Definition is RequiredRule)
            {
                required = c;
            }
            else
            {
                rules[n++] = c;
            }
        }

        return new CompiledCondition(path, severity, message, required, rules, guards);
    }

    /// <summary>A condition's <c>when</c>: one guard (a mapping) or a non-empty list of them (SPEC §4).</summary>
    private CompiledGuard[]? CompileGuards(PactNode node)
    {
        if (node.Kind == PactNodeKind.Mapping)
        {
            return CompileGuard(node) is { } one ? [one] : null;
        }

        if (node.Kind != PactNodeKind.Sequence)
        {
            _diagnostics.Error(DiagnosticCodes.WrongType, node.Span, $"`when` must be a guard or a list of guards, not {node.Describe()}",
                "write `when: {paramPath: currency, allowList: [DAI]}`, or remove `when` to check the condition on every call");
            return null;
        }

        if (node.Items.Count == 0)
        {
            _diagnostics.Error(DiagnosticCodes.EmptyList, node.Span, "`when` cannot be an empty list",
                "give at least one guard, or remove `when` to check the condition on every call");
            return null;
        }

        var guards = new List<CompiledGuard>();
        var failed = false;
        foreach (var item in node.Items)
        {
            if (CompileGuard(item) is { } g)
            {
                guards.Add(g);
            }
            else
            {
                failed = true;
            }
        }

        return failed ? null : [.. guards];
    }

    private CompiledGuard? CompileGuard(PactNode node)
    {
        if (node.Kind != PactNodeKind.Mapping)
        {
            _diagnostics.Error(DiagnosticCodes.WrongType, node.Span, $"a guard must be a mapping, not {node.Describe()}",
                "write `- paramPath: currency` followed by the rules its value must pass");
            return null;
        }

        var errorsBefore = _diagnostics.ErrorCount;
        ParamPath? path = null;
        var pathText = node.Find("paramPath")?.Value is { Kind: PactNodeKind.String } p ? p.Text : "?";
        var context = new RuleContext(_diagnostics, pathText);
        var compiled = new List<CompiledRule>();
        foreach (var (key, value) in node.Entries)
        {
            if (key.Text == "paramPath")
            {
                path = ReadPath(value);
                if (path is { WildcardCount: > 0 })
                {
                    _diagnostics.Error(DiagnosticCodes.BadParamPath, value.Span, $"a guard's paramPath cannot contain `[*]`: `{path.Text}`",
                        "a guard reads one value; name it with a key or an index, such as `items[0].kind`");
                    path = null;
                }

                continue;
            }

            if (PactKeys.NotInGuard.Contains(key.Text))
            {
                _diagnostics.Error(DiagnosticCodes.UnknownKey, key.Span, $"`{key.Text}` is not allowed in a guard",
                    key.Text == "required"
                        ? "a guard on an absent value does not hold; remove `required`"
                        : $"`{key.Text}` belongs to the condition, beside `when`");
                continue;
            }

            var rule = RuleCatalogue.Find(key.Text);
            if (rule is null)
            {
                Suggest.UnknownKey(_diagnostics, key.Text, key.Span, GuardKeys, "a guard");
                continue;
            }

            if (rule.Compile(value, context) is { } c)
            {
                compiled.Add(c);
            }
        }

        if (node.Find("paramPath") is null)
        {
            _diagnostics.Error(DiagnosticCodes.MissingKey, node.Span, "missing key `paramPath` in a guard", "say which param it reads: `paramPath: currency`");
        }

        compiled.Sort((a, b) => a.Definition.Order.CompareTo(b.Definition.Order));
        foreach (var c in compiled)
        {
            c.Definition.CheckWithSiblings(c, compiled, context);
        }

        return path is null || _diagnostics.ErrorCount > errorsBefore ? null : new CompiledGuard(path, [.. compiled]);
    }

    private ParamPath? ReadPath(PactNode value)
    {
        if (ReadString(value, "paramPath") is not { } text)
        {
            return null;
        }

        if (!ParamPath.TryParse(text, out var path, out var error))
        {
            _diagnostics.Error(DiagnosticCodes.BadParamPath, value.Span, $"malformed paramPath `{text}`: {error}",
                "paths look like `a.b`, `items[0]`, `items[*].sku` or `['key.with.dots']`");
            return null;
        }

        return path;
    }

    private string? ReadId(PactNode value)
    {
        if (ReadString(value, "pact") is not { } id)
        {
            return null;
        }

        if (!PactIdPattern().IsMatch(id))
        {
            _diagnostics.Error(DiagnosticCodes.BadPactId, value.Span, $"invalid pact id `{id}`",
                "an id starts with a letter or digit, then letters, digits, `.`, `_` or `-`, at most 128 characters");
            return null;
        }

        return id;
    }

    private int ReadVersion(PactNode value)
    {
        if (value.Kind == PactNodeKind.Number && JsonNumberText.IsIntegerLiteral(value.Text)
            && int.TryParse(value.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= 1)
        {
            return v;
        }

        var shown = value.Kind == PactNodeKind.String ? $"the string `{value.Text}`" : value.IsScalar ? $"`{value.Text}`" : value.Describe();
        _diagnostics.Error(DiagnosticCodes.BadVersion, value.Span, $"`version` must be an integer of at least 1, not {shown}",
            value.Kind == PactNodeKind.String ? "write it unquoted: `version: 3`" : "write a whole number such as `version: 3`");
        return 1;
    }

    private string? ReadString(PactNode value, string key)
    {
        if (value.Kind == PactNodeKind.String)
        {
            return value.Text;
        }

        _diagnostics.Error(DiagnosticCodes.WrongType, value.Span, $"`{key}` must be a string, not {value.Describe()}",
            value.IsScalar ? $"quote it: `{key}: \"{value.Text}\"`" : null);
        return null;
    }

    /// <summary>A <c>severity</c> value; <paramref name="fallback"/> (with an error reported) when it is none of the three.</summary>
    private Severity ReadSeverity(PactNode value, Severity fallback) =>
        ReadEnum(value, "severity", Severities) is { } s && SeverityNames.TryParse(s, out var severity) ? severity : fallback;

    private string? ReadEnum(PactNode value, string key, string[] allowed)
    {
        if (value.Kind == PactNodeKind.String && allowed.Contains(value.Text))
        {
            return value.Text;
        }

        var shown = value.IsScalar ? $"`{value.Text}`" : value.Describe();
        var near = value.Kind == PactNodeKind.String ? Suggest.Closest(value.Text, allowed) : null;
        _diagnostics.Error(DiagnosticCodes.BadEnumValue, value.Span, $"`{key}` must be {string.Join(" or ", allowed.Select(a => $"`{a}`"))}, not {shown}",
            near is not null ? $"did you mean `{near}`?" : null);
        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\\z")]
    private static partial System.Text.RegularExpressions.Regex PactIdPattern();
}
