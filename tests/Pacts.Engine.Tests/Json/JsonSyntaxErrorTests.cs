using System.Text;
using System.Text.Json;
using Pacts.Json;

namespace Pacts.Tests;

public class JsonSyntaxErrorTests
{
    [Theory]
    [InlineData("""{"tool":""", JsonSyntaxErrorKind.EndOfInput, 8)] // was "nests deeper than 1024 levels"
    [InlineData("""{"events":[{"type":"session_start","sessionId":"s""", JsonSyntaxErrorKind.EndOfInput, 49)] // a batch cut mid-way
    [InlineData("""{"a":tru""", JsonSyntaxErrorKind.EndOfInput, 8)]
    [InlineData("""{"a":1""", JsonSyntaxErrorKind.EndOfInput, 6)]
    [InlineData("", JsonSyntaxErrorKind.EndOfInput, 0)]
    [InlineData("   ", JsonSyntaxErrorKind.EndOfInput, 3)]
    [InlineData("""{"a":1]""", JsonSyntaxErrorKind.InvalidToken, 6)]
    [InlineData("""{"a":1} x""", JsonSyntaxErrorKind.InvalidToken, 8)]
    [InlineData("{\n  \"a\": 1,\n  \"b\": x\n}", JsonSyntaxErrorKind.InvalidToken, 19)]
    [InlineData("""{"a":[[[[1]]]]}""", JsonSyntaxErrorKind.TooDeep, 8)] // the fifth level opens at offset 8; the limit is 4
    [InlineData("""[[[[[""", JsonSyntaxErrorKind.TooDeep, 4)] // too deep before it is cut short: depth is what the reader met first
    public void Each_error_is_named_by_what_happened_and_where(string json, JsonSyntaxErrorKind kind, long offset)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var error = JsonSyntaxError.Find(bytes, 4);
        Assert.NotNull(error);
        Assert.Equal(kind, error.Kind);
        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public void Line_and_column_are_one_based_and_count_bytes()
    {
        var bytes = "{\n  \"a\": 1,\n  \"b\": x\n}"u8.ToArray();
        var error = JsonSyntaxError.Find(bytes, 64)!;
        Assert.Equal((3L, 8L), (error.Line, error.Column));
        Assert.Equal("is not valid JSON: unexpected `x` (byte offset 19, line 3, column 8)", error.Describe(bytes));
        Assert.Equal("is not valid JSON: it ends before its value is complete, cut short? (byte offset 8, line 1, column 9)", JsonSyntaxError.Find("""{"tool":"""u8, 64)!.Describe("""{"tool":"""u8));
        Assert.Equal("is not valid JSON: it is empty", JsonSyntaxError.Find([], 64)!.Describe([]));
    }

    [Theory]
    [InlineData("""{"a":[1,{"b":null}]}""")]
    [InlineData("[[[[]]]]")]
    [InlineData("  42 ")]
    public void Valid_json_within_the_depth_has_no_error(string json) => Assert.Null(JsonSyntaxError.Find(Encoding.UTF8.GetBytes(json), 4));

    [Theory]
    [InlineData("""{"a":1,}""")]
    [InlineData("""{"a":[1 2]}""")]
    [InlineData("""{"a":"\x"}""")]
    [InlineData("""{"a":01}""")]
    [InlineData("""{"a":1}""")]
    [InlineData("""[[[[[1]]]]]""")]
    [InlineData("""{"a":[1,""")]
    public void It_finds_an_error_exactly_when_JsonDocument_refuses_the_text(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        bool parses;
        try
        {
            JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 4 }).Dispose();
            parses = true;
        }
        catch (JsonException)
        {
            parses = false;
        }

        Assert.Equal(parses, JsonSyntaxError.Find(bytes, 4) is null);
    }
}
