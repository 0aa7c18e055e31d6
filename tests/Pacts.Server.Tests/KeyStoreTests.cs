using Microsoft.Data.Sqlite;

namespace Pacts.Server.Tests;

public class KeyStoreTests
{
    [Fact]
    public void Keys_are_shown_once_stored_hashed_and_revocable()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-keys-").FullName;
        try
        {
            using var ledger = new SqliteLedgerStore(dir);
            var keys = new KeyStore(ledger);
            var (key, info) = keys.Add("agent");
            Assert.True(keys.IsValid(key));
            Assert.False(keys.IsValid(key + "x"));
            Assert.False(keys.IsValid("pk_" + info.Id));
            using (var c = ledger.Open())
            using (var cmd = c.CreateCommand())
            {
                cmd.CommandText = "SELECT count(*) FROM keys WHERE CAST(hash AS TEXT) LIKE '%' || $k || '%' OR description = $k";
                cmd.Parameters.AddWithValue("$k", key);
                Assert.Equal(0L, (long)cmd.ExecuteScalar()!);
            }

            Assert.True(keys.Revoke(info.Id));
            Assert.False(keys.IsValid(key));
            Assert.NotNull(Assert.Single(keys.List()).Revoked);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Pacts.Testing.Shared.TempDirs.Remove(dir);
        }
    }

    [Theory]
    [InlineData("atlas", "atlas", true)]
    [InlineData("atlas", "atlas-2", false)]
    [InlineData("atlas", "Atlas", false)]
    [InlineData("team-a/*", "team-a/atlas", true)]
    [InlineData("team-a/*", "team-a/", true)]
    [InlineData("team-a/*", "team-b/atlas", false)]
    [InlineData("team-a/*", "team-a", false)]
    public void A_pattern_is_an_exact_id_or_a_prefix_ending_in_a_star(string pattern, string agent, bool allowed)
    {
        Assert.Equal(allowed, AgentScope.Of([pattern]).Allows(agent));
        Assert.True(AgentScope.Everyone.Allows(agent));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("*", "every agent")]
    [InlineData("a*b", "may only end")]
    [InlineData("*a", "may only end")]
    [InlineData("a\nb", "control")]
    public void A_pattern_that_is_not_one_is_refused_by_name(string pattern, string why)
    {
        pattern = pattern.Replace("\\n", "\n", StringComparison.Ordinal);
        var ex = Assert.Throws<ArgumentException>(() => AgentScope.Of([pattern]));
        Assert.Contains(why, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scoped_key_checks_to_its_scope_and_an_unscoped_one_to_every_agent()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-keys-").FullName;
        try
        {
            using var ledger = new SqliteLedgerStore(dir);
            var keys = new KeyStore(ledger);
            var (scoped, _) = keys.Add("team a", AgentScope.Of(["team-a/*"]));
            var (open, _) = keys.Add("ops");
            Assert.Equal(["team-a/*"], (await keys.CheckAsync(scoped))!.Patterns);
            Assert.Equal(["team-a/*"], (await keys.CheckAsync(scoped))!.Patterns); // from the cache, the same
            Assert.True((await keys.CheckAsync(open))!.IsEveryone);
            Assert.Null(await keys.CheckAsync(scoped + "x"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Pacts.Testing.Shared.TempDirs.Remove(dir);
        }
    }

    [Fact]
    public async Task A_ledger_from_before_scopes_keeps_its_keys_for_every_agent()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-keys-").FullName;
        try
        {
            string key;
            using (var ledger = new SqliteLedgerStore(dir))
            {
                key = new KeyStore(ledger).Add("old").Key;
            }

            // The keys table as it was: no agents column.
            using (var c = new SqliteConnection($"Data Source={Path.Combine(dir, SqliteLedgerStore.FileName)}"))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "ALTER TABLE keys DROP COLUMN agents";
                cmd.ExecuteNonQuery();
            }

            SqliteConnection.ClearAllPools();
            using (var ledger = new SqliteLedgerStore(dir))
            {
                var keys = new KeyStore(ledger);
                Assert.True((await keys.CheckAsync(key))!.IsEveryone);
                Assert.True(Assert.Single(keys.List()).Agents.IsEveryone);
                Assert.Equal(["x"], (await keys.CheckAsync(keys.Add("new", AgentScope.Of(["x"])).Key))!.Patterns);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Pacts.Testing.Shared.TempDirs.Remove(dir);
        }
    }
}
