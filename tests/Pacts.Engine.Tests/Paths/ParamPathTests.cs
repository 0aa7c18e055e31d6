using Pacts.Paths;

namespace Pacts.Tests;

public class ParamPathTests
{
    [Theory]
    [InlineData("a", "a")]
    [InlineData("a.b", "a.b")]
    [InlineData("a[0]", "a[0]")]
    [InlineData("items[*].sku", "items[*].sku")]
    [InlineData("['key.with.dots']", "['key.with.dots']")]
    [InlineData("[\"x\"][*]", "x[*]")]
    [InlineData("['']", "['']")]
    [InlineData("['it\\'s']", "['it\\'s']")]
    [InlineData("['back\\\\slash']", "['back\\\\slash']")]
    [InlineData("$a_b-c.d", "$a_b-c.d")]
    public void Parses_and_renders(string text, string rendered)
    {
        Assert.True(ParamPath.TryParse(text, out var path, out var error), error);
        Assert.Equal(rendered, path!.Render([], 0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[0]")]
    [InlineData("[*]")]
    [InlineData("a.")]
    [InlineData("a..b")]
    [InlineData("a[01]")]
    [InlineData("a[")]
    [InlineData("a[*")]
    [InlineData("items[*.sku")]
    [InlineData("a['x]")]
    [InlineData("a b")]
    [InlineData("1a")]
    [InlineData("a[-1]")]
    [InlineData("a['\\n']")]
    [InlineData("a[99999999999]")]
    public void Rejects_malformed(string text) => Assert.False(ParamPath.TryParse(text, out _, out _));

    [Fact]
    public void Absurdly_long_paths_are_rejected() =>
        Assert.False(ParamPath.TryParse(string.Join(".", Enumerable.Repeat("a", 100_000)), out _, out _));

    [Fact]
    public void Keys_that_are_not_identifiers_render_quoted()
    {
        var pact = TestPacts.Condition("['a b'][*]['c.d']", "required: true");
        Assert.Equal(["['a b'][1]['c.d']:required"], pact.Validate("""{"a b":[{"c.d":1},{}]}""").Summary());
    }
}
