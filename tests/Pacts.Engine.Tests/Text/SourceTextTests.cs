namespace Pacts.Tests;

/// <summary>Pact and test files are read as strict text: bytes that do not decode are an error where they are.</summary>
public class SourceTextTests
{
    private const string Yaml = "pact: enc\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: city\n        allowList: [\"café\"]\n";

    private static string Write(string name, byte[] bytes)
    {
        var dir = Directory.CreateTempSubdirectory("pacts-text-").FullName;
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void A_Latin_1_pact_is_an_error_at_its_first_undecodable_byte_not_a_value_no_call_matches()
    {
        var path = Write("latin1.pact.yaml", System.Text.Encoding.Latin1.GetBytes(Yaml));
        var result = Pact.Load(path);
        Assert.Null(result.Pact);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("PACT001", 6, 25), (d.Code, d.Span.Line, d.Span.Column));
        Assert.Contains("not valid UTF-8", d.Message, StringComparison.Ordinal);
        Assert.Contains("0xE9", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Latin_1_test_file_is_an_error_too()
    {
        var text = "pact:\n  pact: p\n  bindings: []\ncases:\n  - name: caf\u00e9\n    tool: t\n    params: {}\n    expect: {valid: true}\n";
        var result = Testing.PactTestRunner.RunFile(Write("latin1.test.yaml", System.Text.Encoding.Latin1.GetBytes(text)), pacts: null);
        var d = Assert.Single(result.Errors);
        Assert.Equal(("PACT001", 5, 14), (d.Code, d.Span.Line, d.Span.Column));
    }

    [Theory]
    [InlineData("utf-8-bom")]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    [InlineData("utf-32le")]
    public void Text_with_a_byte_order_mark_reads_in_its_encoding(string encoding)
    {
        System.Text.Encoding e = encoding switch
        {
            "utf-8-bom" => new System.Text.UTF8Encoding(true),
            "utf-16le" => new System.Text.UnicodeEncoding(false, true),
            "utf-16be" => new System.Text.UnicodeEncoding(true, true),
            _ => new System.Text.UTF32Encoding(false, true),
        };
        var pact = Pact.Load(Write("p.pact.yaml", [.. e.GetPreamble(), .. e.GetBytes(Yaml)])).Pact;
        Assert.NotNull(pact);
        Assert.True(pact.Validate("t", """{"city":"café"}""").Valid);
        Assert.False(pact.Validate("t", """{"city":"cafe"}""").Valid);
    }

    [Theory]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    [InlineData("utf-32le")]
    [InlineData("utf-32be")]
    public void A_code_unit_that_is_not_text_is_an_error_where_it_is(string encoding)
    {
        // A lone high surrogate (UTF-16) or a surrogate code point (UTF-32, which may not hold one) on line 3, column 3.
        var (e, bad) = encoding switch
        {
            "utf-16le" => ((System.Text.Encoding)new System.Text.UnicodeEncoding(false, true), (byte[])[0x00, 0xD8]),
            "utf-16be" => (new System.Text.UnicodeEncoding(true, true), [0xD8, 0x00]),
            "utf-32le" => (new System.Text.UTF32Encoding(false, true), [0x00, 0xD8, 0, 0]),
            _ => (new System.Text.UTF32Encoding(true, true), [0, 0, 0xD8, 0x00]),
        };
        var bytes = (byte[])[.. e.GetPreamble(), .. e.GetBytes("pact: p\nbindings: []\n# "), .. bad, .. e.GetBytes("\n")];
        var d = Assert.Single(Pact.Load(Write("p.pact.yaml", bytes)).Diagnostics);
        Assert.Equal(("PACT001", 3, 3), (d.Code, d.Span.Line, d.Span.Column));
        Assert.Contains(encoding.StartsWith("utf-16", StringComparison.Ordinal) ? "not valid UTF-16 text" : "not valid UTF-32 text", d.Message, StringComparison.Ordinal);
    }
}
