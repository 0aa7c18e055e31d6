using System.Text.Json.Nodes;
using Pacts.Diagnostics;
using Pacts.Evaluating;
using Pacts.Json;
using Pacts.Numbers;
using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary>
/// One kind of rule as the spec names it: its pact syntax and compile-time checks (<see cref="Compile"/>),
/// its schema fragment (<see cref="Schema"/>) and, through the <see cref="CompiledRule"/> it builds, its predicate.
/// Adding a rule means adding one file with a subclass and one line in <see cref="RuleCatalogue"/>.
/// </summary>
internal abstract class RuleDefinition
{
    /// <summary>The key in a condition, and the <c>rule</c> of its violations.</summary>
    public abstract string Name { get; }

    /// <summary>One line for the schema and the docs.</summary>
    public abstract string Description { get; }

    /// <summary>Position in the catalogue; violations of one condition are ordered by it (SPEC §5).</summary>
    public int Order { get; internal set; }

    /// <summary>Compiles the rule's pact value, reporting every problem; null when it has none to check.</summary>
    public abstract CompiledRule? Compile(PactNode value, RuleContext context);

    /// <summary>Checks that need the condition's other rules (allow/deny overlap, min/max length).</summary>
    public virtual void CheckWithSiblings(CompiledRule self, IReadOnlyList<CompiledRule> siblings, RuleContext context)
    {
    }

    /// <summary>The JSON Schema of the rule's value in a pact document.</summary>
    public abstract JsonNode Schema();

    /// <summary>
    /// The schema a value of this key must also meet for the key to count as a rule (SPEC §2: a condition needs at
    /// least one); <c>true</c> for every rule but <c>required</c>, whose <c>false</c> checks nothing.
    /// </summary>
    public virtual JsonNode CountsAsRule() => JsonValue.Create(true);
}

/// <summary>
/// A rule compiled for one condition: immutable and thread-safe. <see cref="Fails"/> runs for every
/// present, non-null location; it must not allocate when the value passes.
/// </summary>
internal abstract class CompiledRule(RuleDefinition definition, PactNode source, string message)
{
    public RuleDefinition Definition { get; } = definition;

    private PactNode? _source = source;

    /// <summary>
    /// The pact node the rule was compiled from, for compile-time checks (the linter, rule implications). Released
    /// once the pact is compiled (<see cref="ReleaseSource"/>), so a compiled pact does not keep its document's
    /// tree alive: for a pact with long lists that tree is several times the text's size.
    /// </summary>
    public PactNode Source => _source ?? throw new InvalidOperationException("a compiled rule's source node is released once its pact is compiled");

    /// <summary>Drops <see cref="Source"/>; called once the whole pact is compiled.</summary>
    public void ReleaseSource() => _source = null;

    /// <summary>The generated message naming the rule and its bound.</summary>
    public string Message { get; } = message;

    public string Name => Definition.Name;

    public abstract bool Fails(ref LocationValue value);

    /// <summary>
    /// True when every value this rule passes passes <paramref name="other"/> too, as a fact of the compiled pact
    /// (an <c>allowList</c> and the <c>denyList</c> beside it, which may not overlap). A condition then runs this
    /// rule first and skips <paramref name="other"/> whenever it passes: the verdict is the same, one rule cheaper.
    /// </summary>
    public virtual bool PassImplies(CompiledRule other) => false;
}

/// <summary>What a rule needs while it compiles: where to report, and what its condition addresses.</summary>
internal sealed class RuleContext(DiagnosticBag diagnostics, string paramPathText)
{
    public DiagnosticBag Diagnostics { get; } = diagnostics;

    /// <summary>The condition's <c>paramPath</c> as written, for generated messages.</summary>
    public string PathText { get; } = paramPathText;

    public void Error(string code, PactNode at, string message, string? help = null) => Diagnostics.Error(code, at.Span, message, help);

    public void Warning(string code, PactNode at, string message, string? help = null) => Diagnostics.Warning(code, at.Span, message, help);

    /// <summary>Reads a number value, reporting a wrong type.</summary>
    public bool TryNumber(PactNode node, string what, out byte[] utf8)
    {
        if (node.Kind != PactNodeKind.Number)
        {
            Error(DiagnosticCodes.WrongType, node, $"{what} must be a number, not {node.Describe()}");
            utf8 = [];
            return false;
        }

        utf8 = System.Text.Encoding.UTF8.GetBytes(node.Text);
        return true;
    }

    /// <summary>Reads a non-negative integer (<c>5</c>, <c>5.0</c>), reporting a wrong type or a negative value.</summary>
    public bool TryCount(PactNode node, string what, out int count)
    {
        count = 0;
        if (!TryNumber(node, what, out var utf8))
        {
            return false;
        }

        var parts = ExactDecimal.ParseTrusted(utf8);
        if (parts.Negative && !parts.IsZero)
        {
            Error(DiagnosticCodes.BadBound, node, $"{what} must be at least 0, not `{node.Text}`");
            return false;
        }

        if (!ExactDecimal.IsInteger(parts))
        {
            Error(DiagnosticCodes.WrongType, node, $"{what} must be a whole number, not `{node.Text}`");
            return false;
        }

        var max = ExactDecimal.ParseTrusted("2147483647"u8);
        count = ExactDecimal.Compare(parts, max) > 0
            ? int.MaxValue
            : (int)decimal.Parse(node.Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }
}
