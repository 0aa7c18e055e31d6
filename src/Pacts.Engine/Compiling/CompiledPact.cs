using System.Collections.Frozen;
using Pacts.Evaluating;
using Pacts.Text;

namespace Pacts.Compiling;

/// <summary>
/// What the compiler makes of a pact document: its header and its compiled bindings, keyed by tool. Compiled data
/// only; <see cref="Pact"/> wraps it as the engine's face.
/// </summary>
/// <param name="Id">The pact id (<c>pact:</c>).</param>
/// <param name="Version">The pact version (<c>version:</c>, default 1).</param>
/// <param name="Description">The optional description.</param>
/// <param name="DenyUnboundTools">True when <c>unboundTools: deny</c>.</param>
/// <param name="Bindings">The compiled bindings, by tool name.</param>
/// <param name="Tools">The bound tool names, in file order.</param>
/// <param name="IdSpan">Where the id is written.</param>
/// <param name="Budgets">The budgets (SPEC §10), in pact order; empty for a stateless pact.</param>
internal sealed record CompiledPact(
    string Id,
    int Version,
    string? Description,
    bool DenyUnboundTools,
    FrozenDictionary<string, CompiledBinding> Bindings,
    string[] Tools,
    SourceSpan IdSpan,
    CompiledBudget[] Budgets);
