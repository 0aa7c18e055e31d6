namespace Pacts.Tests;

public class PactSetTests
{
    [Fact]
    public void Loads_directories_recursively_skips_tests_and_rejects_duplicate_ids()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-set-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "sub"));
            File.WriteAllText(Path.Combine(dir, "a.yaml"), "pact: a\nbindings: []\n");
            File.WriteAllText(Path.Combine(dir, "sub", "b.json"), """{"pact": "b", "bindings": []}""");
            File.WriteAllText(Path.Combine(dir, "sub", "a.test.yaml"), "pact: a\ncases: []\n");
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "not a pact");
            var set = PactSet.Load(dir);
            Assert.False(set.HasErrors, string.Join("\n", set.Diagnostics));
            Assert.Equal(["a", "b"], set.Pacts.Select(p => p.Id).Order());
            Assert.NotNull(set.Find("b"));

            File.WriteAllText(Path.Combine(dir, "sub", "c.yml"), "pact: a\nbindings: []\n");
            var dup = PactSet.Load(dir);
            Assert.Contains(dup.Diagnostics, d => d.Code == "PACT018" && d.Span.File.EndsWith("c.yml", StringComparison.Ordinal) && d.Span.Line == 1 && d.Span.Column == 7);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Same_text_compiles_once()
    {
        var text = $"pact: cached-{Guid.NewGuid():N}\nbindings: []\n";
        var first = Pact.Compile(text, "one.yaml");
        var second = Pact.Compile(text, "two.yaml");
        Assert.Same(first.Pact, second.Pact);
        Assert.Equal("two.yaml", second.File);
    }

    [Fact]
    public void Missing_paths_are_reported()
    {
        var set = PactSet.Load("/no/such/dir");
        Assert.Contains(set.Diagnostics, d => d.Code == "PACT019");
    }
}
