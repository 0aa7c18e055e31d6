using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Pacts.Server;

/// <summary>
/// One record to append: the event as stored (<see cref="CanonicalJson.WriteInOrder"/>) and, for tool calls, its
/// verdict; <see cref="Identity"/> is the form retries are recognised by (<see cref="CanonicalJson.Write(System.Text.Json.JsonElement)"/>, keys
/// sorted), the body itself when not given.
/// </summary>
public sealed record LedgerEntry(string Type, string AgentId, string? SessionId, string? Tool, string? PactId, string Body, string? Verdict, bool? Valid, string? Severity, DateTimeOffset Timestamp, string? Identity = null);

/// <summary>A stored record with its place in the chain.</summary>
public sealed record LedgerRecord(long Seq, string EventHash, string Body, string? Verdict, string PrevHash, string Hash);

/// <summary>What <see cref="Ledger.Verify"/> found.</summary>
public sealed record LedgerVerification(bool Ok, long Records, long? FirstBadSeq, string? Problem);

/// <summary>
/// The tamper-evident ledger: an SQLite database in the data directory (WAL, synchronous FULL), one row per
/// accepted event, each hash-chained to the previous one: <c>hash = SHA-256(prevHash \n seq \n body \n verdict)</c>.
/// Appends are serialised through one writer so the chain stays linear under concurrent ingest; a batch is
/// one transaction, committed (durable) before the caller answers. An event whose canonical form is already
/// stored is acknowledged and not stored again, so client retries are safe.
/// </summary>
public sealed class Ledger : IDisposable
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The database's file name in the data directory.</summary>
    public const string FileName = "ledger.db";

    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly string _connectionString;

    public Ledger(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDir, FileName), Pooling = true }.ToString();
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
              id TEXT PRIMARY KEY, hash BLOB NOT NULL, description TEXT NOT NULL, created TEXT NOT NULL, revoked TEXT);
            """);
    }

    public string ConnectionString => _connectionString;

    public SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        Exec(c, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;");
        return c;
    }

    /// <summary>Appends entries in order; returns for each its sequence number and whether it was new, and the chain head after the batch.</summary>
    public async Task<(IReadOnlyList<(long Seq, bool Stored)> Results, (long Seq, string Hash) Head)> AppendAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken ct = default)
    {
        await _writer.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var c = Open();
            using var tx = c.BeginTransaction();
            var (seq, prev) = Head(c, tx);
            var results = new List<(long, bool)>(entries.Count);
            foreach (var e in entries)
            {
                var eventHash = Hex(SHA256.HashData(Encoding.UTF8.GetBytes(e.Identity ?? e.Body)));
                using (var find = c.CreateCommand())
                {
                    find.Transaction = tx;
                    find.CommandText = "SELECT seq FROM events WHERE event_hash = $h";
                    find.Parameters.AddWithValue("$h", eventHash);
                    if (find.ExecuteScalar() is long existing)
                    {
                        results.Add((existing, false));
                        continue;
                    }
                }

                seq++;
                var hash = ChainHash(prev, seq, e.Body, e.Verdict);
                using var insert = c.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = """
                    INSERT INTO events (seq, event_hash, type, agent_id, session_id, tool, pact_id, body, verdict, valid, severity, ts, prev_hash, hash)
                    VALUES ($seq, $eh, $type, $agent, $session, $tool, $pact, $body, $verdict, $valid, $sev, $ts, $prev, $hash)
                    """;
                insert.Parameters.AddWithValue("$seq", seq);
                insert.Parameters.AddWithValue("$eh", eventHash);
                insert.Parameters.AddWithValue("$type", e.Type);
                insert.Parameters.AddWithValue("$agent", e.AgentId);
                insert.Parameters.AddWithValue("$session", (object?)e.SessionId ?? DBNull.Value);
                insert.Parameters.AddWithValue("$tool", (object?)e.Tool ?? DBNull.Value);
                insert.Parameters.AddWithValue("$pact", (object?)e.PactId ?? DBNull.Value);
                insert.Parameters.AddWithValue("$body", e.Body);
                insert.Parameters.AddWithValue("$verdict", (object?)e.Verdict ?? DBNull.Value);
                insert.Parameters.AddWithValue("$valid", e.Valid is null ? DBNull.Value : e.Valid.Value ? 1 : 0);
                insert.Parameters.AddWithValue("$sev", (object?)e.Severity ?? DBNull.Value);
                insert.Parameters.AddWithValue("$ts", e.Timestamp.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                insert.Parameters.AddWithValue("$prev", prev);
                insert.Parameters.AddWithValue("$hash", hash);
                insert.ExecuteNonQuery();
                prev = hash;
                results.Add((seq, true));
            }

            tx.Commit();
            return (results, (seq, prev));
        }
        finally
        {
            _writer.Release();
        }
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
    /// Recomputes the chain and names the first record that was altered (its hash does not match its
    /// content), removed (a gap in the sequence) or reordered (its prevHash is not its predecessor's hash).
    /// </summary>
    public LedgerVerification Verify()
    {
        var prev = Genesis;
        long expected = 1, count = 0;
        foreach (var rec in Records())
        {
            if (rec.Seq != expected)
            {
                return new LedgerVerification(false, count, expected, $"record {expected} is missing (next is {rec.Seq}): removed");
            }

            if (rec.PrevHash != prev)
            {
                return new LedgerVerification(false, count, rec.Seq, $"record {rec.Seq} does not follow record {rec.Seq - 1}: reordered or its predecessor was altered");
            }

            if (ChainHash(prev, rec.Seq, rec.Body, rec.Verdict) != rec.Hash)
            {
                return new LedgerVerification(false, count, rec.Seq, $"record {rec.Seq} does not match its hash: altered");
            }

            prev = rec.Hash;
            expected++;
            count++;
        }

        return new LedgerVerification(true, count, null, null);
    }

    public void Dispose() => _writer.Dispose();

    internal static string ChainHash(string prev, long seq, string body, string? verdict) =>
        Hex(SHA256.HashData(Encoding.UTF8.GetBytes($"{prev}\n{seq}\n{body}\n{verdict}")));

    private static (long, string) Head(SqliteConnection c, SqliteTransaction? tx)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1";
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetInt64(0), r.GetString(1)) : (0, Genesis);
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
