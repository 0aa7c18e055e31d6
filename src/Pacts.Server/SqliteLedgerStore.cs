using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Pacts.Server;

/// <summary>The ledger file cannot be read by SQLite (truncated, overwritten, not a database).</summary>
public sealed class LedgerDamagedException(string path, string detail, Exception? inner = null)
    : InvalidOperationException($"the ledger file {path} is damaged ({OneLine(detail)}); restore it from a backup, or move it aside to start a new ledger", inner)
{
    /// <summary>The damaged file.</summary>
    public string Path { get; } = path;

    /// <summary>SQLite's integrity report spans lines and opens with a banner; an error here is one line.</summary>
    private static string OneLine(string detail) =>
        string.Join("; ", detail.Replace("*** in database main ***", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>The ledger's database cannot be reached or used (PostgreSQL down, refusing the login, a schema too new).</summary>
public sealed class LedgerUnavailableException(string where, string detail, Exception? inner = null)
    : InvalidOperationException($"the ledger at {where} is unavailable: {detail}", inner)
{
    /// <summary>Where the ledger is (no password).</summary>
    public string Where { get; } = where;
}

/// <summary>
/// The embedded <see cref="ILedgerStore"/>: the tamper-evident ledger, an SQLite database in the data directory (WAL, synchronous FULL), one row per
/// accepted event, each hash-chained to the previous one: <c>hash = SHA-256(prevHash \n seq \n body \n verdict)</c>.
/// Appends are serialised through one writer so the chain stays linear under concurrent ingest; a batch is
/// one transaction, committed (durable) before the caller answers. An event whose canonical form is already
/// stored is acknowledged and not stored again, so client retries are safe. A per-agent summary
/// (<c>agent_summary</c>, <c>agent_paths</c>) is updated in the same transaction, so a trust answer reads a few rows
/// whatever the ledger's size; <see cref="Verify"/> recomputes it, and every derived column, from the hashed data. The API
/// keys live in the same file. Microsoft.Data.Sqlite does its I/O synchronously, so the asynchronous members complete
/// before they return; the synchronous ones serve the CLI (<c>pacts ledger</c>, <c>pacts keys</c>).
/// </summary>
public sealed partial class SqliteLedgerStore : ILedgerStore, IDisposable
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The database's file name in the data directory.</summary>
    public const string FileName = "ledger.db";

    private readonly AppendQueue _queue;
    private long _commits;

    /// <summary>
    /// Copying the write-ahead log back into the database file (SQLite's checkpoint) is done every this many commits on
    /// a thread of its own, PASSIVE (it never blocks a writer), instead of inside the commit that crosses SQLite's
    /// 1,000-page threshold: an ingest's answer no longer waits for it. Durability does not depend on it: a committed
    /// transaction is already fsynced in the log (synchronous=FULL), and a log left long is replayed at the next open.
    /// </summary>
    private const int CheckpointEvery = 32;

    private int _checkpointing;

    private int _disposed;

    private void CheckpointInBackground()
    {
        if (Interlocked.Exchange(ref _checkpointing, 1) == 1)
        {
            return; // one at a time
        }

        if (Volatile.Read(ref _disposed) == 1)
        {
            Volatile.Write(ref _checkpointing, 0);
            return; // closing: the next open replays the log
        }

        _ = Task.Run(() =>
        {
            try
            {
                using var c = Open();
                Exec(c, "PRAGMA wal_checkpoint(PASSIVE);");
            }
            catch (SqliteException)
            {
                // busy or closing: the next one catches up
            }
            finally
            {
                Volatile.Write(ref _checkpointing, 0);
            }
        });
    }

    /// <summary>Appending transactions committed by this instance (each holds one or more batches).</summary>
    internal long Commits => Interlocked.Read(ref _commits);
    private readonly string _connectionString;

    public SqliteLedgerStore(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        FilePath = Path.Combine(dataDir, FileName);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = FilePath, Pooling = true }.ToString();
        _queue = new AppendQueue(WriteGroup, ex => ex is SqliteException sqlite && IsDamage(sqlite) ? new LedgerDamagedException(FilePath, sqlite.Message, sqlite) : ex);
        try
        {
            using var c = Open();
            Exec(c, "PRAGMA journal_mode=WAL;");
            Exec(c, """
                CREATE TABLE IF NOT EXISTS events (
                  seq INTEGER PRIMARY KEY, event_hash TEXT NOT NULL UNIQUE, type TEXT NOT NULL, agent_id TEXT NOT NULL,
                  session_id TEXT, tool TEXT, pact_id TEXT, body TEXT NOT NULL, verdict TEXT, valid INTEGER, severity TEXT,
                  ts TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS events_agent ON events(agent_id);
                CREATE INDEX IF NOT EXISTS events_session ON events(session_id, type);
                CREATE TABLE IF NOT EXISTS keys (
                  id TEXT PRIMARY KEY, hash BLOB NOT NULL, description TEXT NOT NULL, created TEXT NOT NULL, revoked TEXT,
                  agents TEXT);
                """);
            MigrateKeys(c);
            MigrateSummary(c);
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            throw new LedgerDamagedException(FilePath, ex.Message, ex);
        }
    }

    /// <summary>A ledger made before keys had scopes gains the column (NULL: every agent, what its keys meant).</summary>
    private static void MigrateKeys(SqliteConnection c)
    {
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT count(*) FROM pragma_table_info('keys') WHERE name = 'agents'";
            if ((long)cmd.ExecuteScalar()! > 0)
            {
                return;
            }
        }

        try
        {
            Exec(c, "ALTER TABLE keys ADD COLUMN agents TEXT;");
        }
        catch (SqliteException ex) when (ex.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
        {
            // another process added it first
        }
    }

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    public string ConnectionString => _connectionString;

    /// <summary>True when SQLite refused the file itself: corrupt pages, or not a database at all.</summary>
    public static bool IsDamage(SqliteException ex) => ex.SqliteErrorCode is 11 or 26; // SQLITE_CORRUPT, SQLITE_NOTADB

    public SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        Exec(c, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000; PRAGMA wal_autocheckpoint=0;");
        return c;
    }

    /// <summary>
    /// Runs SQLite's <c>PRAGMA integrity_check</c> (every page, and every index against its table: 4.4 s on a million
    /// rows), or with <paramref name="quick"/> its <c>quick_check</c> (every page, not the index contents: 0.5 s);
    /// throws <see cref="LedgerDamagedException"/> naming the first problem it reports.
    /// </summary>
    public void CheckIntegrity(bool quick = false)
    {
        try
        {
            using var c = Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = quick ? "PRAGMA quick_check(1)" : "PRAGMA integrity_check(1)";
            var answer = cmd.ExecuteScalar() as string;
            if (answer != "ok")
            {
                throw new LedgerDamagedException(FilePath, (quick ? "quick check: " : "integrity check: ") + answer);
            }
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            throw new LedgerDamagedException(FilePath, ex.Message, ex);
        }
    }

    /// <summary>
    /// Appends entries in order; returns for each its sequence number and whether it was new, and the chain head after the
    /// batch, once the batch is durable. Group commit: the batch joins a queue in call order (before this method first
    /// yields, so callers that append one after another keep that order), and one writer appends every batch queued
    /// meanwhile in a single transaction, one fsync for all; each caller is answered only after that commit.
    /// </summary>
    public Task<(IReadOnlyList<(long Seq, bool Stored)> Results, (long Seq, string Hash) Head)> AppendAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return _queue.Enqueue(entries, [.. entries.Select(e => Derive(e.Body, e.Verdict, e.PactId))]);
    }

    private List<(IReadOnlyList<(long Seq, bool Stored)>, (long Seq, string Hash))> WriteGroup(List<AppendQueue.Pending> group)
    {
        using var c = Open();
        using var tx = c.BeginTransaction();
        var (seq, prev) = Head(c, tx);
        var tallies = new Dictionary<string, AgentTally>(StringComparer.Ordinal);
        using var find = c.CreateCommand();
        find.Transaction = tx;
        find.CommandText = "SELECT seq FROM events WHERE event_hash = $h";
        var findHash = find.Parameters.Add("$h", SqliteType.Text);
        using var insert = c.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO events (seq, event_hash, type, agent_id, session_id, tool, pact_id, body, verdict, valid, severity, ts, prev_hash, hash)
            VALUES ($seq, $eh, $type, $agent, $session, $tool, $pact, $body, $verdict, $valid, $sev, $ts, $prev, $hash)
            """;
        var p = new Dictionary<string, SqliteParameter>(StringComparer.Ordinal);
        foreach (var name in new[] { "$seq", "$eh", "$type", "$agent", "$session", "$tool", "$pact", "$body", "$verdict", "$valid", "$sev", "$ts", "$prev", "$hash" })
        {
            p[name] = insert.Parameters.Add(name, SqliteType.Text);
        }

        var answers = new List<(IReadOnlyList<(long Seq, bool Stored)>, (long Seq, string Hash))>(group.Count);
        foreach (var append in group)
        {
            var results = new List<(long, bool)>(append.Entries.Count);
            for (var i = 0; i < append.Entries.Count; i++)
            {
                var (e, d) = (append.Entries[i], append.Derived[i]);
                findHash.Value = d.Columns.EventHash; // the transaction sees its own inserts: a repeat within the group is found too
                if (find.ExecuteScalar() is long existing)
                {
                    results.Add((existing, false));
                    continue;
                }

                seq++;
                var hash = ChainHash(prev, seq, e.Body, e.Verdict);
                var col = d.Columns;
                p["$seq"].Value = seq;
                p["$eh"].Value = col.EventHash;
                p["$type"].Value = col.Type;
                p["$agent"].Value = col.AgentId;
                p["$session"].Value = (object?)col.SessionId ?? DBNull.Value;
                p["$tool"].Value = (object?)col.Tool ?? DBNull.Value;
                p["$pact"].Value = (object?)col.PactId ?? DBNull.Value;
                p["$body"].Value = e.Body;
                p["$verdict"].Value = (object?)e.Verdict ?? DBNull.Value;
                p["$valid"].Value = col.Valid is null ? DBNull.Value : col.Valid.Value ? 1 : 0;
                p["$sev"].Value = (object?)col.Severity ?? DBNull.Value;
                p["$ts"].Value = col.Ts;
                p["$prev"].Value = prev;
                p["$hash"].Value = hash;
                insert.ExecuteNonQuery();
                Tally(tallies, seq, d);
                prev = hash;
                results.Add((seq, true));
            }

            answers.Add((results, (seq, prev)));
        }

        AddToSummary(c, tx, tallies);
        tx.Commit();
        if (Interlocked.Increment(ref _commits) % CheckpointEvery == 0)
        {
            CheckpointInBackground();
        }

        return answers;
    }

    /// <summary>The chain head: last sequence number and hash (0 and the genesis hash when empty).</summary>
    public (long Seq, string Hash) Head()
    {
        using var c = Open();
        return Head(c, null);
    }

    /// <summary>Every record in order (for verify and export), streamed.</summary>
    public IEnumerable<LedgerRecord> Records()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT seq, event_hash, body, verdict, prev_hash, hash FROM events ORDER BY seq";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return new LedgerRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetString(5));
        }
    }

    /// <summary>
    /// Waits (at most 30 s) for the writer to finish the batches already queued and for a background WAL checkpoint
    /// to end, so that nothing touches the database's files once this returns (a data directory can then be removed).
    /// </summary>
    public void Dispose()
    {
        _queue.WaitIdle(TimeSpan.FromSeconds(30));
        Interlocked.Exchange(ref _disposed, 1); // no checkpoint starts from here on (a full fence, as on the other side)
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref _checkpointing) != 0 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(1);
        }
    }

    internal static string ChainHash(string prev, long seq, string body, string? verdict) =>
        Hex(SHA256.HashData(Encoding.UTF8.GetBytes($"{prev}\n{seq}\n{body}\n{verdict}")));

    internal static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static (long, string) Head(SqliteConnection c, SqliteTransaction? tx)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1";
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetInt64(0), r.GetString(1)) : (0, Genesis);
    }

    private static void Exec(SqliteConnection c, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
