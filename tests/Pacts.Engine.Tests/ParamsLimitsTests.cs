using System.Text;
using System.Text.Json;

namespace Pacts.Tests;

public class ParamsLimitsTests
{
    /// <summary>An object holding <paramref name="levels"/> - 1 nested arrays: <paramref name="levels"/> levels in all.</summary>
    private static string Nested(int levels) => "{\"a\":" + new string('[', levels - 1) + new string(']', levels - 1) + "}";

    [Theory]
    [InlineData("""{"amount":250}""", null, -1)]
    [InlineData("""{"a":[1""", ParamsProblemKind.EndOfInput, 7)] // a truncated upload
    [InlineData("", ParamsProblemKind.EndOfInput, 0)]
    [InlineData("""{"a":x}""", ParamsProblemKind.InvalidToken, 5)]
    [InlineData("""{"a":1} {""", ParamsProblemKind.InvalidToken, 8)]
    [InlineData("[1]", ParamsProblemKind.NotObject, -1)]
    public void Raw_params_are_parsed_or_classified_with_the_byte_offset(string text, ParamsProblemKind? kind, long offset)
    {
        using var doc = ParamsLimits.Parse(Encoding.UTF8.GetBytes(text), out var problem);
        Assert.Equal(kind is null, doc is not null);
        Assert.Equal(kind, problem?.Kind);
        Assert.Equal(offset < 0 ? null : offset, problem?.Syntax?.Offset);
        if (kind == ParamsProblemKind.NotObject)
        {
            Assert.Equal(JsonValueKind.Array, problem!.Found);
        }
    }

    [Fact]
    public void Raw_params_may_nest_64_levels_and_the_65th_is_named_where_it_opens()
    {
        using (var ok = ParamsLimits.Parse(Encoding.UTF8.GetBytes(Nested(64)), out var none))
        {
            Assert.NotNull(ok);
            Assert.Null(none);
        }

        var deep = Nested(65);
        Assert.Null(ParamsLimits.Parse(Encoding.UTF8.GetBytes(deep), out var problem));
        Assert.Equal(ParamsProblemKind.TooDeep, problem!.Kind);
        Assert.Equal(64, problem.MaxDepth);
        Assert.Equal(deep.LastIndexOf('['), problem.Syntax!.Offset);
    }

    [Theory]
    [InlineData(64, 64, null)]
    [InlineData(65, 64, ParamsProblemKind.TooDeep)]
    [InlineData(8, 8, null)]
    [InlineData(9, 8, ParamsProblemKind.TooDeep)] // a service's lower policy
    public void Parsed_params_are_held_to_the_same_depth(int levels, int limit, ParamsProblemKind? kind)
    {
        using var doc = JsonDocument.Parse(Nested(levels), new JsonDocumentOptions { MaxDepth = 128 });
        var problem = ParamsLimits.Check(doc.RootElement, limit);
        Assert.Equal(kind, problem?.Kind);
        Assert.Null(problem?.Syntax); // parsed params have no text to point into
    }

    [Fact]
    public void Parsed_params_that_are_not_an_object_say_what_they_are()
    {
        using var doc = JsonDocument.Parse("""{"list":[1],"text":"x"}""");
        Assert.Equal(JsonValueKind.Array, ParamsLimits.Check(doc.RootElement.GetProperty("list"))!.Found);
        Assert.Equal(JsonValueKind.String, ParamsLimits.Check(doc.RootElement.GetProperty("text"))!.Found);
        Assert.Equal(ParamsProblemKind.NotObject, ParamsLimits.Check(default)!.Kind); // none given
    }

    [Fact]
    public void The_limit_is_the_one_the_engine_reads_everywhere()
    {
        Assert.Equal(Pact.MaxParamsDepth, ParamsLimits.MaxDepth);
        var pact = Pact.Compile("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        maxAmount: 10\n        severity: critical\n").Pact!;
        Assert.ThrowsAny<JsonException>(() => pact.Validate("t", (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(Nested(ParamsLimits.MaxDepth + 1))));
        Assert.NotNull(pact.Validate("t", (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(Nested(ParamsLimits.MaxDepth))));
    }
}
