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

    [Theory]
    [InlineData("postgres", null, null, "--store postgres needs --connection")]
    [InlineData("postgres", "Host=db", null, "--store postgres needs --signing-key FILE")]
    [InlineData("sqlite", "Host=db", null, "--connection is for --store postgres")]
    [InlineData("mysql", null, null, "--store `mysql` is not sqlite or postgres")]
    [InlineData("postgres", "Host=db", "k.pem", null)]
    public void A_store_is_sqlite_or_postgres_with_a_connection_and_one_shared_signing_key(string store, string? connection, string? key, string? error)
    {
        var settings = new Dictionary<string, string?> { ["pacts"] = "p", ["data"] = "d", ["store"] = store, ["connection"] = connection, ["signing-key"] = key };
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        if (error is null)
        {
            Assert.Equal("Host=db", ServerOptions.From(config).PostgresConnection);
        }
        else
        {
            Assert.StartsWith(error, Assert.Throws<InvalidOperationException>(() => ServerOptions.From(config)).Message, StringComparison.Ordinal);
        }
    }
}
