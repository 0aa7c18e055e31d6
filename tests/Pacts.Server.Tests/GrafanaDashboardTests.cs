using System.Globalization;
using System.Text.Json;
using Npgsql;
using Pacts.Testing.Shared;

namespace Pacts.Server.Tests;

/// <summary>
/// Every panel of the Grafana dashboards in <c>deploy/grafana/dashboards</c> runs its SQL against a real PostgreSQL
/// ledger that ingested <c>examples/events/atlas.jsonl</c>, and returns what <c>pacts replay</c> reports for that log:
/// 5 sessions, all ended with success, durations p50 71370 ms and p95 94055 ms, 25 calls evaluated, compliance 96.0%,
/// one critical call (line 19: destination allowList and amount maxAmount), no tool errors.
/// </summary>
public sealed class GrafanaDashboardTests : IDisposable
{
    private static readonly string Atlas = Path.Combine(RepoPaths.Root, "examples", "events", "atlas.jsonl");
    private readonly string _connection = PostgresCluster.NewSchema();

    [Fact]
    public async Task Every_panel_returns_the_figures_replay_gives_for_the_atlas_log()
    {
        using (var store = new PostgresLedgerStore(_connection))
        using (var ingestor = new Ingestor(store))
        {
            var lines = await File.ReadAllLinesAsync(Atlas);
            using var batch = JsonDocument.Parse("[" + string.Join(",", lines) + "]");
            var result = await ingestor.IngestAsync(batch.RootElement, PactSet.Load(RepoPaths.ExamplePacts), 64, TimeSpan.FromDays(36500));
            Assert.Empty(result.Rejected);
        }

        var lines19 = JsonDocument.Parse(File.ReadLines(Atlas).ElementAt(18)).RootElement;
        var criticalAt = Ts(lines19.GetProperty("attemptedAt").GetString()!);
        var lastAt = Ts(JsonDocument.Parse(File.ReadLines(Atlas).Last()).RootElement.GetProperty("endedAt").GetString()!);
        var expected = new Dictionary<string, string[][]>(StringComparer.Ordinal)
        {
            ["session-health/Sessions"] = [["5"]],
            ["session-health/Ended with success"] = [["100"]],
            ["session-health/Session duration p50"] = [["71370"]],
            ["session-health/Session duration p95"] = [["94055"]],
            ["session-health/Tool errors"] = [["0"]],
            ["session-health/Sessions by agent"] = [["atlas", "5", "5", "25"]],
            ["pact-compliance/Compliance"] = [["96"]],
            ["pact-compliance/Critical calls"] = [["1"]],
            ["pact-compliance/Invalid calls by severity"] = [["critical", "1"]],
            ["pact-compliance/Compliance by pact"] = [["treasury-pact", "25", "96"]],
            ["pact-compliance/Critical violations"] =
            [
                [criticalAt, "atlas", "atlas-2026-11-21-s3", "transfer_funds", "amount", "maxAmount", "7500", "`amount` must be an amount from 0 to 5000"],
                [criticalAt, "atlas", "atlas-2026-11-21-s3", "transfer_funds", "destination", "allowList", "0xEEEE000000000000000000000000000000000666", "destination must be a treasury wallet"],
            ],
            ["pact-compliance/Top violating paths"] = [["amount", "1"], ["destination", "1"]],
            ["trust-oracle/Agents"] = [["1"]],
            ["trust-oracle/Ledger records"] = [["40"]],
            ["trust-oracle/Ledger head"] = [["40"]],
            ["trust-oracle/Trust summary by agent"] = [["atlas", "25", "25", "24", "1", "0", "0", "96", lastAt]],
            ["trust-oracle/Most violated paths by agent"] = [["atlas", "amount", "1"], ["atlas", "destination", "1"]],
        };

        var seen = new List<string>();
        await using var c = new NpgsqlConnection(_connection);
        await c.OpenAsync();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "deploy", "grafana", "dashboards"), "*.json").Order(StringComparer.Ordinal))
        {
            var board = Path.GetFileNameWithoutExtension(file);
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            foreach (var panel in doc.RootElement.GetProperty("panels").EnumerateArray())
            {
                var name = $"{board}/{panel.GetProperty("title").GetString()}";
                seen.Add(name);
                Assert.True(expected.ContainsKey(name), $"panel {name} has no expected figures in this test");
                var sql = panel.GetProperty("targets")[0].GetProperty("rawSql").GetString()!;
                var rows = await Rows(c, Grafana(sql));
                Assert.True(expected[name].Length == rows.Count && expected[name].Zip(rows).All(p => p.First.SequenceEqual(p.Second)),
                    $"panel {name}: {Show(rows)}, expected {Show(expected[name])}");
            }
        }

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    /// <summary>Grafana's time macro as Grafana expands it for a range holding the log (November 2026).</summary>
    private static string Grafana(string sql) => System.Text.RegularExpressions.Regex.Replace(
        sql, @"\$__timeFilter\(([^()]*(?:\([^()]*\))?[^()]*)\)", "$1 BETWEEN '2026-11-01T00:00:00Z' AND '2026-12-01T00:00:00Z'");

    private static async Task<List<string[]>> Rows(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await r.ReadAsync())
        {
            rows.Add([.. Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "null" : Cell(r.GetValue(i)))]);
        }

        return rows;
    }

    /// <summary>Numbers as their value (100.0 and 100 alike), text as it is.</summary>
    private static string Cell(object value) => value switch
    {
        decimal d => d.ToString("0.############", CultureInfo.InvariantCulture),
        double f => ((decimal)f).ToString("0.############", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Ts(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static string Show(IEnumerable<string[]> rows) => "[" + string.Join("; ", rows.Select(r => string.Join(", ", r))) + "]";

    public void Dispose() => PostgresCluster.DropSchema(_connection);
}
