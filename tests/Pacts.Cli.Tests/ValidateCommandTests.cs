namespace Pacts.Cli.Tests;

/// <summary><c>pacts validate</c>'s exit codes and its JSON's text.</summary>
public class ValidateCommandTests
{
    /// <summary>A valid pact with one warning (PACT101, a list value given twice: its message quotes it in backticks).</summary>
    private const string WarnedPact = """
        pact: p
        bindings:
          - tool: t
            conditions:
              - paramPath: a
                allowList: [a+b<c, a+b<c]
        """;

    private static (int Exit, string Out, string Err) ValidateFile(string pact, params string[] options)
    {
        var dir = Directory.CreateTempSubdirectory("pacts-validate-").FullName;
        try
        {
            var file = Path.Combine(dir, "p.pact.yaml");
            File.WriteAllText(file, pact);
            return CliRunner.Run(["validate", file, .. options]);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 1)]
    public void Warnings_fail_the_run_only_with_strict(bool strict, int expected)
    {
        var (exit, stdout, stderr) = ValidateFile(WarnedPact, strict ? ["--strict"] : []);
        Assert.Empty(stderr);
        Assert.Contains("warning PACT101", stdout, StringComparison.Ordinal);
        Assert.Equal(expected, exit);
    }

    [Fact]
    public void Strict_passes_a_pact_with_no_diagnostic()
    {
        var (exit, _, _) = ValidateFile(WarnedPact.Replace(", a+b<c]", "]", StringComparison.Ordinal), "--strict");
        Assert.Equal(0, exit);
    }

    [Fact]
    public void Json_diagnostics_keep_backticks_plus_and_angle_brackets_raw()
    {
        var (exit, stdout, _) = ValidateFile(WarnedPact, "--format", "json");
        Assert.Equal(0, exit);
        Assert.Contains("`a+b<c`", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", stdout, StringComparison.Ordinal);
    }
}

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
