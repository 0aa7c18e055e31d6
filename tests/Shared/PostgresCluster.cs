using System.Diagnostics;
using Npgsql;

namespace Pacts.Testing.Shared;

/// <summary>
/// The PostgreSQL the store tests run against: <c>PACTS_POSTGRES</c> (an Npgsql connection string; <c>.ci/run</c> sets it
/// to the throwaway cluster it starts), or else a throwaway cluster this process starts itself with
/// <c>.ci/postgres.sh</c> (Debian's binaries: <c>apt-get install postgresql</c>) and stops when it exits. Each store gets
/// a schema of its own, so tests do not see each other's ledgers.
/// </summary>
internal static class PostgresCluster
{
    private static readonly Lazy<string> Server = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The server's connection string.</summary>
    public static string ConnectionString => Server.Value;

    /// <summary>A connection string whose objects live in a new, empty schema.</summary>
    public static string NewSchema() => new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = Create("SCHEMA") }.ToString();

    /// <summary>
    /// A connection string to a new, empty database: for tests that read advisory locks, which are the database's and
    /// so shared by every schema in it (and by the tests running beside them).
    /// </summary>
    public static string NewDatabase() => new NpgsqlConnectionStringBuilder(ConnectionString) { Database = Create("DATABASE") }.ToString();

    /// <summary>Drops the schema <see cref="NewSchema"/> made, with everything in it.</summary>
    public static void DropSchema(string connectionString) =>
        Exec($"DROP SCHEMA {new NpgsqlConnectionStringBuilder(connectionString).SearchPath} CASCADE", closePools: true);

    /// <summary>Drops the database <see cref="NewDatabase"/> made, closing what is still connected to it.</summary>
    public static void DropDatabase(string connectionString) =>
        Exec($"DROP DATABASE {new NpgsqlConnectionStringBuilder(connectionString).Database} WITH (FORCE)", closePools: true);

    private static string Create(string what)
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        Exec($"CREATE {what} {name}", closePools: false);
        return name;
    }

    private static void Exec(string sql, bool closePools)
    {
        if (closePools)
        {
            NpgsqlConnection.ClearAllPools();
        }

        using var c = new NpgsqlConnection(ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    private static string Start()
    {
        if (Environment.GetEnvironmentVariable("PACTS_POSTGRES") is { Length: > 0 } given)
        {
            return given;
        }

        var script = Path.Combine(Pacts.Testing.Shared.RepoPaths.Root, ".ci", "postgres.sh");
        var (code, output) = Run(script);
        if (code != 0)
        {
            throw new InvalidOperationException($"these tests need a real PostgreSQL: apt-get install postgresql (what .ci/run does), or set PACTS_POSTGRES; .ci/postgres.sh said: {output}");
        }

        // export PACTS_POSTGRES='…' PACTS_PG_DIR=…
        var line = output.Trim();
        var connection = line.Split('\'')[1];
        var dir = line[(line.LastIndexOf("PACTS_PG_DIR=", StringComparison.Ordinal) + "PACTS_PG_DIR=".Length)..].Trim();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Run(script, "stop", dir);
        return connection;
    }

    private static (int Code, string Output) Run(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, p.ExitCode == 0 ? stdout : stderr.Result + stdout);
    }
}
