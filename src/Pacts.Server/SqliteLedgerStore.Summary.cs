using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pacts.Evaluating;
using Pacts.Events;

namespace Pacts.Server;

/// <summary>The columns derived from a record's body and verdict, and the summary kept from them.</summary>
public sealed partial class SqliteLedgerStore
{
    /// <summary>The two reads a trust answer makes: one summary row and the agent's violated paths, by primary key.</summary>
    internal const string TrustSummarySql = "SELECT tool_calls, evaluated, valid, critical, major, minor, last_ts FROM agent_summary WHERE agent_id = $a";

    internal const string TrustPathsSql = "SELECT param_path, count FROM agent_paths WHERE agent_id = $a";

    private const string SummarySchema = """
        CREATE TABLE IF NOT EXISTS agent_summary (
          agent_id TEXT PRIMARY KEY, tool_calls INTEGER NOT NULL, evaluated INTEGER NOT NULL, valid INTEGER NOT NULL,
          critical INTEGER NOT NULL, major INTEGER NOT NULL, minor INTEGER NOT NULL, last_seq INTEGER NOT NULL, last_ts TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS agent_paths (
          agent_id TEXT NOT NULL, param_path TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (agent_id, param_path)) WITHOUT ROWID;
        """;

    private static readonly JsonDocumentOptions BodyOptions = new() { MaxDepth = ParamsLimits.MaxEventDepth };

    /// <summary>An agent's summary, or null when no event of that agent is recorded. Costs the same at any ledger size.</summary>
    public AgentTrust? Trust(string agentId)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = TrustSummarySql;
        cmd.Parameters.AddWithValue("$a", agentId);
        using var r = cmd.ExecuteReader();
        if (!r.Read())
        {
            return null;
        }

        var paths = new List<(string, long)>();
        using (var p = c.CreateCommand())
        {
            p.CommandText = TrustPathsSql;
            p.Parameters.AddWithValue("$a", agentId);
            using var pr = p.ExecuteReader();
            while (pr.Read())
            {
                paths.Add((pr.GetString(0), pr.GetInt64(1)));
            }
        }

        return new AgentTrust(agentId, r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), TopPaths(paths), r.GetString(6));
    }

    /// <summary>An agent's five most violated paths; ordered here, not in SQL: ties go by ordinal (UTF-16) order of the path, as replay orders them.</summary>
    internal static List<(string ParamPath, long Count)> TopPaths(List<(string, long)> paths) =>
        [.. paths.OrderByDescending(x => x.Item2).ThenBy(x => x.Item1, StringComparer.Ordinal).Take(5)];

    /// <summary>
    /// The derived columns of a record, from its body and verdict alone (and, for a tool call, the pact it was bound
    /// to: <paramref name="pactOf"/>). Appending stores exactly these; verifying recomputes and compares them.
    /// </summary>
    internal static Derived Derive(string body, string? verdict, Func<AgentEvent, Verdict?, string?> pactOf)
    {
        using var doc = JsonDocument.Parse(body, BodyOptions);
        if (EventParser.Parse(doc.RootElement, out var ev, out var reason) != LogRecordKind.Event)
        {
            throw new FormatException($"not an event: {reason}");
        }

        var eventHash = EventHash(doc.RootElement);
        var judged = verdict is null ? null : Verdict.FromJson(verdict) ?? throw new FormatException("the verdict is null");
        IReadOnlyList<string> paths = judged is null || judged.Valid ? [] : [.. judged.Violations.Select(v => v.ParamPath)];
        var columns = new Columns(
            eventHash, ev!.Type.ToName(), ev.AgentId, ev.SessionId, ev.Tool,
            ev.Type == EventType.ToolCall ? pactOf(ev, judged) : ev.PactId,
            judged?.Valid, judged?.HighestSeverity?.ToName(),
            ev.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        return new Derived(columns, paths);
    }

    /// <summary>An event's identity in the ledger: the SHA-256 of its canonical JSON (so key order and spacing do not count).</summary>
    private static string EventHash(JsonElement ev) => Hex(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Write(ev))));

    internal static string EventHash(string body)
    {
        using var doc = JsonDocument.Parse(body, BodyOptions);
        return EventHash(doc.RootElement);
    }

    internal static Derived Derive(string body, string? verdict, string? toolCallPact) => Derive(body, verdict, (_, _) => toolCallPact);

    internal static void Tally(Dictionary<string, AgentTally> tallies, long seq, Derived d)
    {
        if (!tallies.TryGetValue(d.Columns.AgentId, out var t))
        {
            tallies[d.Columns.AgentId] = t = new AgentTally();
        }

        t.Add(seq, d);
    }

    private static void AddToSummary(SqliteConnection c, SqliteTransaction tx, Dictionary<string, AgentTally> tallies)
    {
        using var agent = c.CreateCommand();
        agent.Transaction = tx;
        agent.CommandText = """
            INSERT INTO agent_summary (agent_id, tool_calls, evaluated, valid, critical, major, minor, last_seq, last_ts)
            VALUES ($a, $tc, $ev, $v, $c, $ma, $mi, $ls, $lt)
            ON CONFLICT(agent_id) DO UPDATE SET tool_calls = tool_calls + excluded.tool_calls, evaluated = evaluated + excluded.evaluated,
              valid = valid + excluded.valid, critical = critical + excluded.critical, major = major + excluded.major,
              minor = minor + excluded.minor, last_seq = excluded.last_seq, last_ts = excluded.last_ts
            """;
        using var path = c.CreateCommand();
        path.Transaction = tx;
        path.CommandText = """
            INSERT INTO agent_paths (agent_id, param_path, count) VALUES ($a, $p, $n)
            ON CONFLICT(agent_id, param_path) DO UPDATE SET count = count + excluded.count
            """;
        foreach (var (id, t) in tallies)
        {
            agent.Parameters.Clear();
            agent.Parameters.AddWithValue("$a", id);
            agent.Parameters.AddWithValue("$tc", t.ToolCalls);
            agent.Parameters.AddWithValue("$ev", t.Evaluated);
            agent.Parameters.AddWithValue("$v", t.Valid);
            agent.Parameters.AddWithValue("$c", t.Critical);
            agent.Parameters.AddWithValue("$ma", t.Major);
            agent.Parameters.AddWithValue("$mi", t.Minor);
            agent.Parameters.AddWithValue("$ls", t.LastSeq);
            agent.Parameters.AddWithValue("$lt", t.LastTs);
            agent.ExecuteNonQuery();
            foreach (var (p, n) in t.Paths)
            {
                path.Parameters.Clear();
                path.Parameters.AddWithValue("$a", id);
                path.Parameters.AddWithValue("$p", p);
                path.Parameters.AddWithValue("$n", n);
                path.ExecuteNonQuery();
            }
        }
    }

    /// <summary>A ledger written before the summary existed gets it once, built from its records' bodies and verdicts.</summary>
    private static void MigrateSummary(SqliteConnection c)
    {
        if (HasSummary(c, null))
        {
            return;
        }

        using var tx = c.BeginTransaction();
        if (HasSummary(c, tx))
        {
            return; // another process migrated it first
        }

        Exec(c, SummarySchema, tx);
        var tallies = new Dictionary<string, AgentTally>(StringComparer.Ordinal);
        using (var cmd = c.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT seq, body, verdict, pact_id FROM events ORDER BY seq";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                Tally(tallies, r.GetInt64(0), Derive(r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)));
            }
        }

        AddToSummary(c, tx, tallies);
        tx.Commit();
    }

    private static bool HasSummary(SqliteConnection c, SqliteTransaction? tx)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('agent_summary', 'agent_paths')";
        return (long)cmd.ExecuteScalar()! == 2;
    }

    /// <summary>What a record's derived columns hold.</summary>
    internal sealed record Columns(string EventHash, string Type, string AgentId, string? SessionId, string? Tool, string? PactId, bool? Valid, string? Severity, string Ts);

    /// <summary>A record's derived columns and the param paths its invalid verdict counts against its agent.</summary>
    internal sealed record Derived(Columns Columns, IReadOnlyList<string> Paths);

    /// <summary>One agent's running summary.</summary>
    internal sealed class AgentTally
    {
        public long ToolCalls { get; private set; }

        public long Evaluated { get; private set; }

        public long Valid { get; private set; }

        public long Critical { get; private set; }

        public long Major { get; private set; }

        public long Minor { get; private set; }

        public long LastSeq { get; private set; }

        public string LastTs { get; private set; } = "";

        public Dictionary<string, long> Paths { get; } = new(StringComparer.Ordinal);

        public void Add(long seq, Derived d)
        {
            LastSeq = seq;
            LastTs = d.Columns.Ts;
            if (d.Columns.Type != "tool_call")
            {
                return;
            }

            ToolCalls++;
            if (d.Columns.Valid is not { } valid)
            {
                return;
            }

            Evaluated++;
            if (valid)
            {
                Valid++;
                return;
            }

            switch (d.Columns.Severity)
            {
                case "critical": Critical++; break;
                case "major": Major++; break;
                default: Minor++; break;
            }

            foreach (var p in d.Paths)
            {
                Paths[p] = Paths.GetValueOrDefault(p) + 1;
            }
        }
    }
}
