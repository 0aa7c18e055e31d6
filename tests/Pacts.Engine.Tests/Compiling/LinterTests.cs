namespace Pacts.Tests;

public class LinterTests
{
    private static IReadOnlyList<Diagnostics.Diagnostic> Warnings(string conditions)
    {
        var result = Pact.Compile("pact: p\nbindings:\n  - tool: t\n    conditions:\n" + conditions);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return [.. result.Diagnostics.Where(d => d.Severity == Diagnostics.DiagnosticSeverity.Warning)];
    }

    [Fact]
    public void Allowed_by_one_condition_and_denied_by_another()
    {
        var w = Assert.Single(Warnings("      - paramPath: a.b\n        allowList: [x, y]\n      - paramPath: \"['a'].b\"\n        denyList: [y]\n"));
        Assert.Equal(("PACT103", 8), (w.Code, w.Span.Line));
    }

    [Fact]
    public void Allowed_value_that_the_regex_rejects()
    {
        var w = Warnings("      - paramPath: code\n        required: true\n        allowList: [ABC, abc]\n        regex: '[A-Z]+'\n");
        var d = Assert.Single(w);
        Assert.Equal(("PACT104", 7), (d.Code, d.Span.Line));
        Assert.Contains("`abc`", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Number_type_with_a_string_rule()
    {
        var d = Assert.Single(Warnings("      - paramPath: n\n        type: number\n      - paramPath: n\n        maxLength: 3\n"));
        Assert.Equal("PACT104", d.Code);
    }

    [Theory]
    [InlineData("allowList: [a, null]", 6, 24)]
    [InlineData("denyList: [~]", 6, 20)]
    [InlineData("allowList:\n          - a\n          - NULL", 8, 13)]
    public void A_null_in_a_list_never_matches(string rule, int line, int column)
    {
        var d = Assert.Single(Warnings("      - paramPath: a\n        " + rule + "\n"));
        Assert.Equal(("PACT105", line, column), (d.Code, d.Span.Line, d.Span.Column));
        Assert.Contains("required: true", d.Help, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("        allowList: [A1, null]\n        regex: '[A-Z][0-9]'\n")] // the null never reaches the regex: no PACT104
    [InlineData("        allowList: [null]\n        regex: '[A-Z][0-9]'\n")]
    [InlineData("        allowList: [A1, null]\n      - paramPath: a\n        denyList: [B2, null]\n")] // nor a PACT103 across conditions
    public void A_null_in_a_list_is_reported_once_per_list_and_as_nothing_else(string rules)
    {
        var w = Warnings("      - paramPath: a\n" + rules);
        Assert.NotEmpty(w);
        Assert.All(w, d => Assert.Equal("PACT105", d.Code));
        Assert.Equal(rules.Split("null").Length - 1, w.Count);
    }

    [Fact]
    public void A_null_in_a_JSON_list_is_the_same_warning_and_a_quoted_one_is_a_string()
    {
        var json = Pact.Compile("""{"pact":"p","bindings":[{"tool":"t","conditions":[{"paramPath":"a","allowList":["x",null]}]}]}""", "p.json", Syntax.PactFormat.Json);
        Assert.Equal(("PACT105", 1, 85), (json.Diagnostics.Single().Code, json.Diagnostics[0].Span.Line, json.Diagnostics[0].Span.Column));
        Assert.Empty(Warnings("      - paramPath: a\n        allowList: ['null', \"~\"]\n"));
    }

    [Fact]
    public void A_list_of_types_is_an_error_that_says_type_takes_one()
    {
        var d = Assert.Single(Pact.Compile("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n        type: [string, number]\n").Diagnostics);
        Assert.Equal(("PACT004", 6, 15), (d.Code, d.Span.Line, d.Span.Column));
        Assert.Contains("one type", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"3\"", "not the string `3`", "unquoted")]
    [InlineData("3.0", "not `3.0`", "whole number")]
    [InlineData("0", "not `0`", "whole number")]
    public void A_bad_version_says_what_it_is(string version, string says, string help)
    {
        var d = Assert.Single(Pact.Compile($"pact: p\nversion: {version}\nbindings: []\n").Diagnostics);
        Assert.Equal(("PACT006", 2, 10), (d.Code, d.Span.Line, d.Span.Column));
        Assert.EndsWith(says, d.Message, StringComparison.Ordinal);
        Assert.Contains(help, d.Help, StringComparison.Ordinal);
    }

    [Fact]
    public void Consistent_pacts_have_no_warnings() =>
        Assert.Empty(Warnings("      - paramPath: a\n        allowList: [A1, B2]\n        regex: '[A-Z][0-9]'\n      - paramPath: b\n        denyList: [A1]\n"));
}
