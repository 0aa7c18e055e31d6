namespace Pacts.Tests;

/// <summary>minLength and maxLength: lengths in code points, each bound its own violation, bounds checked at compile time.</summary>
public class LengthCheckTests
{
    [Theory]
    [InlineData("\"abc\"", true)]
    [InlineData("\"ab\"", false)]
    [InlineData("\"abcdef\"", false)]
    [InlineData("\"👍👍👍\"", true)]
    [InlineData("\"\\ud83d\\udc4d\\ud83d\\udc4d\\ud83d\\udc4d\"", true)]
    [InlineData("\"éé\"", false)]
    [InlineData("\"ééééé\"", true)]
    [InlineData("5", false)]
    public void Code_points(string value, bool valid) =>
        Assert.Equal(valid, TestPacts.Condition("v", "minLength: 3\nmaxLength: 5").Validate($$"""{"v":{{value}}}""").Valid);

    [Fact]
    public void Each_bound_is_its_own_violation() =>
        Assert.Equal(["v:minLength", "v:maxLength"], TestPacts.Condition("v", "minLength: 3\nmaxLength: 5").Validate("""{"v":[]}""").Summary());

    [Fact]
    public void Min_over_max_is_an_error() =>
        Assert.Contains(TestPacts.Errors("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        minLength: 5\n        maxLength: 3\n"), e => e.Code == "PACT012");

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("\"3\"")]
    public void Bounds_must_be_whole_non_negative_numbers(string bound) =>
        Assert.NotEmpty(TestPacts.Errors($"pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        maxLength: {bound}\n"));
}
