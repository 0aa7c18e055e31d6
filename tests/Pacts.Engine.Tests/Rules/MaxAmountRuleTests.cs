namespace Pacts.Tests;

public class MaxAmountRuleTests
{
    [Fact]
    public void A_negative_ceiling_is_an_error() =>
        Assert.Contains(TestPacts.Errors("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        maxAmount: -0.01\n"), e => e.Code == "PACT012");

    [Theory]
    [InlineData("5000", true)]
    [InlineData("\"5000.00\"", true)]
    [InlineData("\"0\"", true)]
    [InlineData("\"-0\"", true)]
    [InlineData("\"007\"", true)]
    [InlineData("\"\\u0032\\u0035\\u0030\"", true)]
    [InlineData("5000.0000000000000000000000000001", false)]
    [InlineData("\"5000.01\"", false)]
    [InlineData("-0.01", false)]
    [InlineData("\"-1\"", false)]
    [InlineData("\"1e3\"", false)]
    [InlineData("\"1.\"", false)]
    [InlineData("\" 1\"", false)]
    [InlineData("\"\"", false)]
    [InlineData("true", false)]
    [InlineData("1e999999999", false)]
    [InlineData("1e-999999999", true)]
    public void Amounts(string value, bool valid) =>
        Assert.Equal(valid, TestPacts.Condition("v", "maxAmount: 5000").Validate($$"""{"v":{{value}}}""").Valid);
}
