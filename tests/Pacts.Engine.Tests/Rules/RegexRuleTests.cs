namespace Pacts.Tests;

public class RegexRuleTests
{
    [Theory]
    [InlineData("SKU-[0-9]{4}", "SKU-0042", true)]
    [InlineData("SKU-[0-9]{4}", "SKU-0042\n", false)]
    [InlineData("SKU-[0-9]{4}", "xSKU-0042", false)]
    [InlineData("a|b", "ab", false)]
    [InlineData("(?i)ok", "OK", true)]
    [InlineData("a.c", "a\nc", false)]
    [InlineData("(?s)a.c", "a\nc", true)]
    [InlineData("(?x) a b  # spaced out", "ab", true)]
    [InlineData("^abc$", "abc", true)]
    [InlineData("", "", true)]
    [InlineData("", "x", false)]
    public void Whole_string_matches(string pattern, string input, bool valid)
    {
        var pact = TestPacts.Compile($"pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        regex: {System.Text.Json.JsonSerializer.Serialize(pattern)}\n");
        Assert.Equal(valid, pact.Validate($$"""{"v":{{System.Text.Json.JsonSerializer.Serialize(input)}}}""").Valid);
    }

    [Fact]
    public void Non_strings_fail() =>
        Assert.False(TestPacts.Condition("v", "regex: '.*'").Validate("""{"v":1}""").Valid);

    [Theory]
    [InlineData(@"(a+)\1", "backreference")]
    [InlineData(@"(?=a)a", "look")]
    [InlineData(@"(?<=a)b", "look")]
    [InlineData(@"(?>a+)", "atomic")]
    [InlineData(@"(?(a)b|c)", "conditional")]
    public void Backtracking_constructs_are_rejected_with_the_construct_named(string pattern, string named)
    {
        var e = Assert.Single(TestPacts.Errors($"pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        regex: '{pattern}'\n"));
        Assert.Equal("PACT011", e.Code);
        Assert.Contains(named, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(6, e.Span.Line);
    }

    [Fact]
    public void Exploding_repetition_is_a_clear_compile_error()
    {
        var e = Assert.Single(TestPacts.Errors("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        regex: '(a{1000}){1000}'\n"));
        Assert.Equal("PACT011", e.Code);
        Assert.Contains("too large", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_pattern_is_an_error() =>
        Assert.Contains(TestPacts.Errors("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        regex: '(a'\n"), e => e.Code == "PACT011");

    [Fact]
    public void Hostile_input_runs_in_linear_time()
    {
        var pact = TestPacts.Condition("v", "regex: '(a+)+b'");
        var input = new string('a', 100_000);
        Assert.False(pact.Validate($$"""{"v":"{{input}}"}""").Valid);
    }

    [Fact]
    public void Unicode_classes_warn()
    {
        var result = Pact.Compile("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        regex: '\\d+'\n");
        Assert.True(result.Success);
        Assert.Contains(result.Diagnostics, d => d.Code == "PACT102");
    }

    // A bad regex's caret: at the character the regex parser names, where the source shows the pattern as it is.

    private static Diagnostics.Diagnostic BadRegex(string scalar)
    {
        var text = $"pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n        regex: {scalar}\n";
        return Assert.Single(Pact.Compile(text, "p.yaml").Diagnostics, d => d.Code == Diagnostics.DiagnosticCodes.BadRegex);
    }

    [Theory]
    // `regex: ` ends at column 16; the pattern's first character is at 16 (plain) or 17 (quoted).
    [InlineData("ab*+c", 19, "nested quantifier '+'")]          // at the second quantifier
    [InlineData("'ab*+c'", 20, "nested quantifier '+'")]
    [InlineData("\"ab*+c\"", 20, "nested quantifier '+'")]
    [InlineData("'x[z-a]'", 21, "[x-y] range in reverse order")]
    [InlineData("'a{3,1}'", 22, "illegal {x,y} with x > y")]
    [InlineData("'ab)c'", 19, "too many )'s")]
    public void The_caret_points_at_the_offset_the_regex_parser_names(string scalar, int column, string why)
    {
        var d = BadRegex(scalar);
        Assert.Equal((6, column), (d.Span.Line, d.Span.Column));
        Assert.EndsWith(": " + why, d.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("at offset", d.Message, StringComparison.Ordinal); // the caret says where
        Assert.NotNull(d.Help);
    }

    [Theory]
    [InlineData("'it''s*+'")]         // a doubled quote: the value is one character shorter than its source
    [InlineData("\"\\\\d*+\"")]       // an escape: `\\` in the source is one `\` in the pattern
    [InlineData("|\n          ab*+c")] // a block scalar starts on the next line
    public void Where_the_source_is_not_the_pattern_character_for_character_the_caret_stays_at_the_scalar(string scalar)
    {
        var d = BadRegex(scalar);
        Assert.Equal((6, 16), (d.Span.Line, d.Span.Column));
    }

    [Fact]
    public void Other_regex_errors_keep_the_scalar_start() =>
        Assert.Equal((6, 16), (BadRegex("'(a)\\1'").Span.Line, BadRegex("'(a)\\1'").Span.Column));
}
