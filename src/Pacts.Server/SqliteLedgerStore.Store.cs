using System.Globalization;
using System.Runtime.CompilerServices;

namespace Pacts.Server;

/// <summary>The <see cref="ILedgerStore"/> members that have no synchronous twin above: the session's pact and the keys.</summary>
public sealed partial class SqliteLedgerStore
{
    /// <inheritdoc/>
    public Task<(long Seq, string Hash)> HeadAsync(CancellationToken ct = default) => Task.FromResult(Head());

    /// <inheritdoc/>
    public async IAsyncEnumerable<LedgerRecord> RecordsAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var record in Records())
        {
            ct.ThrowIfCancellationRequested();
            yield return record;
        }
    }

    /// <inheritdoc/>
    public Task<AgentTrust?> TrustAsync(string agentId, CancellationToken ct = default) => Task.FromResult(Trust(agentId));

    /// <inheritdoc/>
    public Task<LedgerVerification> VerifyAsync((long Seq, string Hash)? expectHead = null, CancellationToken ct = default) => Task.FromResult(Verify(expectHead));

    /// <inheritdoc/>
    public Task<string?> SessionPactAsync(string sessionId, CancellationToken ct = default)
    {
        var queued = _queue.SessionPact(sessionId, out var found);
        if (found)
        {
            return Task.FromResult(queued); // later than anything stored
        }

        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT pact_id FROM events WHERE type = 'session_start' AND session_id = $s ORDER BY seq DESC LIMIT 1";
        cmd.Parameters.AddWithValue("$s", sessionId);
        return Task.FromResult(cmd.ExecuteScalar() as string);
    }

    /// <inheritdoc/>
    public Task<bool> ContainsAsync(string body, CancellationToken ct = default)
    {
        var hash = EventHash(body);
        if (_queue.Contains(hash))
        {
            return Task.FromResult(true);
        }

        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT 1 FROM events WHERE event_hash = $h";
        cmd.Parameters.AddWithValue("$h", hash);
        return Task.FromResult(cmd.ExecuteScalar() is not null);
    }

    /// <inheritdoc/>
    public Task AddKeyAsync(ApiKeyInfo key, byte[] keyHash, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO keys (id, hash, description, created, agents) VALUES ($id, $hash, $d, $c, $a)";
        cmd.Parameters.AddWithValue("$a", AgentsColumn(key.Agents));
        cmd.Parameters.AddWithValue("$id", key.Id);
        cmd.Parameters.AddWithValue("$hash", keyHash);
        cmd.Parameters.AddWithValue("$d", key.Description);
        cmd.Parameters.AddWithValue("$c", key.Created.ToString("O", CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ApiKeyInfo>> KeysAsync(CancellationToken ct = default)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, description, created, revoked, agents FROM keys ORDER BY created";
        using var r = cmd.ExecuteReader();
        var list = new List<ApiKeyInfo>();
        while (r.Read())
        {
            list.Add(new ApiKeyInfo(r.GetString(0), r.GetString(1), DateTimeOffset.Parse(r.GetString(2), CultureInfo.InvariantCulture),
                r.IsDBNull(3) ? null : DateTimeOffset.Parse(r.GetString(3), CultureInfo.InvariantCulture))
            { Agents = AgentsOf(r.IsDBNull(4) ? null : r.GetString(4)) });
        }

        return Task.FromResult<IReadOnlyList<ApiKeyInfo>>(list);
    }

    /// <inheritdoc/>
    public Task<LiveKey?> LiveKeyAsync(string id, CancellationToken ct = default)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT hash, agents FROM keys WHERE id = $id AND revoked IS NULL";
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        return Task.FromResult(r.Read() ? new LiveKey((byte[])r[0], AgentsOf(r.IsDBNull(1) ? null : r.GetString(1))) : null);
    }

    /// <summary>A key's scope as stored: a JSON array of patterns, NULL for every agent.</summary>
    internal static object AgentsColumn(AgentScope agents) =>
        agents.IsEveryone ? DBNull.Value : System.Text.Json.JsonSerializer.Serialize(agents.Patterns);

    internal static AgentScope AgentsOf(string? column) =>
        column is null ? AgentScope.Everyone : AgentScope.Of(System.Text.Json.JsonSerializer.Deserialize<string[]>(column) ?? []);

    /// <inheritdoc/>
    public Task<IReadOnlyList<LedgerRecord>> RecentToolCallsAsync(string agentId, long beforeSeq, int limit, CancellationToken ct = default)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT seq, event_hash, body, verdict, prev_hash, hash FROM events
            WHERE agent_id = $a AND type = 'tool_call' AND seq < $s ORDER BY seq DESC LIMIT $n
            """;
        cmd.Parameters.AddWithValue("$a", agentId);
        cmd.Parameters.AddWithValue("$s", beforeSeq);
        cmd.Parameters.AddWithValue("$n", limit);
        using var r = cmd.ExecuteReader();
        var list = new List<LedgerRecord>();
        while (r.Read())
        {
            list.Add(new LedgerRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetString(5)));
        }

        list.Reverse();
        return Task.FromResult<IReadOnlyList<LedgerRecord>>(list);
    }

    /// <inheritdoc/>
    public Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken ct = default)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE keys SET revoked = $r WHERE id = $id AND revoked IS NULL";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$r", at.ToString("O", CultureInfo.InvariantCulture));
        return Task.FromResult(cmd.ExecuteNonQuery() == 1);
    }
}
