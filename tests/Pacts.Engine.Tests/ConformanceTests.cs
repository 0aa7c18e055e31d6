using System.Text.RegularExpressions;
using Pacts.Testing;

namespace Pacts.Tests;

/// <summary>Runs every case of <c>../shared/conformance</c> through the engine.</summary>
public partial class ConformanceTests
{
    public static TheoryData<string> TestFiles() =>
        [.. Directory.GetFiles(SharedPaths.Conformance, "*.test.yaml").Select(f => Path.GetFileName(f)!).Order()];

    public static TheoryData<string> InvalidPacts() =>
        [.. Directory.GetFiles(Path.Combine(SharedPaths.Conformance, "invalid")).Select(f => Path.GetFileName(f)!).Order()];

    [Theory]
    [MemberData(nameof(TestFiles))]
    public void Every_case_passes(string file)
    {
        var result = PactTestRunner.RunFile(Path.Combine(SharedPaths.Conformance, file), pacts: null);
        Assert.Empty(result.Errors);
        Assert.NotEmpty(result.Cases);
        var failures = result.Cases.Where(c => !c.Passed).Select(c => $"{c.Name}: {c.Failure}; expected {c.Expected}; got {c.Actual?.ToJson()}");
        Assert.Empty(failures);
    }

    [Theory]
    [MemberData(nameof(InvalidPacts))]
    public void Invalid_pact_is_rejected_at_the_stated_line(string file)
    {
        var path = Path.Combine(SharedPaths.Conformance, "invalid", file);
        var expectedLine = int.Parse(ExpectLine().Match(File.ReadLines(path).First()).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var result = Pact.Load(path);
        Assert.False(result.Success);
        Assert.Contains(result.Diagnostics, d => d.Severity == Diagnostics.DiagnosticSeverity.Error && d.Span.Line == expectedLine && d.Span.File == path);
    }

    [GeneratedRegex(@"line (\d+)")]
    private static partial Regex ExpectLine();
}
