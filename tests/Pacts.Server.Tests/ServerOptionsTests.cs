using Microsoft.Extensions.Configuration;

namespace Pacts.Server.Tests;

public class ServerOptionsTests
{
    [Theory]
    [InlineData("16", 16)]
    [InlineData("64", 64)]
    [InlineData("100", 64)] // deeper would judge params that replay and `pacts validate-call` refuse
    [InlineData("nonsense", 64)]
    public void Param_depth_is_capped_at_the_engines_limit(string configured, int effective)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["pacts"] = "p", ["data"] = "d", ["max-param-depth"] = configured })
            .Build();
        Assert.Equal(effective, ServerOptions.From(config).MaxParamDepth);
    }
}
