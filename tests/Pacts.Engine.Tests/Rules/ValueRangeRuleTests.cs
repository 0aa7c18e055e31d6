namespace Pacts.Tests;

public class ValueRangeRuleTests
{
    [Theory]
    [InlineData("0.01", true)]
    [InlineData("10000", true)]
    [InlineData("0.00999999999999999999999", false)]
    [InlineData("10000.000000000000000000000000001", false)]
    [InlineData("1e400", false)]
    [InlineData("-1e400", false)]
    [InlineData("1e-400", false)]
    [InlineData("\"5\"", false)]
    public void Range_is_exact_and_inclusive(string value, bool valid) =>
        Assert.Equal(valid, TestPacts.Condition("v", "valueRange: {min: 0.01, max: 10000}").Validate($$"""{"v":{{value}}}""").Valid);

    [Fact]
    public void Half_open_ranges() =>
        Assert.Equal(["v:valueRange"], TestPacts.Condition("v", "valueRange: {max: -1}").Validate("""{"v":0}""").Summary());

    [Theory]
    [InlineData("valueRange: {}", "PACT012")]
    [InlineData("valueRange: {min: 2, max: 1}", "PACT012")]
    [InlineData("valueRange: {min: 1, mx: 2}", "PACT002")]
    [InlineData("valueRange: {min: \"1\"}", "PACT004")]
    public void Compile_errors(string rules, string code) =>
        Assert.Contains(TestPacts.Errors($"pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        {rules}\n"), e => e.Code == code);
}
