using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pacts.Replay;

namespace Pacts.Server;

/// <summary>Verification: the chain, every column derived from it, the summary, and optionally a head seen before.</summary>
public sealed partial class SqliteLedgerStore
{
    private static readonly string[] DerivedColumnNames = ["event_hash", "type", "agent_id", "session_id", "tool", "pact_id", "valid", "severity", "ts"];

    /// <summary>
    /// Checks the file (SQLite's integrity check), recomputes the chain and names the first record that was altered
    /// (its hash, or a column derived from its event and verdict, does not match), removed (a gap in the sequence) or
    /// reordered (its prevHash is not its predecessor's hash); then recomputes every agent's trust summary from the
    /// records and compares. With <paramref name="expectHead"/> (a head this ledger answered before) it also proves that
    /// no record up to it was removed from the end, or the chain rewritten over it.
    /// </summary>
    public LedgerVerification Verify((long Seq, string Hash)? expectHead = null)
    {
        try
        {
            CheckIntegrity();
            using var c = Open();
            return VerifyRecords(c, expectHead);
        }
        catch (LedgerDamagedException ex)
        {
            return new LedgerVerification(false, 0, null, ex.Message, Damaged: true);
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            return new LedgerVerification(false, 0, null, new LedgerDamagedException(FilePath, ex.Message).Message, Damaged: true);
        }
    }

    /// <summary>The chain, derived columns and summary checks over any store's connection (the same tables and column types).</summary>
    internal static LedgerVerification VerifyRecords(DbConnection c, (long Seq, string Hash)? expectHead)
    {
        var prev = Genesis;
        long expected = 1, count = 0;
        string? hashAtExpected = null;
        var tallies = new Dictionary<string, AgentTally>(StringComparer.Ordinal);
        var sessions = new SessionBinding();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT seq, prev_hash, hash, body, verdict, " + string.Join(", ", DerivedColumnNames) + " FROM events ORDER BY seq";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var seq = r.GetInt64(0);
                var body = r.GetString(3);
                var verdict = r.IsDBNull(4) ? null : r.GetString(4);
                if (seq != expected)
                {
                    return new LedgerVerification(false, count, expected, $"record {expected} is missing (next is {seq}): removed");
                }

                if (r.GetString(1) != prev)
                {
                    return new LedgerVerification(false, count, seq, $"record {seq} does not follow record {seq - 1}: reordered or its predecessor was altered");
                }

                var hash = r.GetString(2);
                if (ChainHash(prev, seq, body, verdict) != hash)
                {
                    return new LedgerVerification(false, count, seq, $"record {seq} does not match its hash: altered");
                }

                Derived d;
                try
                {
                    d = Derive(body, verdict, (ev, v) => v?.PactId ?? sessions.PactOf(ev.PactId, ev.SessionId));
                }
                catch (Exception ex) when (ex is JsonException or FormatException)
                {
                    return new LedgerVerification(false, count, seq, $"record {seq} holds no event the service stores ({ex.Message}): altered");
                }

                var col = d.Columns;
                object?[] want = [col.EventHash, col.Type, col.AgentId, col.SessionId, col.Tool, col.PactId, col.Valid is null ? null : col.Valid.Value ? 1L : 0L, col.Severity, col.Ts];
                for (var i = 0; i < want.Length; i++)
                {
                    var have = r.IsDBNull(5 + i) ? null : r.GetValue(5 + i);
                    if (!Equals(have, want[i]))
                    {
                        return new LedgerVerification(false, count, seq, $"record {seq}: its `{DerivedColumnNames[i]}` is not what its event and verdict say: altered");
                    }
                }

                if (col.Type == "session_start")
                {
                    sessions.Start(col.SessionId!, col.PactId);
                }

                Tally(tallies, seq, d);
                if (seq == expectHead?.Seq)
                {
                    hashAtExpected = hash;
                }

                prev = hash;
                expected++;
                count++;
            }
        }

        if (expectHead is { } head && head.Seq > 0)
        {
            if (hashAtExpected is null)
            {
                return new LedgerVerification(false, count, count + 1, $"the ledger ends at record {count}, but the expected head is record {head.Seq}: records were removed from its end");
            }

            if (!string.Equals(hashAtExpected, head.Hash, StringComparison.OrdinalIgnoreCase))
            {
                return new LedgerVerification(false, count, head.Seq, $"record {head.Seq} has hash {hashAtExpected}, not the expected {head.Hash}: the chain was rewritten");
            }
        }
        else if (expectHead is { Seq: 0 } genesis && !string.Equals(genesis.Hash, Genesis, StringComparison.OrdinalIgnoreCase))
        {
            return new LedgerVerification(false, count, null, $"the expected head 0 has hash {genesis.Hash}, but an empty chain's is {Genesis}");
        }

        var summaryProblem = CompareSummary(c, tallies);
        return summaryProblem is null ? new LedgerVerification(true, count, null, null) : new LedgerVerification(false, count, null, summaryProblem);
    }

    /// <summary>The stored per-agent summary against the one recomputed from the records; the first agent that differs.</summary>
    private static string? CompareSummary(DbConnection c, Dictionary<string, AgentTally> tallies)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT agent_id, tool_calls, evaluated, valid, critical, major, minor, last_seq, last_ts FROM agent_summary";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var agent = r.GetValue(0) as string ?? "";
                seen.Add(agent);
                object[] have = [r.GetValue(1), r.GetValue(2), r.GetValue(3), r.GetValue(4), r.GetValue(5), r.GetValue(6), r.GetValue(7), r.GetValue(8)];
                if (!tallies.TryGetValue(agent, out var t)
                    || !have.SequenceEqual(new object[] { t.ToolCalls, t.Evaluated, t.Valid, t.Critical, t.Major, t.Minor, t.LastSeq, t.LastTs }))
                {
                    return $"the trust summary of agent `{agent}` does not match its records: altered";
                }
            }
        }

        if (tallies.Keys.FirstOrDefault(a => !seen.Contains(a)) is { } missing)
        {
            return $"the trust summary of agent `{missing}` is missing: removed";
        }

        var paths = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT agent_id, param_path, count FROM agent_paths";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var agent = r.GetValue(0) as string ?? "";
                if (!paths.TryGetValue(agent, out var of))
                {
                    paths[agent] = of = new Dictionary<string, long>(StringComparer.Ordinal);
                }

                of[r.GetValue(1) as string ?? ""] = r.GetValue(2) is long n ? n : -1;
            }
        }

        foreach (var agent in paths.Keys.Union(tallies.Keys, StringComparer.Ordinal))
        {
            var have = paths.GetValueOrDefault(agent) ?? [];
            var want = tallies.TryGetValue(agent, out var t) ? t.Paths : [];
            if (have.Count != want.Count || have.Any(p => !want.TryGetValue(p.Key, out var n) || n != p.Value))
            {
                return $"the trust summary of agent `{agent}` counts violated paths its records do not: altered";
            }
        }

        return null;
    }
}
