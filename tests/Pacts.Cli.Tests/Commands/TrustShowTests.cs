using System.Text.Json;
using Pacts.Server;
using Pacts.Testing.Shared;

namespace Pacts.Cli.Tests;

/// <summary>`pacts trust show AGENT`: the trust answer read from either store, the body the service answers.</summary>
public class TrustShowTests
{
    private static async Task IngestAtlas(ILedgerStore store)
    {
        using var ingestor = new Ingestor(store);
        var lines = await File.ReadAllLinesAsync(Path.Combine(RepoPaths.Root, "examples", "events", "atlas.jsonl"));
        using var batch = JsonDocument.Parse("[" + string.Join(",", lines) + "]");
        Assert.Empty((await ingestor.IngestAsync(batch.RootElement, PactSet.Load(RepoPaths.ExamplePacts), 64, TimeSpan.FromDays(36500))).Rejected);
    }

    private static void AssertAtlas((int Exit, string Out, string Err) shown)
    {
        Assert.True(shown.Exit == 0, shown.Err);
        var t = JsonDocument.Parse(shown.Out).RootElement;
        Assert.Equal("atlas", t.GetProperty("agentId").GetString());
        Assert.Equal((25, 25, 24, 1), (t.GetProperty("toolCalls").GetInt32(), t.GetProperty("evaluated").GetInt32(), t.GetProperty("valid").GetInt32(),
            t.GetProperty("invalidBySeverity").GetProperty("critical").GetInt32()));
        Assert.Equal(40, t.GetProperty("ledgerHead").GetProperty("seq").GetInt32());
    }

    [Fact]
    public async Task Shows_an_agents_trust_from_the_sqlite_ledger_and_says_when_there_is_none()
    {
        var data = Directory.CreateTempSubdirectory("pacts-trust-show-").FullName;
        try
        {
            using (var store = new SqliteLedgerStore(data))
            {
                await IngestAtlas(store);
            }

            AssertAtlas(CliRunner.Run("trust", "show", "atlas", "--data", data));
            var none = CliRunner.Run("trust", "show", "nobody", "--data", data);
            Assert.Equal(1, none.Exit);
            Assert.Contains("no events recorded for agent `nobody`", none.Err, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            TempDirs.Remove(data);
        }
    }

    [Fact]
    public async Task Shows_an_agents_trust_from_the_postgres_ledger()
    {
        var connection = PostgresCluster.NewSchema();
        try
        {
            using (var store = new PostgresLedgerStore(connection))
            {
                await IngestAtlas(store);
            }

            AssertAtlas(CliRunner.Run("trust", "show", "atlas", "--store", "postgres", "--connection", connection));
        }
        finally
        {
            PostgresCluster.DropSchema(connection);
        }
    }
}
