using System.Text.RegularExpressions;
using Pacts.Diagnostics;
using Pacts.Evaluating;
using Pacts.Numbers;
using Pacts.Paths;
using Pacts.Syntax;

namespace Pacts.Compiling;

/// <summary>The <c>budgets</c> section (SPEC §10): every compile-time error and warning the spec lists.</summary>
internal sealed partial class PactCompiler
{
    private static readonly string[] Scopes = ["agent", "session", "pact"];

    private CompiledBudget[] CompileBudgets(PactNode node, List<CompiledBinding> bindings)
    {
        if (node.Kind != PactNodeKind.Sequence)
        {
            _diagnostics.Error(DiagnosticCodes.WrongType, node.Span, $"`budgets` must be a list, not {node.Describe()}",
                "write `budgets:` followed by `- name: daily-outflow` entries");
            return [];
        }

        var names = new Dictionary<string, PactNode>(StringComparer.Ordinal);
        var budgets = new List<CompiledBudget>();
        foreach (var item in node.Items)
        {
            if (CompileBudget(item, names, bindings) is { } b)
            {
                budgets.Add(b);
            }
        }

        return [.. budgets];
    }

    private CompiledBudget? CompileBudget(PactNode node, Dictionary<string, PactNode> names, List<CompiledBinding> bindings)
    {
        if (node.Kind != PactNodeKind.Mapping)
        {
            _diagnostics.Error(DiagnosticCodes.WrongType, node.Span, $"a budget must be a mapping, not {node.Describe()}",
                "write `- name: daily-outflow` followed by `max:` and `window:`");
            return null;
        }

        var errorsBefore = _diagnostics.ErrorCount;
        string? name = null;
        List<string>? tools = null;
        PactNode? toolsNode = null;
        ParamPath? sum = null;
        PactNode? sumNode = null;
        DecimalSum? max = null;
        long? window = null;
        var per = BudgetScope.Agent;
        var severity = Severity.Major;
        string? message = null;
        foreach (var (key, value) in node.Entries)
        {
            switch (key.Text)
            {
                case "name":
                    name = ReadBudgetName(value, names);
                    break;
                case "tools":
                    toolsNode = value;
                    tools = ReadTools(value);
                    break;
                case "sum":
                    sumNode = value;
                    sum = ReadPath(value);
                    break;
                case "max":
                    max = ReadMax(value);
                    break;
                case "window":
                    window = ReadWindow(value);
                    break;
                case "per":
                    per = ReadEnum(value, "per", Scopes) switch { "session" => BudgetScope.Session, "pact" => BudgetScope.Pact, _ => BudgetScope.Agent };
                    break;
                case "severity":
                    severity = ReadSeverity(value, severity);
                    break;
                case "message":
                    message = ReadString(value, "message");
                    break;
                default:
                    Suggest.UnknownKey(_diagnostics, key.Text, key.Span, PactKeys.Budget, "a budget");
                    break;
            }
        }

        foreach (var (required, help) in new[] { ("name", "name it: `name: daily-outflow`"), ("max", "cap it: `max: 50000`"), ("window", "give its window: `window: 24h`") })
        {
            if (node.Find(required) is null)
            {
                _diagnostics.Error(DiagnosticCodes.MissingKey, node.Span, $"missing key `{required}` in a budget", help);
            }
        }

        if (_diagnostics.ErrorCount > errorsBefore || name is null || max is null || window is null)
        {
            return null;
        }

        WarnUnboundTools(tools, toolsNode, bindings);
        WarnUnusedSum(sum, sumNode, tools, bindings);
        return new CompiledBudget(name, tools, sum, max.Value, window.Value, per, severity, message);
    }

    private string? ReadBudgetName(PactNode value, Dictionary<string, PactNode> names)
    {
        if (ReadString(value, "name") is not { } name)
        {
            return null;
        }

        if (!BudgetNamePattern().IsMatch(name))
        {
            _diagnostics.Error(DiagnosticCodes.BadBudget, value.Span, $"invalid budget name `{name}`",
                "a budget name starts with a letter or digit, then letters, digits, `.`, `_` or `-`, at most 64 characters");
            return null;
        }

        if (!names.TryAdd(name, value))
        {
            _diagnostics.Error(DiagnosticCodes.BadBudget, value.Span, $"budget `{name}` is already declared at line {names[name].Span.Line}",
                "budget names are unique in a pact: rename one");
            return null;
        }

        return name;
    }

    private List<string>? ReadTools(PactNode value)
    {
        if (value.Kind != PactNodeKind.Sequence)
        {
            _diagnostics.Error(DiagnosticCodes.WrongType, value.Span, $"`tools` must be a list of tool names, not {value.Describe()}",
                "write `tools: [transfer_funds]`, or leave `tools` out to see every tool");
            return null;
        }

        if (value.Items.Count == 0)
        {
            _diagnostics.Error(DiagnosticCodes.EmptyList, value.Span, "`tools` cannot be empty", "name at least one tool, or leave `tools` out to see every tool");
            return null;
        }

        var tools = new List<string>();
        foreach (var item in value.Items)
        {
            if (ReadString(item, "a tool name") is { Length: > 0 } tool)
            {
                tools.Add(tool);
            }
        }

        return tools;
    }

    private DecimalSum? ReadMax(PactNode value)
    {
        if (value.Kind != PactNodeKind.Number)
        {
            _diagnostics.Error(DiagnosticCodes.WrongType, value.Span, $"`max` must be a number, not {value.Describe()}",
                value.Kind == PactNodeKind.String ? $"write it unquoted: `max: {value.Text}`" : "write a number such as `max: 50000`");
            return null;
        }

        var text = System.Text.Encoding.ASCII.GetBytes(value.Text);
        if (DecimalSum.IsBeyondExactRange(text))
        {
            _diagnostics.Error(DiagnosticCodes.BadBound, value.Span,
                $"`max` must be below 1E+{DecimalSum.ExactDigits} with no digit below 1E-{DecimalSum.ExactDigits}, not `{value.Text}`",
                "budgets sum exactly within that range");
            return null;
        }

        if (!DecimalSum.TryParseAmount(text, isString: false, out var max))
        {
            _diagnostics.Error(DiagnosticCodes.BadBound, value.Span, $"`max` must be at least 0, not `{value.Text}`", "a budget's cap is never negative");
            return null;
        }

        return max;
    }

    private long? ReadWindow(PactNode value)
    {
        var text = value.Kind == PactNodeKind.String ? value.Text : null;
        var m = text is null ? null : WindowPattern().Match(text);
        if (m is not { Success: true })
        {
            var shown = value.IsScalar ? $"`{value.Text}`" : value.Describe();
            _diagnostics.Error(DiagnosticCodes.BadBudget, value.Span, $"`window` must be a whole number from 1 to 999 followed by s, m, h or d, not {shown}",
                "write `window: 90m` rather than `1.5h`; `1d` is 86400 seconds");
            return null;
        }

        var count = long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var unit = m.Groups[2].Value switch { "s" => 1L, "m" => 60L, "h" => 3600L, _ => 86400L };
        return count * unit * 1_000_000;
    }

    /// <summary>SPEC §10 warning: a budget naming a tool the pact does not bind would never fire for a typo.</summary>
    private void WarnUnboundTools(List<string>? tools, PactNode? toolsNode, List<CompiledBinding> bindings)
    {
        if (tools is null || toolsNode is null)
        {
            return;
        }

        var bound = bindings.Select(b => b.Tool).ToArray();
        for (var i = 0; i < tools.Count && i < toolsNode.Items.Count; i++)
        {
            if (!bound.Contains(tools[i], StringComparer.Ordinal))
            {
                var near = Suggest.Closest(tools[i], bound);
                _diagnostics.Warning(DiagnosticCodes.BudgetToolUnbound, toolsNode.Items[i].Span, $"budget tool `{tools[i]}` has no binding in this pact",
                    near is not null ? $"did you mean `{near}`?" : "bind the tool, or check its name: a budget still sees unbound calls, but a typo never fires");
            }
        }
    }

    /// <summary>SPEC §10 warning: a <c>sum</c> path that no binding of the budget's tools mentions.</summary>
    private void WarnUnusedSum(ParamPath? sum, PactNode? sumNode, List<string>? tools, List<CompiledBinding> bindings)
    {
        if (sum is null || sumNode is null)
        {
            return;
        }

        var rendered = sum.Render([], 0);
        var mentioned = bindings
            .Where(b => tools is null || tools.Contains(b.Tool, StringComparer.Ordinal))
            .SelectMany(b => b.Conditions)
            .Any(c => c.Path.Render([], 0) == rendered || (c.Guards?.Any(g => g.Path.Render([], 0) == rendered) ?? false));
        if (!mentioned)
        {
            _diagnostics.Warning(DiagnosticCodes.BudgetSumUnmentioned, sumNode.Span, $"no binding of this budget's tools has a condition on `{sum.Text}`",
                "check the path's spelling, or add a condition such as `required: true` on it");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\z")]
    private static partial Regex BudgetNamePattern();

    [GeneratedRegex("^([1-9][0-9]{0,2})([smhd])\\z")]
    private static partial Regex WindowPattern();
}
