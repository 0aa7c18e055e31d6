using Pacts.Cli.Rendering;

namespace Pacts.Cli.Tests;

/// <summary>What the CLI does to text from logs and calls before a terminal or a Markdown renderer sees it.</summary>
public class UntrustedTextTests
{
    [Theory]
    [InlineData("transfer_funds", "transfer_funds")]
    [InlineData("café ☕ 名前", "café ☕ 名前")] // letters and symbols of every script stay as they are
    [InlineData("a\u001b[2Jb", "a\\u001b[2Jb")]
    [InlineData("a\u0085b\u007f", "a\\u0085b\\u007f")]
    [InlineData("transfer\u202Esdnuf", "transfer\\u202esdnuf")] // a right-to-left override would show "transferfunds" reversed
    [InlineData("transfer\u200B_funds", "transfer\\u200b_funds")] // a zero-width space: not the tool it looks like
    [InlineData("a\u2028b\u2029c", "a\\u2028b\\u2029c")]
    [InlineData("x\uFEFF", "x\\ufeff")]
    [InlineData("ok\U000E0041\U000E0042", "ok\\udb40\\udc41\\udb40\\udc42")] // invisible tag characters spelling "AB"
    [InlineData("emoji 🙂", "emoji 🙂")]
    [InlineData("tab\there", "tab\\u0009here")]
    [InlineData("x\uFFFEy\uFDD0", "x\\ufffey\\ufdd0")] // noncharacters: a terminal may drop them silently
    [InlineData("a\u0378b", "a\\u0378b")] // an unassigned code point
    public void Hidden_and_control_characters_are_shown_escaped(string text, string shown) =>
        Assert.Equal(shown, TerminalText.Safe(text));

    [Fact]
    public void Lone_surrogates_are_shown_escaped()
    {
        // Built here: xunit would replace a lone surrogate in InlineData before the test saw it.
        Assert.Equal("half\\ud800", TerminalText.Safe("half" + '\uD800'));
        Assert.Equal("\\udc00half \\ud800\\ud800", TerminalText.Safe('\uDC00' + "half " + '\uD800' + '\uD800'));
    }

    [Fact]
    public void A_source_line_keeps_its_tabs() => Assert.Equal("\tkey: \\u001b", TerminalText.SafeLine("\tkey: \u001b"));

    [Fact]
    public void Printable_ascii_is_returned_as_it_is()
    {
        var text = "destination must be a treasury wallet";
        Assert.Same(text, TerminalText.Safe(text));
    }

    [Theory]
    [InlineData("amount", "`amount`")]
    [InlineData("a`b", "`` a`b ``")]
    [InlineData("``x", "``` ``x ```")]
    [InlineData(" x", "` x`")]
    [InlineData(" x ", "`  x  `")]
    [InlineData("  ", "`  `")]
    [InlineData("a|b", "`a\\|b`")]
    [InlineData("", "*(empty)*")]
    [InlineData("x\ny", "`x\\u000ay`")]
    public void A_code_span_cannot_be_closed_by_its_text(string text, string code) => Assert.Equal(code, MarkdownText.Code(text));

    [Theory]
    [InlineData("must be a treasury wallet", "must be a treasury wallet")]
    [InlineData("![i](https://e.example/x.png)", "\\!\\[i\\]\\(https://e\\.example/x\\.png\\)")]
    [InlineData("<script>&amp;", "\\<script\\>\\&amp;")]
    [InlineData("*a* _b_ ~c~ # | \\", "\\*a\\* \\_b\\_ \\~c\\~ \\# \\| \\\\")]
    public void Plain_text_has_its_markdown_punctuation_escaped(string text, string shown) => Assert.Equal(shown, MarkdownText.Text(text));

    [Theory]
    [InlineData("`amount` must be at most 5000", "`amount` must be at most 5000")]
    [InlineData("`x` <img> `y` is not a param of `t`", "`x` \\<img\\> `y` is not a param of `t`")]
    [InlineData("unpaired ` [l](u)", "unpaired \\` \\[l\\]\\(u\\)")]
    public void A_message_keeps_its_code_and_escapes_the_rest(string message, string shown) => Assert.Equal(shown, MarkdownText.Message(message));
}
