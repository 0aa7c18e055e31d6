using System.Text.RegularExpressions;
using Pacts.Testing;

namespace Pacts.Tests;

/// <summary>
/// Runs every case of <c>../shared/conformance</c> and of <c>../shared/conformance-next</c> (guards and budgets)
/// through the engine; the budget logs of the latter are compared verdict by verdict in <c>BudgetConformanceTests</c>.
/// </summary>
public partial class ConformanceTests
{
    public static TheoryData<string> TestFiles() => Files("*.test.yaml", "");

    public static TheoryData<string> InvalidPacts() => Files("*", "invalid");

    private static TheoryData<string> Files(string pattern, string under) =>
        [.. new[] { SharedPaths.Conformance, SharedPaths.ConformanceNext }
            .SelectMany(suite => Directory.GetFiles(Path.Combine(suite, under), pattern))
            .Where(f => !f.EndsWith("README.md", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(SharedPaths.Shared, f)).Order()];

    [Theory]
    [MemberData(nameof(TestFiles))]
    public void Every_case_passes(string file)
    {
        var result = PactTestRunner.RunFile(Path.Combine(SharedPaths.Shared, file), pacts: null);
        Assert.Empty(result.Errors);
        Assert.NotEmpty(result.Cases);
        var failures = result.Cases.Where(c => !c.Passed).Select(c => $"{c.Name}: {c.Failure}; expected {c.Expected}; got {c.Actual?.ToJson()}");
        Assert.Empty(failures);
    }

    [Theory]
    [MemberData(nameof(InvalidPacts))]
    public void Invalid_pact_is_rejected_at_the_stated_line(string file)
    {
        var path = Path.Combine(SharedPaths.Shared, file);
        var expectedLine = int.Parse(ExpectLine().Match(File.ReadLines(path).First()).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var result = Pact.Load(path);
        Assert.False(result.Success);
        Assert.Contains(result.Diagnostics, d => d.Severity == Diagnostics.DiagnosticSeverity.Error && d.Span.Line == expectedLine && d.Span.File == path);
    }

    [GeneratedRegex(@"line (\d+)")]
    private static partial Regex ExpectLine();
}
