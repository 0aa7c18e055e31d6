using Microsoft.Data.Sqlite;

namespace Pacts.Server.Tests;

/// <summary>The store contract, run against the embedded SQLite store in a fresh directory per store.</summary>
public sealed class SqliteLedgerStoreTests : LedgerStoreContract
{
    protected override ILedgerStore Create() => new SqliteLedgerStore(Directory.CreateTempSubdirectory("pacts-store-").FullName);

    protected override void Release(ILedgerStore store)
    {
        var sqlite = (SqliteLedgerStore)store;
        sqlite.Dispose();
        SqliteConnection.ClearAllPools();
        Pacts.Testing.Shared.TempDirs.Remove(Path.GetDirectoryName(sqlite.FilePath)!);
    }

    /// <summary>
    /// Every 32 commits the store copies its WAL back on a thread of its own; disposing waits for that copy, so the data
    /// directory can be removed at once. Before, a copy still running held a connection whose closing removed the
    /// -wal/-shm files while the directory was being deleted ("Directory not empty" in a fixture's cleanup).
    /// </summary>
    [Fact]
    public void Dispose_waits_for_the_background_wal_checkpoint()
    {
        for (var round = 0; round < 20; round++)
        {
            var ledger = new TempLedger();
            for (var i = 0; i < 32; i++) // the 32nd commit starts a checkpoint, and disposing follows at once
            {
                ledger.AppendSession($"agent-{i}", $"s{i}");
            }

            Assert.True(ledger.Ledger.Commits >= 32);
            ledger.Dispose();
            Assert.False(Directory.Exists(ledger.Dir));
        }
    }
}
