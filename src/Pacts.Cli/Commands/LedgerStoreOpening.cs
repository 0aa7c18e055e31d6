using System.CommandLine;
using Microsoft.Data.Sqlite;
using Pacts.Server;

namespace Pacts.Cli.Commands;

/// <summary>
/// Opening the service's ledger store for <c>pacts keys</c> and <c>pacts ledger</c>: every problem is one error line
/// (exit 2), never a stack trace, and only <c>pacts serve</c> and <c>pacts keys add</c> create a store.
/// </summary>
internal static class LedgerStoreOpening
{
    internal static Option<string> DataOption() => new("--data") { Description = "the service's data directory", Required = true, HelpName = "DIR" };

    /// <summary>
    /// Runs <paramref name="action"/> on the store of a data directory that has one; else one error line and exit 2. A
    /// command that reads a store (export, list, revoke) given a mistyped `--data` would otherwise create an empty one
    /// there and report on it. A file SQLite cannot read, at open or on the way, is named as damaged.
    /// </summary>
    internal static int WithExisting(CliContext context, string dataDir, Func<SqliteLedgerStore, int> action)
    {
        using var store = OpenExisting(dataDir, context, out _);
        return store is null ? (int)ExitCode.Error : Guarded(context, store, () => action(store));
    }

    /// <summary>As <see cref="WithExisting"/>, creating the store when the directory has none.</summary>
    internal static int WithCreated(CliContext context, string dataDir, Func<SqliteLedgerStore, int> action)
    {
        using var store = Open(dataDir, context, out _);
        return store is null ? (int)ExitCode.Error : Guarded(context, store, () => action(store));
    }

    /// <summary>
    /// The store of a data directory that has one, or null after one error line; <paramref name="damaged"/> when the
    /// file is there but SQLite cannot read it.
    /// </summary>
    internal static SqliteLedgerStore? OpenExisting(string dataDir, CliContext context, out bool damaged)
    {
        damaged = false;
        if (!File.Exists(Path.Combine(dataDir, SqliteLedgerStore.FileName)))
        {
            context.Fail($"no ledger in {dataDir} (no {SqliteLedgerStore.FileName} there); check --data, or create one with `pacts serve --data {dataDir}` or `pacts keys add --data {dataDir}`");
            return null;
        }

        return Open(dataDir, context, out damaged);
    }

    /// <summary>The store of <paramref name="dataDir"/>, created when absent; null after one error line when it is damaged.</summary>
    private static SqliteLedgerStore? Open(string dataDir, CliContext context, out bool damaged)
    {
        try
        {
            damaged = false;
            return new SqliteLedgerStore(dataDir);
        }
        catch (LedgerDamagedException ex)
        {
            damaged = true;
            context.Fail(ex.Message);
            return null;
        }
    }

    /// <summary>Runs <paramref name="action"/> on an open store; a page SQLite finds damaged on the way is one error line, exit 2.</summary>
    internal static int Guarded(CliContext context, SqliteLedgerStore store, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException ex) when (SqliteLedgerStore.IsDamage(ex))
        {
            return (int)context.Fail(new LedgerDamagedException(store.FilePath, ex.Message).Message);
        }
    }
}
