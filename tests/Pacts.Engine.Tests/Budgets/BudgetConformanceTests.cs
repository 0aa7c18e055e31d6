using System.Text.Json;
using Pacts.Replay;

namespace Pacts.Tests;

/// <summary>
/// <c>../shared/conformance-next/budgets</c>: each folder's log replayed against its pacts gives, line by line, the
/// expected verdict (SPEC §10), violations compared as a multiset on every field but <c>message</c>, with a budget's
/// <c>value</c> and <c>used</c> compared as JSON number text.
/// </summary>
public class BudgetConformanceTests
{
    public static TheoryData<string> Folders() =>
        [.. Directory.GetDirectories(Path.Combine(SharedPaths.ConformanceNext, "budgets")).Select(d => Path.GetFileName(d)!).Order()];

    [Theory]
    [MemberData(nameof(Folders))]
    public void Replay_gives_the_expected_verdict_for_every_call(string folder)
    {
        var dir = Path.Combine(SharedPaths.ConformanceNext, "budgets", folder);
        var pacts = PactSet.Load(Path.Combine(dir, "pacts"));
        Assert.DoesNotContain(pacts.Diagnostics, d => d.Severity == Diagnostics.DiagnosticSeverity.Error);
        var actual = new Dictionary<long, string>();
        var analyzer = new ReplayAnalyzer(pacts);
        using (var log = File.OpenRead(Path.Combine(dir, "events.jsonl")))
        {
            analyzer.ProcessLog(log, "events.jsonl", call => actual[call.Line] = call.Verdict.ToJson());
        }

        var expected = File.ReadLines(Path.Combine(dir, "expected.jsonl")).Where(l => l.Length > 0).ToList();
        Assert.Equal(expected.Count, actual.Count);
        foreach (var line in expected)
        {
            using var want = JsonDocument.Parse(line);
            var n = want.RootElement.GetProperty("line").GetInt64();
            Assert.True(actual.TryGetValue(n, out var got), $"line {n}: no verdict");
            Assert.Equal(Shape(want.RootElement), Shape(JsonDocument.Parse(got!).RootElement));
        }
    }

    /// <summary>A verdict as comparable text: its identity fields and its violations sorted, <c>message</c> left out.</summary>
    private static string Shape(JsonElement verdict)
    {
        var head = string.Join(" ", new[] { "valid", "bound", "pactId", "pactVersion" }.Select(k => verdict.GetProperty(k).GetRawText()));
        var violations = verdict.GetProperty("violations").EnumerateArray()
            .Select(v => string.Join(" ", v.EnumerateObject().Where(p => p.Name != "message").OrderBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => $"{p.Name}={p.Value.GetRawText()}")))
            .Order(StringComparer.Ordinal);
        return head + "\n" + string.Join("\n", violations);
    }
}
