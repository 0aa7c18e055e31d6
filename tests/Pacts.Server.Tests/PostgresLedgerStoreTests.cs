namespace Pacts.Server.Tests;

/// <summary>The store contract, run against the PostgreSQL store on a real server (<see cref="PostgresCluster"/>), a fresh schema per store.</summary>
public sealed class PostgresLedgerStoreTests : LedgerStoreContract
{
    protected override ILedgerStore Create() => new PostgresLedgerStore(PostgresCluster.NewSchema());

    protected override void Release(ILedgerStore store)
    {
        var pg = (PostgresLedgerStore)store;
        pg.Dispose();
        PostgresCluster.DropSchema(pg.ConnectionString);
    }
}
