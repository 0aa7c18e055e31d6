using Microsoft.Data.Sqlite;

namespace Pacts.Server.Tests;

public class LedgerTamperTests
{
    [Theory]
    [InlineData("UPDATE events SET valid = 1 WHERE seq = 3", 3L, "`valid`")] // raised the agent's compliance from 0.5 to 1.0
    [InlineData("UPDATE events SET valid = 'no' WHERE seq = 3", 3L, "`valid`")]
    [InlineData("UPDATE events SET severity = 'minor' WHERE seq = 3", 3L, "`severity`")]
    [InlineData("UPDATE events SET severity = NULL WHERE seq = 3", 3L, "`severity`")]
    [InlineData("UPDATE events SET agent_id = 'someone-else' WHERE seq = 3", 3L, "`agent_id`")]
    [InlineData("UPDATE events SET type = 'response' WHERE seq = 2", 2L, "`type`")]
    [InlineData("UPDATE events SET ts = '2030-01-01T00:00:00.0000000Z' WHERE seq = 4", 4L, "`ts`")]
    [InlineData("UPDATE events SET event_hash = '00' || substr(event_hash, 3) WHERE seq = 2", 2L, "`event_hash`")] // retries would no longer be recognised
    [InlineData("UPDATE events SET session_id = 'other' WHERE seq = 1", 1L, "`session_id`")]
    [InlineData("UPDATE events SET tool = 'get_balance' WHERE seq = 2", 2L, "`tool`")]
    [InlineData("UPDATE events SET pact_id = 'other-pact' WHERE seq = 1", 1L, "`pact_id`")]
    [InlineData("UPDATE events SET pact_id = NULL WHERE seq = 3", 3L, "`pact_id`")]
    public void A_column_outside_the_hash_changed_by_hand_fails_verify_naming_the_record(string tamper, long seq, string column)
    {
        using var t = new TempLedger();
        t.AppendSession("tamper", "s1");
        Assert.True(t.Ledger.Verify().Ok);
        t.Sql(tamper);
        var result = t.Ledger.Verify();
        Assert.False(result.Ok);
        Assert.Equal(seq, result.FirstBadSeq);
        Assert.Contains(column, result.Problem, StringComparison.Ordinal);
        Assert.Contains($"record {seq}", result.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPDATE agent_summary SET valid = valid + 1, critical = 0 WHERE agent_id = 'tamper'", "`tamper`")]
    [InlineData("UPDATE agent_summary SET last_ts = '2030-01-01T00:00:00.0000000Z' WHERE agent_id = 'tamper'", "`tamper`")]
    [InlineData("DELETE FROM agent_summary WHERE agent_id = 'tamper'", "`tamper`")]
    [InlineData("INSERT INTO agent_summary VALUES ('ghost', 1, 1, 1, 0, 0, 0, 1, '2026-11-21T08:00:00.0000000Z')", "`ghost`")]
    [InlineData("UPDATE agent_paths SET count = count + 1 WHERE agent_id = 'tamper'", "`tamper`")]
    [InlineData("DELETE FROM agent_paths WHERE agent_id = 'tamper'", "`tamper`")]
    [InlineData("INSERT INTO agent_paths VALUES ('tamper', 'memo', 3)", "`tamper`")]
    public void The_trust_summary_changed_by_hand_fails_verify_naming_the_agent(string tamper, string agent)
    {
        using var t = new TempLedger();
        t.AppendSession("tamper", "s1");
        t.AppendSession("other", "s2");
        t.Sql(tamper);
        var result = t.Ledger.Verify();
        Assert.False(result.Ok);
        Assert.Contains($"trust summary of agent {agent}", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_is_what_the_records_say()
    {
        using var t = new TempLedger();
        t.AppendSession("tamper", "s1");
        t.AppendSession("tamper", "s2");
        var trust = t.Ledger.Trust("tamper")!;
        Assert.Equal((4L, 4L, 2L, 2L, 0L, 0L), (trust.ToolCalls, trust.Evaluated, trust.Valid, trust.Critical, trust.Major, trust.Minor));
        Assert.Equal([("amount", 2L), ("destination", 2L)], trust.TopParamPaths);
        Assert.Equal("2026-11-21T08:00:09.0000000Z", trust.LastEventAt);
        Assert.Null(t.Ledger.Trust("nobody"));
    }

    [Fact]
    public void A_ledger_without_the_summary_gets_it_built_from_its_records_at_open()
    {
        using var t = new TempLedger();
        t.AppendSession("old", "s1");
        var before = t.Ledger.Trust("old")!;
        t.Sql("DROP TABLE agent_summary; DROP TABLE agent_paths; UPDATE events SET valid = 1 WHERE seq = 3"); // and a column lies
        using var reopened = new SqliteLedgerStore(t.Dir);
        var after = reopened.Trust("old")!;
        Assert.Equal((2L, 2L, 1L, 1L), (after.ToolCalls, after.Evaluated, after.Valid, after.Critical)); // from the verdicts, not the column
        Assert.Equal(before.TopParamPaths, after.TopParamPaths);
        Assert.Equal(before.LastEventAt, after.LastEventAt);
        Assert.Contains("record 3: its `valid`", reopened.Verify().Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)")]
    [InlineData("DELETE FROM events WHERE seq > 2")]
    [InlineData("DELETE FROM events")]
    public void A_cut_tail_verifies_alone_and_fails_against_the_head_an_ingest_answered(string cut)
    {
        using var t = new TempLedger();
        t.AppendSession("tail", "s1");
        var head = t.AppendSession("tail", "s2");
        Assert.True(t.Ledger.Verify(head).Ok);
        t.Sql(cut);
        using var reopened = ReopenWithSummaryRebuilt(t);
        Assert.True(reopened.Verify().Ok); // what a chain alone can show
        var result = reopened.Verify(head);
        Assert.False(result.Ok);
        Assert.Contains("records were removed from its end", result.Problem, StringComparison.Ordinal);
        Assert.Contains($"expected head is record {head.Seq}", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_byte_ledger_fails_against_the_head()
    {
        using var t = new TempLedger();
        var head = t.AppendSession("zero", "s1");
        t.Ledger.Dispose();
        SqliteConnection.ClearAllPools();
        File.WriteAllBytes(t.FilePath, []);
        File.Delete(t.FilePath + "-wal");
        using var reopened = new SqliteLedgerStore(t.Dir);
        Assert.True(reopened.Verify().Ok);
        var result = reopened.Verify(head);
        Assert.False(result.Ok);
        Assert.Contains("the ledger ends at record 0", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rewritten_and_rehashed_chain_verifies_but_its_head_differs()
    {
        using var t = new TempLedger();
        var head = t.AppendSession("rewrite", "s1");
        t.Sql("DELETE FROM events; DELETE FROM agent_summary; DELETE FROM agent_paths");
        var forged = t.AppendSession("rewrite", "s9");
        Assert.Equal(head.Seq, forged.Seq);
        Assert.True(t.Ledger.Verify().Ok);
        var result = t.Ledger.Verify(head);
        Assert.False(result.Ok);
        Assert.Contains($"record {head.Seq} has hash {forged.Hash}, not the expected {head.Hash}", result.Problem, StringComparison.Ordinal);
        Assert.True(t.Ledger.Verify(forged).Ok);
    }

    [Fact]
    public void A_damaged_file_is_reported_as_damaged_by_verify_and_refused_at_open()
    {
        using var t = new TempLedger();
        t.FillAndClose();
        var length = new FileInfo(t.FilePath).Length;
        Assert.True(length > 64 * 1024, $"the test ledger is only {length} bytes");

        // Overwritten bytes mid-file: the file opens, and the damage is found by the integrity check.
        var bytes = File.ReadAllBytes(t.FilePath);
        Array.Fill(bytes, (byte)0x5A, (int)(length / 2), 8192);
        File.WriteAllBytes(t.FilePath, bytes);
        using (var damaged = new SqliteLedgerStore(t.Dir))
        {
            var result = damaged.Verify();
            Assert.False(result.Ok);
            Assert.True(result.Damaged);
            Assert.Contains($"the ledger file {t.FilePath} is damaged", result.Problem, StringComparison.Ordinal);
            Assert.Throws<LedgerDamagedException>(() => damaged.CheckIntegrity());
            Assert.Throws<LedgerDamagedException>(() => damaged.CheckIntegrity(quick: true)); // what serve runs at start
        }

        SqliteConnection.ClearAllPools();

        // The header overwritten: not a database at all.
        Array.Fill(bytes, (byte)0x5A, 0, 100);
        File.WriteAllBytes(t.FilePath, bytes);
        var refused = Assert.Throws<LedgerDamagedException>(() => new SqliteLedgerStore(t.Dir));
        Assert.Contains(t.FilePath, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_half_truncated_file_is_damaged()
    {
        using var t = new TempLedger();
        t.FillAndClose();
        using (var f = new FileStream(t.FilePath, FileMode.Open))
        {
            f.SetLength(f.Length / 2);
        }

        LedgerVerification result;
        try
        {
            using var damaged = new SqliteLedgerStore(t.Dir);
            result = damaged.Verify();
        }
        catch (LedgerDamagedException)
        {
            return; // refused at open: as good
        }

        Assert.False(result.Ok);
        Assert.True(result.Damaged);
    }

    /// <summary>A careful attacker also drops the summary, which is rebuilt from what is left.</summary>
    private static SqliteLedgerStore ReopenWithSummaryRebuilt(TempLedger t)
    {
        t.Sql("DROP TABLE agent_summary; DROP TABLE agent_paths");
        return new SqliteLedgerStore(t.Dir);
    }
}
