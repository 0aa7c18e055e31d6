using Pacts.Diagnostics;
using Pacts.Syntax;

namespace Pacts.Tests;

/// <summary>
/// Every pact the repository and <c>../shared</c> hold, checked against `pacts schema` (JsonSchema.Net 8.0.5): the
/// bundled examples, the treasury-v1 benchmark pact (YAML and JSON), the conformance suite's invalid pacts and the
/// inline <c>pact:</c> of every conformance test file. A pact the compiler accepts meets the schema; a pact the
/// compiler rejects with an error JSON Schema can express (not <see cref="SchemaAgreementTests.CompilerOnly"/>)
/// fails it. `conformance-next/` is left out: its guards and budgets are not in the format yet.
/// </summary>
public class SchemaCorpusTests
{
    public static TheoryData<string> Corpus()
    {
        var data = new TheoryData<string>();
        foreach (var file in Files())
        {
            data.Add(Path.GetRelativePath(SharedPaths.RepoRoot, file).Replace('\\', '/'));
        }

        return data;
    }

    [Fact]
    public void The_corpus_is_found()
    {
        // The theory below proves nothing over an empty or half-found corpus.
        var files = Files().ToList();
        Assert.True(files.Count(f => f.Contains("examples", StringComparison.Ordinal)) >= 5, string.Join(", ", files));
        Assert.True(files.Count(f => f.Contains("invalid", StringComparison.Ordinal)) >= 5, string.Join(", ", files));
        Assert.True(files.Count(f => f.EndsWith(".test.yaml", StringComparison.Ordinal)) >= 8, string.Join(", ", files));
        Assert.Contains(files, f => f.EndsWith("treasury-v1/treasury.pact.json", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f.Contains("conformance-next", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Each_pact_meets_the_schema_exactly_when_the_compiler_accepts_it(string relative)
    {
        var file = Path.GetFullPath(Path.Combine(SharedPaths.RepoRoot, relative));
        var (json, format, text) = PactOf(file);
        var compiled = Pact.Compile(text, relative, format);
        var schema = SchemaAgreementTests.SchemaAccepts(json);
        if (compiled.Success)
        {
            Assert.True(schema, $"{relative}: the compiler accepts it, the schema does not");
            return;
        }

        var structural = compiled.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && !SchemaAgreementTests.CompilerOnly.Contains(d.Code)).ToList();
        if (structural.Count > 0)
        {
            Assert.False(schema, $"{relative}: the compiler rejects it with {structural[0]}, the schema accepts it");
        }

        // The invalid cases are meant to fail: say so, so a case that starts compiling is noticed.
        Assert.Contains("invalid", relative, StringComparison.Ordinal);
    }

    /// <summary>The pact a file holds, as JSON for the schema and as text for the compiler.</summary>
    private static (string Json, PactFormat Format, string Text) PactOf(string file)
    {
        var text = File.ReadAllText(file);
        var format = PactDocumentReader.FormatOf(file);
        var diagnostics = new List<Diagnostic>();
        var root = PactDocumentReader.Read(text, file, format, diagnostics);
        Assert.NotNull(root);
        if (file.EndsWith(".test.yaml", StringComparison.Ordinal))
        {
            var inline = root.Find("pact");
            Assert.True(inline is not null, $"{file} has no inline pact");
            var json = PactNodeJson.ToJson(inline.Value.Value);
            return (json, PactFormat.Json, json);
        }

        return (PactNodeJson.ToJson(root), format, text);
    }

    private static IEnumerable<string> Files()
    {
        var conformance = SharedPaths.Conformance;
        return Directory.EnumerateFiles(Path.Combine(SharedPaths.Examples, "pacts"), "*.pact.*")
            .Concat(Directory.EnumerateFiles(SharedPaths.Bench, "*.pact.*"))
            .Concat(Directory.EnumerateFiles(Path.Combine(conformance, "invalid"), "*.yaml"))
            .Concat(Directory.EnumerateFiles(conformance, "*.test.yaml"))
            .Select(Path.GetFullPath)
            .Order(StringComparer.Ordinal);
    }
}
