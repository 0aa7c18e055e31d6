namespace Pacts.Tests;

public class PactCacheTests
{
    private const string Yaml = """
        pact: cache-test
        bindings:
          - tool: t
            conditions:
              - paramPath: amount
                maxAmount: 5
        """;

    [Fact]
    public void An_equal_text_in_a_new_string_hits_and_a_different_text_misses()
    {
        var first = Pact.Compile(Yaml, "a.yaml").Pact;
        var equal = Pact.Compile(new string(Yaml.AsSpan()), "b.yaml").Pact; // equal content, another instance
        var other = Pact.Compile(Yaml.Replace("maxAmount: 5", "maxAmount: 6", StringComparison.Ordinal), "a.yaml").Pact;

        Assert.NotNull(first);
        Assert.Same(first, equal);
        Assert.NotSame(first, other);
        Assert.True(other!.Validate("""{"amount": 6}""").Valid); // the changed text is compiled as written
        Assert.False(first!.Validate("""{"amount": 6}""").Valid);
    }

    [Fact]
    public void The_same_text_as_json_and_as_yaml_are_cached_apart()
    {
        // `{"pact": ...}` is both valid JSON and valid YAML; each format keeps its own entry.
        const string text = """{"pact": "cache-both", "bindings": [{"tool": "t", "conditions": [{"paramPath": "a", "maxAmount": 1}]}]}""";
        var json = Pact.Compile(text, "p.json", Syntax.PactFormat.Json);
        var yaml = Pact.Compile(new string(text.AsSpan()), "p.yaml", Syntax.PactFormat.Yaml);
        Assert.True(json.Success);
        Assert.True(yaml.Success);
        Assert.NotSame(json.Pact, yaml.Pact);
    }

    [Fact]
    public void A_hit_from_another_file_names_that_file_in_its_diagnostics()
    {
        var broken = Yaml.Replace("maxAmount: 5", "maxAmount: five", StringComparison.Ordinal);
        var a = Pact.Compile(broken, "a.yaml");
        var b = Pact.Compile(new string(broken.AsSpan()), "b.yaml");
        Assert.False(a.Success);
        Assert.All(a.Diagnostics, d => Assert.Equal("a.yaml", d.Span.File));
        Assert.All(b.Diagnostics, d => Assert.Equal("b.yaml", d.Span.File));
        Assert.Equal(a.Diagnostics.Count, b.Diagnostics.Count);
    }
}
