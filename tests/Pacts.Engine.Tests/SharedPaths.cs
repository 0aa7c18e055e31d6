namespace Pacts.Tests;

/// <summary>Locates the repository and the sibling <c>shared/</c> directory from the test binary.</summary>
internal static class SharedPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string Conformance => Path.Combine(Shared, "conformance");

    public static string Bench => Path.Combine(Shared, "bench", "treasury-v1");

    public static string Examples => Path.Combine(RepoRoot, "examples");

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pacts.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find Pacts.sln above the test binary");
    }
}
