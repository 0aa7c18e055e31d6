using Microsoft.Data.Sqlite;

namespace Pacts.Server.Tests;

public class LedgerTests
{
    [Theory]
    [InlineData("UPDATE events SET body = replace(body, 'tamper-me', 'tampered') WHERE seq = 2", 2L, "altered")]
    [InlineData("DELETE FROM events WHERE seq = 2", 2L, "removed")]
    [InlineData("UPDATE events SET seq = seq + 100 WHERE seq = 2; UPDATE events SET seq = 2 WHERE seq = 3; UPDATE events SET seq = 3 WHERE seq = 102", 2L, "reordered")]
    public async Task Verify_names_the_first_bad_record(string tamper, long seq, string problem)
    {
        var dir = Directory.CreateTempSubdirectory("pacts-ledger-").FullName;
        try
        {
            using (var ledger = new SqliteLedgerStore(dir))
            {
                var entries = Enumerable.Range(1, 4).Select(i => new LedgerEntry($$"""{"type":"session_start","sessionId":"s{{i}}","agentId":"a","startedAt":"2026-11-21T08:00:00Z","note":"tamper-me"}""", null)).ToList();
                await ledger.AppendAsync(entries);
                Assert.True(ledger.Verify().Ok);
                using (var c = ledger.Open())
                using (var cmd = c.CreateCommand())
                {
                    cmd.CommandText = tamper;
                    cmd.ExecuteNonQuery();
                }

                var result = ledger.Verify();
                Assert.False(result.Ok);
                Assert.Equal(seq, result.FirstBadSeq);
                Assert.Contains(problem, result.Problem, StringComparison.Ordinal);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Pacts.Testing.Shared.TempDirs.Remove(dir);
        }
    }
}
