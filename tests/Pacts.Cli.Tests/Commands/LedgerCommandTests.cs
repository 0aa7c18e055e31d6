using Microsoft.Data.Sqlite;
using Pacts.Server;

namespace Pacts.Cli.Tests;

/// <summary>`pacts ledger verify|export` and `pacts keys` on cut, rewritten and damaged ledgers, and `validate-call --params` JSON errors.</summary>
public class LedgerCommandTests
{
    private static (long Seq, string Hash) Fill(string dir, int sessions)
    {
        using var ledger = new SqliteLedgerStore(dir);
        (long, string) head = default;
        for (var i = 0; i < sessions; i++)
        {
            var entries = Enumerable.Range(0, 5).Select(k => new LedgerEntry(
                $$"""{"type":"session_start","sessionId":"s{{i}}-{{k}}","agentId":"agent-{{i}}","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}""", null)).ToList();
            head = ledger.AppendAsync(entries).GetAwaiter().GetResult().Head;
        }

        return head;
    }

    private static void Sql(string dir, string sql)
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(dir, SqliteLedgerStore.FileName)};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Runs <paramref name="test"/> in a new temporary directory, removed afterwards with SQLite's pools.</summary>
    internal static void InTempDir(Action<string> test)
    {
        var dir = Directory.CreateTempSubdirectory("pacts-ledger-cli-").FullName;
        try
        {
            test(dir);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Pacts.Testing.Shared.TempDirs.Remove(dir);
        }
    }

    [Fact]
    public void Verify_with_the_head_an_ingest_answered_finds_a_cut_tail_that_the_chain_alone_cannot() => InTempDir(dir =>
    {
        var head = Fill(dir, 4);
        var expect = $"{head.Seq}:{head.Hash}";
        var ok = CliRunner.Run("ledger", "verify", "--data", dir, "--expect-head", expect);
        Assert.Equal(0, ok.Exit);
        Assert.Equal($"ledger ok: 20 records, head {expect}, nothing removed up to {expect}\n", ok.Out);

        Sql(dir, "DELETE FROM events WHERE seq > 18; DROP TABLE agent_summary; DROP TABLE agent_paths");
        SqliteConnection.ClearAllPools();
        Assert.Equal(0, CliRunner.Run("ledger", "verify", "--data", dir).Exit); // what a hash chain alone can show
        var cut = CliRunner.Run("ledger", "verify", "--data", dir, "--expect-head", expect);
        Assert.Equal(1, cut.Exit);
        Assert.Equal("ledger broken at record 19: the ledger ends at record 18, but the expected head is record 20: records were removed from its end\n", cut.Out);
    });

    [Theory]
    [InlineData("20")]
    [InlineData("x:abc")]
    [InlineData("20:0123")]
    public void A_malformed_expected_head_is_a_usage_error(string head) => InTempDir(dir =>
    {
        Fill(dir, 1);
        var (exit, _, err) = CliRunner.Run("ledger", "verify", "--data", dir, "--expect-head", head);
        Assert.Equal(2, exit);
        Assert.StartsWith($"pacts: error: --expect-head `{head}` is not SEQ:HASH", err, StringComparison.Ordinal);
    });

    [Fact]
    public void A_column_set_by_hand_is_found_by_verify() => InTempDir(dir =>
    {
        Fill(dir, 2);
        Sql(dir, "UPDATE events SET agent_id = 'someone-else' WHERE seq = 7");
        SqliteConnection.ClearAllPools();
        var (exit, stdout, _) = CliRunner.Run("ledger", "verify", "--data", dir);
        Assert.Equal(1, exit);
        Assert.Equal("ledger broken at record 7: record 7: its `agent_id` is not what its event and verdict say: altered\n", stdout);
    });

    [Theory]
    [InlineData("half")]
    [InlineData("middle")]
    [InlineData("header")]
    public void A_damaged_ledger_file_is_one_line_naming_it_never_a_stack_trace(string damage) => InTempDir(dir =>
    {
        Fill(dir, 60);
        SqliteConnection.ClearAllPools();
        var file = Path.Combine(dir, SqliteLedgerStore.FileName);
        var bytes = File.ReadAllBytes(file);
        Assert.True(bytes.Length > 64 * 1024);
        switch (damage)
        {
            case "half":
                bytes = bytes[..(bytes.Length / 2)];
                break;
            case "middle":
                Array.Fill(bytes, (byte)0x5A, bytes.Length / 2, 8192);
                break;
            default:
                Array.Fill(bytes, (byte)0x5A, 0, 100);
                break;
        }

        File.WriteAllBytes(file, bytes);
        var verify = CliRunner.Run("ledger", "verify", "--data", dir);
        Assert.Equal(1, verify.Exit);
        AssertDamaged(verify.Err, file);
        foreach (var command in new[] { new[] { "ledger", "export" }, ["keys", "list"] })
        {
            var result = CliRunner.Run([.. command, "--data", dir]);
            if (command[0] == "keys" && result.Exit == 0)
            {
                continue; // the keys table may sit in pages left whole: listing it is fine (export checks the whole file)
            }

            Assert.Equal(2, result.Exit);
            AssertDamaged(result.Err, file);
        }
    });

    [Theory]
    [InlineData("{\"amount\":", "--params is not valid JSON: it ends before its value is complete, cut short? (byte offset 10, line 1, column 11)")]
    [InlineData("{\"amount\":1,,}", "--params is not valid JSON: unexpected `,` (byte offset 12, line 1, column 13)")]
    [InlineData("", "--params is not valid JSON: it is empty")]
    public void Params_that_do_not_parse_say_what_happened_and_where(string parameters, string message)
    {
        var (exit, _, err) = CliRunner.Run("validate-call", "--pacts", "examples/pacts", "--pact", "treasury-pact", "--tool", "transfer_funds", "--params", parameters);
        Assert.Equal(2, exit);
        Assert.StartsWith("pacts: error: " + message + "; pass a JSON object", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Params_cut_short_inside_deep_nesting_are_cut_short_and_deep_ones_are_deep()
    {
        var args = new[] { "validate-call", "--pacts", "examples/pacts", "--pact", "treasury-pact", "--tool", "get_balance", "--params" };
        var cut = CliRunner.Run([.. args, "{\"a\":" + new string('[', 10)]);
        Assert.Contains("it ends before its value is complete", cut.Err, StringComparison.Ordinal);
        var deep = CliRunner.Run([.. args, "{\"a\":" + new string('[', 70)]);
        Assert.StartsWith("pacts: error: --params nests deeper than 64 levels (byte offset 68, line 1, column 69)", deep.Err, StringComparison.Ordinal);
    }

    private static void AssertDamaged(string err, string file)
    {
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", err, StringComparison.Ordinal);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, err);
        Assert.StartsWith($"pacts: error: the ledger file {file} is damaged", lines[0], StringComparison.Ordinal);
    }
}
