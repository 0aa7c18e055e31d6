using System.Diagnostics;
using Xunit.Abstractions;

namespace Pacts.Server.Tests;

/// <summary>
/// `/trust` used to read every row of the agent on every request (0.52 s at 280k rows). Its answer now comes from a
/// summary kept in the append's transaction: two primary-key reads at any ledger size, equal to a full recomputation.
/// </summary>
public class TrustAtScaleTests(ITestOutputHelper output)
{
    private const int Rows = 1_000_000;

    [Fact]
    public async Task On_a_million_rows_trust_reads_the_summary_by_key_and_answers_what_a_full_recount_answers()
    {
        using var t = new TempLedger();
        var pact = PactSet.Load(Pacts.Testing.Shared.RepoPaths.ExamplePacts).Find("treasury-pact")!;
        const string Bad = """{"destination":"0xEEEE000000000000000000000000000000000666","amount":7500,"currency":"USDC"}""";
        const string Good = """{"destination":"0xA11A000000000000000000000000000000000001","amount":10,"currency":"USDC"}""";
        var badVerdict = pact.Validate("transfer_funds", Bad).ToJson();
        var goodVerdict = pact.Validate("transfer_funds", Good).ToJson();
        var clock = Stopwatch.StartNew();

        // The bulk of the ledger, other agents' events, written straight into the table (the chain is not what this
        // test is about); then the agent asked about gets its rows through the append path, in big transactions.
        const int Others = Rows - 60_000;
        t.Sql($$"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {{Others}})
            INSERT INTO events (seq, event_hash, type, agent_id, session_id, tool, pact_id, body, verdict, valid, severity, ts, prev_hash, hash)
            SELECT i, 'bulk-' || i, 'session_start', 'agent-' || (i % 1000), 's' || i, NULL, 'treasury-pact',
              '{"type":"session_start","sessionId":"s' || i || '","agentId":"agent-' || (i % 1000) || '","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}',
              NULL, NULL, NULL, '2026-11-21T08:00:00.0000000Z', 'bulk', 'bulk' FROM n
            """);
        const int Batch = 20_000;
        for (var b = 0; b < (Rows - Others) / Batch; b++)
        {
            var entries = new List<LedgerEntry>(Batch);
            for (var i = 0; i < Batch; i++)
            {
                var n = (b * Batch) + i;
                entries.Add(n % 3 == 0
                    ? new LedgerEntry($$"""{"type":"session_start","sessionId":"big{{n}}","agentId":"big","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}""", null)
                    : new LedgerEntry($$"""{"type":"tool_call","sessionId":"big{{n}}","agentId":"big","tool":"transfer_funds","params":{{(n % 2 == 0 ? Bad : Good)}},"outcome":"success","attemptedAt":"2026-11-21T08:00:00Z"}""", n % 2 == 0 ? badVerdict : goodVerdict, "treasury-pact"));
            }

            await t.Ledger.AppendAsync(entries);
        }

        output.WriteLine($"built {Rows} rows in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(Rows, t.Ledger.Head().Seq);

        using var c = t.Ledger.Open();
        foreach (var sql in new[] { SqliteLedgerStore.TrustSummarySql, SqliteLedgerStore.TrustPathsSql })
        {
            using var explain = c.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
            explain.Parameters.AddWithValue("$a", "big");
            using var r = explain.ExecuteReader();
            var plan = new List<string>();
            while (r.Read())
            {
                plan.Add(r.GetString(3));
            }

            var step = Assert.Single(plan);
            Assert.StartsWith("SEARCH ", step, StringComparison.Ordinal); // by key, never a SCAN
            Assert.Contains("PRIMARY KEY", step, StringComparison.Ordinal);
            Assert.DoesNotContain("events", step, StringComparison.Ordinal);
        }

        // The full recount /trust used to make, from the rows.
        long toolCalls = 0, evaluated = 0, valid = 0, critical = 0;
        using (var all = c.CreateCommand())
        {
            all.CommandText = "SELECT type, valid, severity FROM events WHERE agent_id = 'big'";
            using var r = all.ExecuteReader();
            while (r.Read())
            {
                if (r.GetString(0) != "tool_call")
                {
                    continue;
                }

                toolCalls++;
                evaluated++;
                valid += r.GetInt64(1);
                critical += r.IsDBNull(2) ? 0 : 1;
            }
        }

        var trust = t.Ledger.Trust("big")!;
        Assert.Equal((toolCalls, evaluated, valid, critical, 0L, 0L), (trust.ToolCalls, trust.Evaluated, trust.Valid, trust.Critical, trust.Major, trust.Minor));
        Assert.Equal([("amount", critical), ("destination", critical)], trust.TopParamPaths);
        Assert.Equal(40_000, toolCalls);

        clock.Restart();
        using (var check = c.CreateCommand())
        {
            check.CommandText = "PRAGMA quick_check";
            Assert.Equal("ok", check.ExecuteScalar());
        }

        output.WriteLine($"quick_check {clock.Elapsed.TotalSeconds:F2} s");
        clock.Restart();
        t.Ledger.CheckIntegrity();
        output.WriteLine($"integrity_check {clock.Elapsed.TotalSeconds:F2} s, file {new FileInfo(t.FilePath).Length / 1048576} MiB");
    }
}
