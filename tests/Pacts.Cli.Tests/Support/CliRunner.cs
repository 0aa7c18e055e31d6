using System.Text;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Pacts.Cli.Tests;

/// <summary>Runs the CLI in-process from the repository root, capturing stdout and stderr.</summary>
internal static class CliRunner
{
    public static string RepoRoot => Pacts.Testing.Shared.RepoPaths.Root;

    public static (int Exit, string Out, string Err) RunWithStdin(string stdin, params string[] args)
    {
        var previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(RepoRoot);
        try
        {
            var stdout = new StringWriter { NewLine = "\n" };
            var stderr = new StringWriter { NewLine = "\n" };
            var context = new CliContext(stdout, stderr, () => new MemoryStream(Encoding.UTF8.GetBytes(stdin)));
            var exit = Cli.Run(args, context);
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }

    public static (int Exit, string Out, string Err) Run(params string[] args) => RunWithStdin("", args);

    /// <summary>Compares with <c>golden/NAME</c>; set <c>PACTS_UPDATE_GOLDEN=1</c> to rewrite the files.</summary>
    public static void Golden(string name, string actual)
    {
        var path = Path.Combine(RepoRoot, "tests", "Pacts.Cli.Tests", "golden", name);
        if (Environment.GetEnvironmentVariable("PACTS_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"missing golden file {path}; run the tests once with PACTS_UPDATE_GOLDEN=1");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
