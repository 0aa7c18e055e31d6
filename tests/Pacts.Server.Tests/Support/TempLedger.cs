using Microsoft.Data.Sqlite;

namespace Pacts.Server.Tests;

/// <summary>A small ledger of real events with verdicts, in its own directory.</summary>
public sealed class TempLedger : IDisposable
{
    private const string Good = """{"destination":"0xA11A000000000000000000000000000000000001","amount":10,"currency":"USDC"}""";
    private const string Bad = """{"destination":"0xEEEE000000000000000000000000000000000666","amount":7500,"currency":"USDC"}""";

    public TempLedger()
    {
        Dir = Directory.CreateTempSubdirectory("pacts-tamper-").FullName;
        Ledger = new SqliteLedgerStore(Dir);
    }

    public string Dir { get; }

    public SqliteLedgerStore Ledger { get; }

    public string FilePath => Path.Combine(Dir, SqliteLedgerStore.FileName);

    /// <summary>Session start, a valid call, an invalid (critical) call, session end, for <paramref name="agent"/>; returns the head.</summary>
    public (long Seq, string Hash) AppendSession(string agent, string session)
    {
        var pact = PactSet.Load(Pacts.Testing.Shared.RepoPaths.ExamplePacts).Find("treasury-pact")!;
        string Call(string p, int s) => $$"""{"type":"tool_call","sessionId":"{{session}}","agentId":"{{agent}}","tool":"transfer_funds","params":{{p}},"outcome":"success","attemptedAt":"2026-11-21T08:00:0{{s}}Z"}""";
        var entries = new[]
        {
            new LedgerEntry($$"""{"type":"session_start","sessionId":"{{session}}","agentId":"{{agent}}","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}""", null),
            new LedgerEntry(Call(Good, 1), pact.Validate("transfer_funds", Good).ToJson(), "treasury-pact"),
            new LedgerEntry(Call(Bad, 2), pact.Validate("transfer_funds", Bad).ToJson(), "treasury-pact"),
            new LedgerEntry($$"""{"type":"session_end","sessionId":"{{session}}","agentId":"{{agent}}","endedAt":"2026-11-21T08:00:09Z","outcome":"success"}""", null),
        };
        return Ledger.AppendAsync(entries).GetAwaiter().GetResult().Head;
    }

    /// <summary>200 sessions (over 64 KiB), then every connection closed: the last one checkpoints the WAL into the file.</summary>
    public void FillAndClose()
    {
        for (var i = 0; i < 200; i++)
        {
            AppendSession($"agent-{i}", $"s{i}");
        }

        Ledger.Dispose();
        SqliteConnection.ClearAllPools();
    }

    public void Sql(string sql)
    {
        using var c = Ledger.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        Ledger.Dispose();
        SqliteConnection.ClearAllPools();
        Pacts.Testing.Shared.TempDirs.Remove(Dir);
    }
}
