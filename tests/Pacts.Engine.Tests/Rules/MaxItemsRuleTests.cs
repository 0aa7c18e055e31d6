namespace Pacts.Tests;

public class MaxItemsRuleTests
{
    [Theory]
    [InlineData("[1,2]", true)]
    [InlineData("[1,2,3]", false)]
    [InlineData("\"ab\"", false)]
    public void Max_items(string value, bool valid) =>
        Assert.Equal(valid, TestPacts.Condition("v", "maxItems: 2").Validate($$"""{"v":{{value}}}""").Valid);
}
