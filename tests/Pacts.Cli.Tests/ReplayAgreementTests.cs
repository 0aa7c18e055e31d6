using System.Text;
using System.Text.Json;

namespace Pacts.Cli.Tests;

/// <summary>Replay and direct engine calls (with the treasury pact's daily budget) agree, on a generated 100k-event log.</summary>
public class ReplayAgreementTests
{
    [Fact]
    public void Replay_of_100k_events_matches_direct_verdicts()
    {
        var pacts = PactSet.Load(Path.Combine(CliRunner.RepoRoot, "examples", "pacts"));
        var treasury = pacts.Find("treasury-pact")!;
        var calls = File.ReadAllLines(Path.Combine(CliRunner.RepoRoot, "..", "shared", "bench", "treasury-v1", "calls.jsonl"));
        var log = Path.Combine(Path.GetTempPath(), $"pacts-100k-{Guid.NewGuid():N}.jsonl");
        var verdicts = Path.ChangeExtension(log, ".verdicts.jsonl");
        var expected = new Dictionary<long, string>();
        var budgets = new Budgets.BudgetBook(); // one verdict everywhere: the same budget code replay runs
        try
        {
            using (var w = new StreamWriter(log, false, new UTF8Encoding(false)))
            {
                long line = 0;
                var rng = new Random(7);
                for (var s = 0; line < 100_000; s++)
                {
                    var sid = $"s{s}";
                    w.WriteLine($$"""{"type":"session_start","sessionId":"{{sid}}","agentId":"agent-{{s % 7}}","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}""");
                    line++;
                    for (var i = 0; i < 8; i++)
                    {
                        using var call = JsonDocument.Parse(calls[rng.Next(calls.Length)]);
                        var p = call.RootElement.GetProperty("params");
                        w.WriteLine($$"""{"type":"tool_call","sessionId":"{{sid}}","agentId":"agent-{{s % 7}}","tool":"transfer_funds","params":{{p.GetRawText()}},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""");
                        line++;
                        var budgetCall = new Budgets.BudgetCall("transfer_funds", $"agent-{s % 7}", sid, new DateTimeOffset(2026, 11, 21, 8, 0, 1, TimeSpan.Zero), Records: true);
                        expected[line] = budgets.Apply(treasury, treasury.Validate("transfer_funds", p), budgetCall, p).ToJson();
                    }

                    w.WriteLine($$"""{"type":"session_end","sessionId":"{{sid}}","agentId":"agent-{{s % 7}}","endedAt":"2026-11-21T08:00:0{{s % 10}}Z","outcome":"success"}""");
                    line++;
                }
            }

            var (exit, stdout, stderr) = CliRunner.Run("replay", log, "--pacts", "examples/pacts", "--verdicts", verdicts, "--format", "json", "--fail-on", "none");
            Assert.Equal(0, exit);
            Assert.Empty(stderr);
            var seen = 0;
            foreach (var text in File.ReadLines(verdicts))
            {
                using var v = JsonDocument.Parse(text);
                var line = v.RootElement.GetProperty("line").GetInt64();
                // Every verdict field is on the line, byte for byte, and no key appears twice.
                using var verdict = JsonDocument.Parse(expected[line]);
                foreach (var field in verdict.RootElement.EnumerateObject())
                {
                    Assert.Equal(field.Value.GetRawText(), v.RootElement.GetProperty(field.Name).GetRawText());
                }

                var names = v.RootElement.EnumerateObject().Select(f => f.Name).ToList();
                Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
                seen++;
            }

            Assert.Equal(expected.Count, seen);
            using var report = JsonDocument.Parse(stdout);
            Assert.Equal(expected.Count, report.RootElement.GetProperty("toolCalls").GetProperty("evaluated").GetInt32());
            Assert.Equal(expected.Values.Count(v => v.StartsWith("{\"valid\":true", StringComparison.Ordinal)), report.RootElement.GetProperty("toolCalls").GetProperty("valid").GetInt32());
        }
        finally
        {
            File.Delete(log);
            File.Delete(verdicts);
        }
    }
}
