using System.Text.Json;

namespace Pacts.Tests;

/// <summary>The fixed benchmark workload doubles as a correctness test: every verdict must agree with expected.json.</summary>
public class TreasuryWorkloadTests
{
    [Theory]
    [InlineData("treasury.pact.yaml")]
    [InlineData("treasury.pact.json")]
    public void Verdicts_agree_with_expected(string pactFile)
    {
        var compilation = Pact.Load(Path.Combine(SharedPaths.Bench, pactFile));
        Assert.True(compilation.Success, string.Join("\n", compilation.Diagnostics));
        var pact = compilation.Pact!;
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedPaths.Bench, "expected.json")));
        var invalidLines = expected.RootElement.GetProperty("invalidLines").EnumerateArray().Select(e => e.GetInt32()).ToHashSet();
        var byRule = new Dictionary<string, int>();
        var invalid = new List<int>();
        var violations = 0;
        var line = 0;
        foreach (var text in File.ReadLines(Path.Combine(SharedPaths.Bench, "calls.jsonl")))
        {
            line++;
            using var call = JsonDocument.Parse(text);
            var verdict = pact.Validate(call.RootElement.GetProperty("tool").GetString()!, call.RootElement.GetProperty("params"));
            Assert.Equal(verdict.Valid, verdict.Violations.Count == 0);
            if (!verdict.Valid)
            {
                invalid.Add(line);
            }

            violations += verdict.Violations.Count;
            foreach (var v in verdict.Violations)
            {
                byRule[v.Rule] = byRule.GetValueOrDefault(v.Rule) + 1;
            }
        }

        Assert.Equal(expected.RootElement.GetProperty("invalid").GetInt32(), invalid.Count);
        Assert.Equal(invalidLines.Order(), invalid);
        Assert.Equal(expected.RootElement.GetProperty("violations").GetInt32(), violations);
        foreach (var rule in expected.RootElement.GetProperty("violationsByRule").EnumerateObject())
        {
            Assert.Equal(rule.Value.GetInt32(), byRule.GetValueOrDefault(rule.Name));
        }
    }
}
