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
            Directory.Delete(dir, true);
        }
    }
}
