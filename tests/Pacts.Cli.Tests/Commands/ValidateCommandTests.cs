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

    // A minified JSON pact is one line: its diagnostics show the part around the column, not 20 KB per error.
    [Theory]
    [InlineData(0)] // the error near the start: no cut before it
    [InlineData(400)] // in the middle
    [InlineData(799)] // at the end
    public void A_long_source_line_is_shown_cut_around_the_column_with_the_caret_in_the_value(int at)
    {
        var conditions = Enumerable.Range(0, 800).Select(i => i == at ? """{"paramPath":"bad","regex":"(x"}""" : $$"""{"paramPath":"p{{i}}","maxLength":5}""");
        var (exit, stdout, _) = ValidateFile("""{"pact":"p","bindings":[{"tool":"t","conditions":[""" + string.Join(",", conditions) + "]}]}");
        Assert.Equal(1, exit);
        var lines = stdout.Split('\n');
        var source = lines[1][(lines[1].IndexOf('|', StringComparison.Ordinal) + 2)..];
        var caret = lines[2].IndexOf('^', StringComparison.Ordinal) - (lines[2].IndexOf('|', StringComparison.Ordinal) + 2);
        Assert.InRange(source.Length, 100, Rendering.DiagnosticRenderer.MaxShown + 2);
        Assert.Equal(at > 0, source.StartsWith('…'));
        Assert.Equal(at < 799, source.EndsWith('…'));
        var regex = source.IndexOf("\"(x\"", StringComparison.Ordinal); // the caret marks where the regex stops parsing
        Assert.InRange(caret, regex, regex + 4);
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
