namespace Pacts.Tests;

public class TypeRuleTests
{
    [Theory]
    [InlineData("string", "\"x\"", true)]
    [InlineData("string", "1", false)]
    [InlineData("number", "1.5", true)]
    [InlineData("number", "\"1.5\"", false)]
    [InlineData("integer", "3", true)]
    [InlineData("integer", "3.0", true)]
    [InlineData("integer", "3e2", true)]
    [InlineData("integer", "1.5e1", true)]
    [InlineData("integer", "3.5", false)]
    [InlineData("integer", "1e-1", false)]
    [InlineData("integer", "1e999999999999999999999", true)]
    [InlineData("boolean", "false", true)]
    [InlineData("boolean", "0", false)]
    [InlineData("object", "{}", true)]
    [InlineData("object", "[]", false)]
    [InlineData("array", "[]", true)]
    [InlineData("array", "{}", false)]
    public void Json_types(string type, string value, bool valid) =>
        Assert.Equal(valid, TestPacts.Condition("v", $"type: {type}").Validate($$"""{"v":{{value}}}""").Valid);

    [Fact]
    public void Null_is_absent_so_type_is_skipped() =>
        Assert.True(TestPacts.Condition("v", "type: string").Validate("""{"v":null}""").Valid);

    [Fact]
    public void Unknown_type_is_a_compile_error_with_a_hint()
    {
        var e = Assert.Single(TestPacts.Errors("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n        type: strng\n"));
        Assert.Equal("PACT007", e.Code);
        Assert.Contains("string", e.Help);
        Assert.Equal(6, e.Span.Line);
    }
}
