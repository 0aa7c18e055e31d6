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
        Directory.Delete(Path.GetDirectoryName(sqlite.FilePath)!, true);
    }
}
