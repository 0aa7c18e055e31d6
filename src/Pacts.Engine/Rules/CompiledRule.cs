using Pacts.Json;
using Pacts.Syntax;

namespace Pacts.Rules;

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
