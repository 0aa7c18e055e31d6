using Pacts.Diagnostics;
using Pacts.Syntax;
using Pacts.Text;

namespace Pacts.Tests;

/// <summary>
/// Diagnostics say where their subject ends as well as where it starts, so SARIF regions and GitHub annotations mark
/// the whole value. The end column is exclusive: just past the last character.
/// </summary>
public class SpanEndTests
{
    private static Diagnostic Single(string text, string file, PactFormat format) =>
        Assert.Single(Pact.Compile(text, file, format).Diagnostics);

    private static (int, int, int, int) Region(Diagnostic d) => (d.Span.Line, d.Span.Column, d.Span.EndLine, d.Span.EndColumn);

    [Theory]
    [InlineData("maxAmount: -5", 20, 22)] // a plain number
    [InlineData("maxAmount: \"x\"", 20, 23)] // a quoted string, quotes included
    [InlineData("bogus: 1", 9, 14)] // a key
    public void A_yaml_scalar_span_ends_just_past_its_last_character(string condition, int column, int endColumn)
    {
        var yaml = $"pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n        {condition}\n";
        Assert.Equal((6, column, 6, endColumn), Region(Single(yaml, "p.yaml", PactFormat.Yaml)));
    }

    [Fact]
    public void A_yaml_list_item_read_into_columns_keeps_its_end()
    {
        var yaml = "pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n        allowList: [abc, abc]\n";
        var d = Single(yaml, "p.yaml", PactFormat.Yaml);
        Assert.Equal(("PACT101", 6, 26, 6, 29), (d.Code, d.Span.Line, d.Span.Column, d.Span.EndLine, d.Span.EndColumn));
    }

    [Fact]
    public void A_block_scalar_ends_on_its_last_line_not_past_its_line_breaks()
    {
        var yaml = "pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n        maxAmount: |\n          12\n          34\n\nversion: 1\n";
        var d = Pact.Compile(yaml, "p.yaml", PactFormat.Yaml).Diagnostics.Single(x => x.Code == DiagnosticCodes.WrongType || x.Code == DiagnosticCodes.BadBound);
        Assert.Equal((6, 20, 8, 13), Region(d));
    }

    [Theory]
    [InlineData("\"maxAmount\": -5", 14, 16)] // a number: the token's length
    [InlineData("\"maxAmount\": \"é-x\"", 14, 19)] // a string, quotes included, counted in characters, not bytes
    [InlineData("\"bogus\": 1", 1, 8)] // a key
    public void A_json_token_span_ends_just_past_the_token(string member, int column, int endColumn)
    {
        var json = $"{{\"pact\": \"p\", \"bindings\": [{{\"tool\": \"t\", \"conditions\": [{{\"paramPath\": \"a\",\n{member}}}]}}]}}";
        Assert.Equal((2, column, 2, endColumn), Region(Single(json, "p.json", PactFormat.Json)));
    }

    [Fact]
    public void A_json_list_item_read_into_columns_keeps_its_end()
    {
        var json = "{\"pact\": \"p\", \"bindings\": [{\"tool\": \"t\", \"conditions\": [{\"paramPath\": \"a\", \"allowList\": [true, \"abc\", \"abc\"]}]}]}";
        var d = Single(json, "p.json", PactFormat.Json);
        Assert.Equal(("PACT101", 1, 103, 1, 108), (d.Code, d.Span.Line, d.Span.Column, d.Span.EndLine, d.Span.EndColumn));
    }

    [Fact]
    public void A_mapping_carries_its_start_only()
    {
        var d = Single("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n", "p.yaml", PactFormat.Yaml);
        Assert.Equal((DiagnosticCodes.NoRule, 5, 9, 0, 0), (d.Code, d.Span.Line, d.Span.Column, d.Span.EndLine, d.Span.EndColumn));
        Assert.False(d.Span.HasEnd);
    }

    [Fact]
    public void A_span_that_would_end_before_it_starts_has_no_end()
    {
        var start = new SourceSpan("f", 3, 5);
        Assert.False(start.Until(new SourceSpan("f", 3, 5)).HasEnd);
        Assert.False(start.Until(new SourceSpan("f", 2, 9)).HasEnd);
        Assert.Equal((4, 1), (start.Until(new SourceSpan("f", 4, 1)).EndLine, start.Until(new SourceSpan("f", 4, 1)).EndColumn));
    }
}
