using System.Globalization;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Pacts.Server;

/// <summary>
/// The ledger in PostgreSQL (<c>--store postgres --connection …</c>), for a fleet that outgrows one machine: several
/// <c>pacts serve</c> instances on one database keep one hash chain in one total order, one trust summary and one set
/// of keys. Bodies are <c>text</c>, stored as accepted (no <c>jsonb</c>: key order, escapes and exact numbers survive).
/// </summary>
/// <remarks>
/// Every append takes the transaction-scoped advisory lock <see cref="AppendLock"/> before it reads the head, so
/// appends are serialised in the database, not in a process: two instances never both extend the same head, and the
/// primary key on <c>seq</c> would refuse a fork even if one bypassed the lock. Within an instance, concurrent batches
/// share one transaction (<see cref="AppendQueue"/>); an answer is sent only after PostgreSQL acknowledged the commit
/// (synchronous commit, the server's default), so an instance killed at any moment loses no acknowledged event, and a
/// transaction it did not finish leaves nothing. The schema is versioned (<c>pacts_migrations</c>) and migrated at
/// start under its own advisory lock, so instances starting together migrate once.
/// </remarks>
public sealed class PostgresLedgerStore : ISharedLedgerStore, IDisposable
{
    /// <summary>The advisory lock every append holds while it extends the chain ("pacts" in ASCII).</summary>
    public const long AppendLock = 0x7061637473;

    /// <summary>The advisory lock migrations hold.</summary>
    public const long MigrationLock = AppendLock + 1;

    /// <summary>The session-scoped advisory lock an instance holds while it judges against the shared budget totals.</summary>
    public const long IngestLock = AppendLock + 2;

    /// <summary>The schema, one entry per version; a version once released is never edited, only followed.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE events (
          seq BIGINT PRIMARY KEY, event_hash TEXT NOT NULL UNIQUE, type TEXT NOT NULL, agent_id TEXT NOT NULL,
          session_id TEXT, tool TEXT, pact_id TEXT, body TEXT NOT NULL, verdict TEXT, valid BIGINT, severity TEXT,
          ts TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
        CREATE INDEX events_agent ON events(agent_id, type, seq);
        CREATE INDEX events_session ON events(session_id, type, seq);
        CREATE TABLE keys (
          id TEXT PRIMARY KEY, hash BYTEA NOT NULL, description TEXT NOT NULL, created TEXT NOT NULL, revoked TEXT, agents TEXT);
        CREATE TABLE agent_summary (
          agent_id TEXT PRIMARY KEY, tool_calls BIGINT NOT NULL, evaluated BIGINT NOT NULL, valid BIGINT NOT NULL,
          critical BIGINT NOT NULL, major BIGINT NOT NULL, minor BIGINT NOT NULL, last_seq BIGINT NOT NULL, last_ts TEXT NOT NULL);
        CREATE TABLE agent_paths (
          agent_id TEXT NOT NULL, param_path TEXT NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (agent_id, param_path));
        """,
    ];

    private const string RecordColumns = "seq, event_hash, body, verdict, prev_hash, hash";

    private readonly NpgsqlDataSource _source;
    private readonly AppendQueue _queue;
    private long _commits;

    /// <summary>Connects (an Npgsql connection string) and brings the schema to this version.</summary>
    /// <exception cref="LedgerUnavailableException">The database cannot be reached or refuses the connection.</exception>
    public PostgresLedgerStore(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var builder = Builder(connectionString);
        ConnectionString = connectionString;
        Where = WhereOf(builder);
        _source = NpgsqlDataSource.Create(builder);
        _queue = new AppendQueue(WriteGroup, ex => ex is NpgsqlException n ? new LedgerUnavailableException(Where, n.Message, n) : ex);
        try
        {
            Migrate();
        }
        catch (NpgsqlException ex)
        {
            _source.Dispose();
            throw new LedgerUnavailableException(Where, ex.Message, ex);
        }
    }

    /// <summary>Where the ledger is, for messages (host, port and database; never the password).</summary>
    public string Where { get; }

    /// <summary>The connection string it was opened with.</summary>
    public string ConnectionString { get; }

    /// <summary>The schema version this build writes.</summary>
    public static int SchemaVersion => Migrations.Length;

    /// <summary>Appending transactions committed by this instance (each holds one or more batches).</summary>
    internal long Commits => Interlocked.Read(ref _commits);

    /// <summary>
    /// Whether the database already holds a ledger (its migrations table), without creating one; <paramref name="where"/>
    /// names it for messages.
    /// </summary>
    /// <exception cref="LedgerUnavailableException">The database cannot be reached.</exception>
    public static bool HasLedger(string connectionString, out string where)
    {
        var builder = Builder(connectionString);
        where = WhereOf(builder);
        try
        {
            using var c = new NpgsqlConnection(builder.ConnectionString);
            c.Open();
            using var cmd = new NpgsqlCommand("SELECT to_regclass('pacts_migrations') IS NOT NULL", c);
            return cmd.ExecuteScalar() is true;
        }
        catch (NpgsqlException ex)
        {
            throw new LedgerUnavailableException(where, ex.Message, ex);
        }
    }

    private static NpgsqlConnectionStringBuilder Builder(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new LedgerUnavailableException("the PostgreSQL connection string", ex.Message, ex);
        }
    }

    private static string WhereOf(NpgsqlConnectionStringBuilder b) => $"postgres://{b.Host}:{b.Port}/{b.Database ?? b.Username}";

    /// <summary>A pooled connection to the ledger's database.</summary>
    public NpgsqlConnection Open() => _source.OpenConnection();

    private void Migrate()
    {
        using var c = Open();
        using var tx = c.BeginTransaction();
        Exec(c, tx, $"SELECT pg_advisory_xact_lock({MigrationLock})");
        Exec(c, tx, "CREATE TABLE IF NOT EXISTS pacts_migrations (version INTEGER PRIMARY KEY, applied TIMESTAMPTZ NOT NULL DEFAULT now())");
        int current;
        using (var cmd = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM pacts_migrations", c, tx))
        {
            current = Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        if (current > Migrations.Length)
        {
            throw new LedgerUnavailableException(Where, $"its schema is version {current}, newer than this pacts knows ({Migrations.Length}): upgrade pacts");
        }

        for (var v = current + 1; v <= Migrations.Length; v++)
        {
            Exec(c, tx, Migrations[v - 1]);
            Exec(c, tx, $"INSERT INTO pacts_migrations (version) VALUES ({v})");
        }

        tx.Commit();
    }

    /// <inheritdoc/>
    public Task<(IReadOnlyList<(long Seq, bool Stored)> Results, (long Seq, string Hash) Head)> AppendAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return _queue.Enqueue(entries, [.. entries.Select(e => SqliteLedgerStore.Derive(e.Body, e.Verdict, e.PactId))]);
    }

    /// <summary>
    /// One transaction for a group of batches: the append lock, the head, one query for the identities already stored,
    /// then every insert and summary change sent as one batch (two round trips and a commit, whatever the group's size).
    /// </summary>
    private List<(IReadOnlyList<(long Seq, bool Stored)>, (long Seq, string Hash))> WriteGroup(List<AppendQueue.Pending> group)
    {
        using var c = Open();
        using var tx = c.BeginTransaction();
        Exec(c, tx, $"SELECT pg_advisory_xact_lock({AppendLock})");
        var (seq, prev) = Head(c, tx);
        var stored = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var find = new NpgsqlCommand("SELECT event_hash, seq FROM events WHERE event_hash = ANY(@h)", c, tx))
        {
            find.Parameters.Add(new NpgsqlParameter<string[]>("h", [.. group.SelectMany(a => a.Derived).Select(d => d.Columns.EventHash).Distinct(StringComparer.Ordinal)]));
            using var r = find.ExecuteReader();
            while (r.Read())
            {
                stored[r.GetString(0)] = r.GetInt64(1);
            }
        }

        using var batch = new NpgsqlBatch(c, tx);
        var tallies = new Dictionary<string, SqliteLedgerStore.AgentTally>(StringComparer.Ordinal);
        var answers = new List<(IReadOnlyList<(long Seq, bool Stored)>, (long Seq, string Hash))>(group.Count);
        foreach (var append in group)
        {
            var results = new List<(long, bool)>(append.Entries.Count);
            for (var i = 0; i < append.Entries.Count; i++)
            {
                var (e, d) = (append.Entries[i], append.Derived[i]);
                var col = d.Columns;
                if (stored.TryGetValue(col.EventHash, out var existing))
                {
                    results.Add((existing, false)); // stored before, or earlier in this group
                    continue;
                }

                seq++;
                var hash = SqliteLedgerStore.ChainHash(prev, seq, e.Body, e.Verdict);
                var insert = new NpgsqlBatchCommand("""
                    INSERT INTO events (seq, event_hash, type, agent_id, session_id, tool, pact_id, body, verdict, valid, severity, ts, prev_hash, hash)
                    VALUES (@seq, @eh, @type, @agent, @session, @tool, @pact, @body, @verdict, @valid, @sev, @ts, @prev, @hash)
                    """);
                insert.Parameters.Add(new NpgsqlParameter<long>("seq", seq));
                Text(insert, "eh", col.EventHash);
                Text(insert, "type", col.Type);
                Text(insert, "agent", col.AgentId);
                Text(insert, "session", col.SessionId);
                Text(insert, "tool", col.Tool);
                Text(insert, "pact", col.PactId);
                Text(insert, "body", e.Body);
                Text(insert, "verdict", e.Verdict);
                insert.Parameters.Add(new NpgsqlParameter("valid", NpgsqlDbType.Bigint) { Value = col.Valid is null ? DBNull.Value : col.Valid.Value ? 1L : 0L });
                Text(insert, "sev", col.Severity);
                Text(insert, "ts", col.Ts);
                Text(insert, "prev", prev);
                Text(insert, "hash", hash);
                batch.BatchCommands.Add(insert);
                SqliteLedgerStore.Tally(tallies, seq, d);
                stored[col.EventHash] = seq;
                prev = hash;
                results.Add((seq, true));
            }

            answers.Add((results, (seq, prev)));
        }

        AddToSummary(batch, tallies);
        if (batch.BatchCommands.Count > 0)
        {
            batch.ExecuteNonQuery();
        }

        tx.Commit();
        Interlocked.Increment(ref _commits);
        return answers;
    }

    private static void AddToSummary(NpgsqlBatch batch, Dictionary<string, SqliteLedgerStore.AgentTally> tallies)
    {
        foreach (var (id, t) in tallies)
        {
            var agent = new NpgsqlBatchCommand("""
                INSERT INTO agent_summary AS s (agent_id, tool_calls, evaluated, valid, critical, major, minor, last_seq, last_ts)
                VALUES (@a, @tc, @ev, @v, @c, @ma, @mi, @ls, @lt)
                ON CONFLICT (agent_id) DO UPDATE SET tool_calls = s.tool_calls + excluded.tool_calls, evaluated = s.evaluated + excluded.evaluated,
                  valid = s.valid + excluded.valid, critical = s.critical + excluded.critical, major = s.major + excluded.major,
                  minor = s.minor + excluded.minor, last_seq = excluded.last_seq, last_ts = excluded.last_ts
                """);
            Text(agent, "a", id);
            foreach (var (name, value) in new[] { ("tc", t.ToolCalls), ("ev", t.Evaluated), ("v", t.Valid), ("c", t.Critical), ("ma", t.Major), ("mi", t.Minor), ("ls", t.LastSeq) })
            {
                agent.Parameters.Add(new NpgsqlParameter<long>(name, value));
            }

            Text(agent, "lt", t.LastTs);
            batch.BatchCommands.Add(agent);
            foreach (var (p, n) in t.Paths)
            {
                var path = new NpgsqlBatchCommand("""
                    INSERT INTO agent_paths AS p (agent_id, param_path, count) VALUES (@a, @p, @n)
                    ON CONFLICT (agent_id, param_path) DO UPDATE SET count = p.count + excluded.count
                    """);
                Text(path, "a", id);
                Text(path, "p", p);
                path.Parameters.Add(new NpgsqlParameter<long>("n", n));
                batch.BatchCommands.Add(path);
            }
        }
    }

    /// <inheritdoc/>
    public async Task<(long Seq, string Hash)> HeadAsync(CancellationToken ct = default)
    {
        await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        return Head(c, null);
    }

    private static (long, string) Head(NpgsqlConnection c, NpgsqlTransaction? tx)
    {
        using var cmd = new NpgsqlCommand("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", c, tx);
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetInt64(0), r.GetString(1)) : (0, SqliteLedgerStore.Genesis);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<LedgerRecord> RecordsAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand($"SELECT {RecordColumns} FROM events ORDER BY seq", c);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            yield return Record(r);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<LedgerRecord> RecordsAfterAsync(long seq, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand($"SELECT {RecordColumns} FROM events WHERE seq > @s ORDER BY seq", c);
        cmd.Parameters.Add(new NpgsqlParameter<long>("s", seq));
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            yield return Record(r);
        }
    }

    /// <summary>
    /// Takes <see cref="IngestLock"/> on a connection of its own, held until disposed; an instance that dies loses its
    /// connection and with it the lock, so a killed instance never blocks the others.
    /// </summary>
    public async Task<IAsyncDisposable> LockIngestAsync(CancellationToken ct = default)
    {
        var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            await using var cmd = new NpgsqlCommand($"SELECT pg_advisory_lock({IngestLock})", c);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return new HeldLock(c);
        }
        catch
        {
            await c.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// One look at <c>pg_locks</c> (a bigint key is classid/objid, objsubid 1): <see cref="IngestLockState.Lost"/> when
    /// <paramref name="held"/>'s session no longer holds <see cref="IngestLock"/> (its connection was cut, the server
    /// restarted), <see cref="IngestLockState.Wanted"/> when a session of this database waits for it.
    /// </summary>
    public async Task<IngestLockState> IngestLockStateAsync(IAsyncDisposable held, CancellationToken ct = default)
    {
        var pid = held is HeldLock h ? h.ProcessId : throw new ArgumentException("not a lock this store gave", nameof(held));
        await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand($"""
            SELECT coalesce(bool_or(l.granted AND l.pid = {pid}), false), coalesce(bool_or(NOT l.granted), false)
            FROM pg_locks l JOIN pg_database d ON d.oid = l.database
            WHERE l.locktype = 'advisory' AND d.datname = current_database()
              AND l.classid = {IngestLock >> 32} AND l.objid = {IngestLock & 0xffffffff} AND l.objsubid = 1
            """, c);
        await using var row = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await row.ReadAsync(ct).ConfigureAwait(false);
        return !row.GetBoolean(0) ? IngestLockState.Lost : row.GetBoolean(1) ? IngestLockState.Wanted : IngestLockState.Held;
    }

    internal sealed class HeldLock(NpgsqlConnection c) : IAsyncDisposable
    {
        /// <summary>The server process of the lock's session, as <c>pg_locks.pid</c> shows it.</summary>
        public int ProcessId { get; } = c.ProcessID;

        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var cmd = new NpgsqlCommand($"SELECT pg_advisory_unlock({IngestLock})", c);
                await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // the connection is gone, and the lock with it
            }
            finally
            {
                await c.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static LedgerRecord Record(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetString(5));

    /// <inheritdoc/>
    public async Task<string?> SessionPactAsync(string sessionId, CancellationToken ct = default)
    {
        var queued = _queue.SessionPact(sessionId, out var found);
        if (found)
        {
            return queued; // later than anything stored
        }

        await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("SELECT pact_id FROM events WHERE type = 'session_start' AND session_id = @s ORDER BY seq DESC LIMIT 1", c);
        Text(cmd, "s", sessionId);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
    }

    /// <inheritdoc/>
    public async Task<bool> ContainsAsync(string body, CancellationToken ct = default)
    {
        var hash = SqliteLedgerStore.EventHash(body);
        if (_queue.Contains(hash))
        {
            return true;
        }

        await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM events WHERE event_hash = @h", c);
        Text(cmd, "h", hash);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc/>
    public async Task<AgentTrust?> TrustAsync(string agentId, CancellationToken ct = default)
    {
        await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct).ConfigureAwait(false); // one snapshot for both reads
        await using var cmd = new NpgsqlCommand("SELECT tool_calls, evaluated, valid, critical, major, minor, last_ts FROM agent_summary WHERE agent_id = @a", c, tx);
        Text(cmd, "a", agentId);
        long[] n;
        string last;
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            if (!await r.ReadAsync(ct).ConfigureAwait(false))
            {
                return null;
            }

            n = [r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5)];
            last = r.GetString(6);
        }

        var paths = new List<(string, long)>();
        await using var p = new NpgsqlCommand("SELECT param_path, count FROM agent_paths WHERE agent_id = @a", c, tx);
        Text(p, "a", agentId);
        await using (var pr = await p.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await pr.ReadAsync(ct).ConfigureAwait(false))
            {
                paths.Add((pr.GetString(0), pr.GetInt64(1)));
            }
        }

        return new AgentTrust(agentId, n[0], n[1], n[2], n[3], n[4], n[5], SqliteLedgerStore.TopPaths(paths), last);
    }

    /// <summary>
    /// Recomputes the chain, every derived column and the summary (the checks of <see cref="SqliteLedgerStore.Verify"/>,
    /// PostgreSQL checking its own pages), in one repeatable-read snapshot, so instances appending meanwhile do not
    /// make the records and the summary disagree.
    /// </summary>
    public async Task<LedgerVerification> VerifyAsync((long Seq, string Hash)? expectHead = null, CancellationToken ct = default)
    {
        await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
        return SqliteLedgerStore.VerifyRecords(c, expectHead);
    }

    /// <inheritdoc/>
    public async Task AddKeyAsync(ApiKeyInfo key, byte[] keyHash, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("INSERT INTO keys (id, hash, description, created, agents) VALUES (@id, @hash, @d, @c, @a)", c);
        Text(cmd, "id", key.Id);
        cmd.Parameters.Add(new NpgsqlParameter<byte[]>("hash", keyHash));
        Text(cmd, "d", key.Description);
        Text(cmd, "c", key.Created.ToString("O", CultureInfo.InvariantCulture));
        Text(cmd, "a", SqliteLedgerStore.AgentsColumn(key.Agents) as string);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ApiKeyInfo>> KeysAsync(CancellationToken ct = default)
    {
        await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("SELECT id, description, created, revoked, agents FROM keys ORDER BY created", c);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<ApiKeyInfo>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new ApiKeyInfo(r.GetString(0), r.GetString(1), DateTimeOffset.Parse(r.GetString(2), CultureInfo.InvariantCulture),
                r.IsDBNull(3) ? null : DateTimeOffset.Parse(r.GetString(3), CultureInfo.InvariantCulture))
            { Agents = SqliteLedgerStore.AgentsOf(r.IsDBNull(4) ? null : r.GetString(4)) });
        }

        return list;
    }

    /// <inheritdoc/>
    public async Task<LiveKey?> LiveKeyAsync(string id, CancellationToken ct = default)
    {
        await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("SELECT hash, agents FROM keys WHERE id = @id AND revoked IS NULL", c);
        Text(cmd, "id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? new LiveKey((byte[])r[0], SqliteLedgerStore.AgentsOf(r.IsDBNull(1) ? null : r.GetString(1))) : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<LedgerRecord>> RecentToolCallsAsync(string agentId, long beforeSeq, int limit, CancellationToken ct = default)
    {
        await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand($"""
            SELECT {RecordColumns} FROM events
            WHERE agent_id = @a AND type = 'tool_call' AND seq < @s ORDER BY seq DESC LIMIT @n
            """, c);
        Text(cmd, "a", agentId);
        cmd.Parameters.Add(new NpgsqlParameter<long>("s", beforeSeq));
        cmd.Parameters.Add(new NpgsqlParameter<int>("n", limit));
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<LedgerRecord>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(Record(r));
        }

        list.Reverse();
        return list;
    }

    /// <inheritdoc/>
    public async Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("UPDATE keys SET revoked = @r WHERE id = @id AND revoked IS NULL", c);
        Text(cmd, "id", id);
        Text(cmd, "r", at.ToString("O", CultureInfo.InvariantCulture));
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    /// <summary>Waits (at most 30 s) for the batches already queued, then closes the pool.</summary>
    public void Dispose()
    {
        _queue.WaitIdle(TimeSpan.FromSeconds(30));
        _source.Dispose();
    }

    private static void Exec(NpgsqlConnection c, NpgsqlTransaction? tx, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c, tx);
        cmd.ExecuteNonQuery();
    }

    private static void Text(NpgsqlCommand cmd, string name, string? value) =>
        cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });

    private static void Text(NpgsqlBatchCommand cmd, string name, string? value) =>
        cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });
}
