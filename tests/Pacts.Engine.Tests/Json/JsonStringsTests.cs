using System.Text.Json;
using Pacts.Json;

namespace Pacts.Tests;

/// <summary><see cref="JsonStrings"/>: reading strings that System.Text.Json reads but will not make strings of.</summary>
public class JsonStringsTests
{
    [Theory]
    [InlineData("\"plain\"", "plain")]
    [InlineData("\"caf\\u00e9 \\ud83d\\ude00\"", "café 😀")] // escapes decoded, a whole pair is one character
    [InlineData("\"a\\ud800b\"", "a\\ud800b")] // half a pair: shown as its JSON text, without the quotes
    [InlineData("\"\\udc00\"", "\\udc00")]
    public void A_string_is_its_text_or_else_its_escaped_form(string json, string shown)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(shown, JsonStrings.TextOrEscaped(doc.RootElement));
        Assert.Equal(shown.Contains("\\u", StringComparison.Ordinal), !JsonStrings.TryGetText(doc.RootElement, out _));
    }

    [Fact]
    public void A_name_escaping_half_a_pair_is_passed_over_not_thrown_on()
    {
        using var doc = JsonDocument.Parse("""{"id":2,"\ud800":1}""");
        Assert.Throws<InvalidOperationException>(() => doc.RootElement.TryGetProperty("id", out _)); // why the helper exists
        Assert.True(JsonStrings.TryGetProperty(doc.RootElement, "id"u8, out var v));
        Assert.Equal(2, v.GetInt32());
    }
}
