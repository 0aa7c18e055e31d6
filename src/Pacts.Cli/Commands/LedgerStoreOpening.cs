using System.CommandLine;
using Microsoft.Data.Sqlite;
using Pacts.Server;

namespace Pacts.Cli.Commands;

/// <summary>
/// Which ledger a command works on (<c>--data DIR</c>, the embedded SQLite one by default, or <c>--store postgres
/// --connection …</c>), and opening it for <c>pacts keys</c> and <c>pacts ledger</c>: every problem is one error line
/// (exit 2), never a stack trace, and only <c>pacts serve</c> and <c>pacts keys add</c> create a ledger.
/// </summary>
internal sealed class LedgerStoreOpening
{
    private LedgerStoreOpening(Option<string> data, Option<string> store, Option<string> connection)
    {
        Data = data;
        Store = store;
        Connection = connection;
    }

    /// <summary><c>--data</c>: the SQLite ledger's directory (with PostgreSQL, where the service keeps its key and checkpoint).</summary>
    public Option<string> Data { get; }

    /// <summary><c>--store sqlite|postgres</c> (env <c>PACTS_STORE</c>).</summary>
    public Option<string> Store { get; }

    /// <summary><c>--connection</c> (env <c>PACTS_CONNECTION</c>).</summary>
    public Option<string> Connection { get; }

    /// <summary>The three options, to add to a command.</summary>
    public static LedgerStoreOpening Options(string dataDescription = "the service's data directory (the sqlite ledger's home)")
    {
        var store = new Option<string>("--store") { Description = "sqlite (default: the ledger in --data) or postgres (env PACTS_STORE)", HelpName = "STORE" };
        store.AcceptOnlyFromAmong("sqlite", "postgres");
        return new LedgerStoreOpening(
            new Option<string>("--data") { Description = dataDescription, HelpName = "DIR" },
            store,
            new Option<string>("--connection") { Description = "with --store postgres: the Npgsql connection string (env PACTS_CONNECTION keeps a password off the command line)", HelpName = "STRING" });
    }

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Data);
        command.Add(Store);
        command.Add(Connection);
        command.Validators.Add(result =>
        {
            if ((result.GetValue(Store) ?? Environment.GetEnvironmentVariable("PACTS_STORE")) != "postgres" && result.GetValue(Data) is null)
            {
                result.AddError("--data DIR is required (the sqlite ledger's directory), or give --store postgres --connection …");
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a ledger that exists; else one error line and exit 2. A command that reads a
    /// ledger (export, list, revoke) given a mistyped <c>--data</c> would otherwise create an empty one there and report
    /// on it. A file SQLite cannot read, at open or on the way, is named as damaged; a database that cannot be reached, as unavailable.
    /// </summary>
    public int WithExisting(CliContext context, ParseResult parse, Func<ILedgerStore, int> action)
    {
        using var opened = OpenExisting(context, parse, out _);
        return opened is null ? (int)ExitCode.Error : Guarded(context, opened, () => action(opened.Store));
    }

    /// <summary>As <see cref="WithExisting"/>, creating the ledger when there is none.</summary>
    public int WithCreated(CliContext context, ParseResult parse, Func<ILedgerStore, int> action)
    {
        using var opened = Open(context, parse, create: true, out _);
        return opened is null ? (int)ExitCode.Error : Guarded(context, opened, () => action(opened.Store));
    }

    /// <summary>
    /// A ledger that exists, or null after one error line; <paramref name="damaged"/> when the SQLite file is there but
    /// cannot be read.
    /// </summary>
    public Opened? OpenExisting(CliContext context, ParseResult parse, out bool damaged) => Open(context, parse, create: false, out damaged);

    private Opened? Open(CliContext context, ParseResult parse, bool create, out bool damaged)
    {
        damaged = false;
        string? connection;
        try
        {
            connection = ServerOptions.StoreConnection(parse.GetValue(Store) ?? Environment.GetEnvironmentVariable("PACTS_STORE"),
                parse.GetValue(Connection) ?? Environment.GetEnvironmentVariable("PACTS_CONNECTION"));
        }
        catch (InvalidOperationException ex)
        {
            context.Fail(ex.Message);
            return null;
        }

        if (connection is not null)
        {
            try
            {
                if (!create && !PostgresLedgerStore.HasLedger(connection, out var where))
                {
                    context.Fail($"no ledger at {where} (no pacts tables there); check --connection, or create one with `pacts serve --store postgres` or `pacts keys add --store postgres`");
                    return null;
                }

                var pg = new PostgresLedgerStore(connection);
                return new Opened(pg, pg.Where);
            }
            catch (LedgerUnavailableException ex)
            {
                context.Fail(ex.Message);
                return null;
            }
        }

        if (parse.GetValue(Data) is not { } dataDir)
        {
            context.Fail("--data DIR is required (the directory of the sqlite ledger), or give --store postgres --connection …");
            return null;
        }

        if (!create && !File.Exists(Path.Combine(dataDir, SqliteLedgerStore.FileName)))
        {
            context.Fail($"no ledger in {dataDir} (no {SqliteLedgerStore.FileName} there); check --data, or create one with `pacts serve --data {dataDir}` or `pacts keys add --data {dataDir}`");
            return null;
        }

        try
        {
            var sqlite = new SqliteLedgerStore(dataDir);
            return new Opened(sqlite, sqlite.FilePath);
        }
        catch (LedgerDamagedException ex)
        {
            damaged = true;
            context.Fail(ex.Message);
            return null;
        }
    }

    /// <summary>Runs <paramref name="action"/> on an open ledger; a damaged page or a lost database on the way is one error line, exit 2.</summary>
    private static int Guarded(CliContext context, Opened opened, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException ex) when (SqliteLedgerStore.IsDamage(ex))
        {
            return (int)context.Fail(new LedgerDamagedException(opened.Where, ex.Message).Message);
        }
        catch (Npgsql.NpgsqlException ex)
        {
            return (int)context.Fail(new LedgerUnavailableException(opened.Where, ex.Message).Message);
        }
        catch (LedgerUnavailableException ex)
        {
            return (int)context.Fail(ex.Message);
        }
    }

    /// <summary>An open ledger and where it is (the SQLite file, or the PostgreSQL server and database).</summary>
    internal sealed class Opened(ILedgerStore store, string where) : IDisposable
    {
        public ILedgerStore Store { get; } = store;

        public string Where { get; } = where;

        /// <summary>Runs <paramref name="action"/> guarded as <see cref="WithExisting"/> does.</summary>
        public int Guard(CliContext context, Func<int> action) => Guarded(context, this, action);

        public void Dispose() => (Store as IDisposable)?.Dispose();
    }
}
