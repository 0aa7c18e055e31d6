using System.Text.Json.Nodes;
using Pacts.Diagnostics;
using Pacts.Json;
using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary>
/// <c>required: true</c>: the path must resolve to a non-null value. It is the only rule that reports
/// absence, so the condition evaluator handles it while resolving the path; its compiled rule never fails on a present value.
/// <c>required: false</c> checks nothing and is not a rule.
/// </summary>
internal sealed class RequiredRule : RuleDefinition
{
    public override string Name => "required";

    public override string Description => "true: the value must be present and not null (with [*], in every element)";

    public override CompiledRule? Compile(PactNode value, RuleContext context)
    {
        if (value.Kind != PactNodeKind.Boolean)
        {
            context.Error(DiagnosticCodes.WrongType, value, $"`required` must be true or false, not {value.Describe()}");
            return null;
        }

        return value.Text == "true" ? new Compiled(this, value, $"`{context.PathText}` is required") : null;
    }

    public override JsonNode Schema() => new JsonObject { ["type"] = "boolean", ["description"] = Description };

    /// <summary><c>required: false</c> is allowed but is not a rule (SPEC §2).</summary>
    public override JsonNode CountsAsRule() => new JsonObject { ["const"] = true };

    private sealed class Compiled(RuleDefinition d, PactNode s, string m) : CompiledRule(d, s, m)
    {
        public override bool Fails(ref LocationValue value) => false;
    }
}
