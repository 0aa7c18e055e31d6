namespace Pacts.Tests;

/// <summary>A bad regex's caret: at the character the regex parser names, where the source shows the pattern as it is.</summary>
public class RegexCaretTests
{
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
