namespace Pacts.Tests;

/// <summary>Locates the repository and the sibling <c>shared/</c> directory from the test binary.</summary>
internal static class SharedPaths
{
    public static string RepoRoot => Pacts.Testing.Shared.RepoPaths.Root;

    public static string Shared => Pacts.Testing.Shared.RepoPaths.Shared;

    public static string Conformance => Path.Combine(Shared, "conformance");

    /// <summary>The floor for guards and budgets (SPEC §4 <c>when</c>, §10).</summary>
    public static string ConformanceNext => Path.Combine(Shared, "conformance-next");

    public static string Bench => Path.Combine(Shared, "bench", "treasury-v1");

    public static string Examples => Path.Combine(RepoRoot, "examples");
}
