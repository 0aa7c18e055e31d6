namespace Pacts.Tests;

public class ManyViolationsTests
{
    [Fact]
    public void A_long_failing_array_keeps_spec_order()
    {
        var pact = TestPacts.Compile("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: \"xs[*]\"\n        type: string\n        maxAmount: 1\n      - paramPath: y\n        required: true\n");
        var json = "{\"xs\":[" + string.Join(",", Enumerable.Range(0, 500).Select(i => (i + 2).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]}";
        var summary = pact.Validate(json).Summary();
        Assert.Equal(1001, summary.Length);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"xs[{i}]:type").Concat(Enumerable.Range(0, 500).Select(i => $"xs[{i}]:maxAmount")).Append("y:required"), summary);
    }
}
