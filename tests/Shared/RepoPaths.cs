namespace Pacts.Testing.Shared;

/// <summary>The repository root and the sibling <c>shared/</c> folder, found from any test binary (one copy, linked into every test project).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string ExamplePacts => Path.Combine(Root, "examples", "pacts");

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pacts.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find Pacts.sln above the test binary");
    }
}
