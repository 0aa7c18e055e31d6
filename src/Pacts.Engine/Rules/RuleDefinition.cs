using System.Text.Json.Nodes;
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

    /// <summary>
    /// The kinds of value that can pass this rule at all (a string rule fails every number): the linter reads it to
    /// find rules no value can meet together (PACT104 under a non-string <c>type</c>), so no checker keeps name lists.
    /// </summary>
    public virtual ValueKinds Passes => ValueKinds.Any;

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
