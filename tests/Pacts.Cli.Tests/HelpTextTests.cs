namespace Pacts.Cli.Tests;

/// <summary>Help names what a value is and points only at paths a user has, not at this repository's examples/.</summary>
public class HelpTextTests
{
    [Theory]
    [InlineData("validate")]
    [InlineData("validate-call")]
    [InlineData("replay")]
    [InlineData("test")]
    [InlineData("serve")]
    public void Help_does_not_point_at_the_repository_examples(string command)
    {
        var (exit, stdout, _) = CliRunner.Run(command, "--help");
        Assert.Equal(0, exit);
        Assert.DoesNotContain("examples/", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_call_help_names_its_values()
    {
        var (_, stdout, _) = CliRunner.Run("validate-call", "--help");
        Assert.Contains("--pact <ID>", stdout, StringComparison.Ordinal);
        Assert.Contains("--tool <NAME>", stdout, StringComparison.Ordinal);
        Assert.Contains("--params <JSON|@FILE|->", stdout, StringComparison.Ordinal);
        Assert.Contains("--pacts <PATH>", stdout, StringComparison.Ordinal);
    }
}
