using System.Text.RegularExpressions;

namespace Pacts.Cli.Tests;

public partial class ServeHelpTests
{
    [Fact]
    public void Serve_help_names_its_default_url_and_every_environment_variable_the_service_reads()
    {
        var (exit, help, _) = CliRunner.Run("serve", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("http://localhost:5000", help, StringComparison.Ordinal);
        var read = Directory.EnumerateFiles(Path.Combine(CliRunner.RepoRoot, "src", "Pacts.Server"), "*.cs")
            .SelectMany(f => EnvironmentVariable().Matches(File.ReadAllText(f)).Select(m => m.Value)).Distinct().ToList();
        Assert.NotEmpty(read);
        Assert.All(read, name => Assert.Contains(name, help, StringComparison.Ordinal));
        Assert.Contains("--data <DIR>", help, StringComparison.Ordinal);
        Assert.Contains("--urls <URL>", help, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("keys")]
    [InlineData("keys", "add")]
    [InlineData("ledger")]
    [InlineData("ledger", "verify")]
    [InlineData("ledger", "export")]
    public void Service_help_points_at_no_file_the_tool_package_does_not_ship(params string[] command)
    {
        var (exit, help, _) = CliRunner.Run([.. command, "--help"]);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("examples/", help, StringComparison.Ordinal);
    }

    [GeneratedRegex("PACTS_[A-Z_]+[A-Z]")]
    private static partial Regex EnvironmentVariable();
}
