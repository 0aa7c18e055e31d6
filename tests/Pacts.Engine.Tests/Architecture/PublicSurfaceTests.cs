using System.Reflection;
using System.Runtime.CompilerServices;

namespace Pacts.Engine.Tests.Architecture;

/// <summary>
/// The CLI and the service use the engine through its tracked public API (PublicAPI.Shipped.txt), never through
/// <c>InternalsVisibleTo</c>: only the engine's own tests and benchmarks see its internals.
/// </summary>
public class PublicSurfaceTests
{
    [Fact]
    public void Only_the_engines_tests_and_benchmarks_see_its_internals()
    {
        var friends = typeof(Pact).Assembly.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).Order(StringComparer.Ordinal);
        Assert.Equal(["Pacts.Benchmarks", "Pacts.Engine.Tests"], friends);
    }
}
