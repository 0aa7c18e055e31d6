using System.Text.Json;
using Pacts.Evaluating;

namespace Pacts.Tests;

/// <summary>The C# snippet in README.md is this code, so the README cannot show an API that does not compile.</summary>
public class ReadmeSnippetTests
{
    [Fact]
    public void Readme_snippet_compiles_runs_and_matches_the_readme()
    {
        var previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(SharedPaths.RepoRoot);
        try
        {
            var verdict = Snippet();
            Assert.False(verdict.Valid);
            Assert.Equal(["destination", "amount"], verdict.Violations.Select(v => v.ParamPath));
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }

        var source = File.ReadAllLines(Path.Combine(SharedPaths.RepoRoot, "tests", "Pacts.Engine.Tests", "ReadmeSnippetTests.cs"));
        var begin = Array.FindIndex(source, l => l.Trim() == "// README-" + "BEGIN");
        var end = Array.FindIndex(source, l => l.Trim() == "// README-" + "END");
        var snippet = source[(begin + 1)..end].Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        Assert.True(snippet.Count > 10, "the README snippet markers were not found");
        var readme = File.ReadAllLines(Path.Combine(SharedPaths.RepoRoot, "README.md")).Select(l => l.Trim()).ToHashSet();
        Assert.All(snippet, line => Assert.Contains(line, readme));
    }

    private static Verdict Snippet()
    {
        // README-BEGIN
        // Load a whole directory of pacts once; compiled pacts are immutable and thread-safe.
        PactSet pacts = PactSet.Load("examples/pacts");
        if (pacts.HasErrors)
        {
            foreach (var d in pacts.Diagnostics)
            {
                Console.Error.WriteLine(d); // file:line:col: error PACT0NN: ...
            }

            throw new InvalidOperationException("pacts do not compile");
        }

        Pact treasury = pacts.Find("treasury-pact")!;

        // Validate a call before running it: params as a JsonElement (or raw UTF-8 bytes, or a string).
        using JsonDocument call = JsonDocument.Parse("""
            {"destination": "0xEEEE000000000000000000000000000000000666", "amount": 7500, "currency": "USDC"}
            """);
        Verdict verdict = treasury.Validate("transfer_funds", call.RootElement);

        if (!verdict.Valid && verdict.HighestSeverity >= Severity.Critical)
        {
            foreach (Violation v in verdict.Violations)
            {
                Console.WriteLine($"{v.Severity.ToName()} {v.ParamPath} {v.Rule} {v.Value}: {v.Message}");
            }
        }

        Console.WriteLine(verdict.ToJson()); // the SPEC §5 verdict, byte-identical everywhere
        // README-END
        return verdict;
    }
}
