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
