using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Pacts.Cli.Tests;

/// <summary>
/// <c>validate --format sarif</c> is checked against the official SARIF 2.1.0 JSON Schema, evaluated by JsonSchema.Net.
/// The schema is <c>sarif/sarif-2.1.0.json</c>, copied verbatim from the npm package
/// <c>@microsoft/sarif-multitool-linux@5.7.0</c>; <c>.ci/run</c> downloads that package and compares the two byte for
/// byte, so the copy cannot drift from the official file, and the test runs offline on every machine.
/// </summary>
public class SarifSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(
        File.ReadAllText(Path.Combine(CliRunner.RepoRoot, "tests", "Pacts.Cli.Tests", "sarif", "sarif-2.1.0.json")),
        new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    private static EvaluationResults Evaluate(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Schema.Value.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Errors(EvaluationResults results) => string.Join("\n", (results.Details ?? [])
        .Where(d => d.Errors is { Count: > 0 })
        .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));

    public static TheoryData<string, int> Runs() => new()
    {
        { "../shared/conformance/invalid", 1 }, // errors
        { "examples/pacts", 0 }, // clean
        { "tests/Pacts.Cli.Tests/sarif/warnings", 0 }, // warnings only
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Validate_sarif_conforms_to_the_official_schema(string path, int expectedExit)
    {
        var (exit, stdout, stderr) = CliRunner.Run("validate", path, "--format", "sarif");
        Assert.Equal(expectedExit, exit);
        Assert.Empty(stderr);
        var results = Evaluate(stdout);
        Assert.True(results.IsValid, Errors(results));
    }

    [Fact]
    public void The_warnings_run_really_carries_warnings()
    {
        var (_, stdout, _) = CliRunner.Run("validate", "tests/Pacts.Cli.Tests/sarif/warnings", "--format", "sarif");
        var levels = JsonNode.Parse(stdout)!["runs"]![0]!["results"]!.AsArray().Select(r => (string?)r!["level"]).ToList();
        Assert.NotEmpty(levels);
        Assert.All(levels, l => Assert.Equal("warning", l));
    }

    [Theory]
    [InlineData("version")] // a log without its version
    [InlineData("level")] // a result level SARIF does not define
    [InlineData("startLine")] // a region line below 1
    public void A_broken_log_fails_the_same_schema(string breakage)
    {
        var (_, stdout, _) = CliRunner.Run("validate", "../shared/conformance/invalid", "--format", "sarif");
        var log = JsonNode.Parse(stdout)!.AsObject();
        var result = log["runs"]![0]!["results"]![0]!.AsObject();
        switch (breakage)
        {
            case "version":
                log.Remove("version");
                break;
            case "level":
                result["level"] = "fatal";
                break;
            default:
                result["locations"]![0]!["physicalLocation"]!["region"]!["startLine"] = 0;
                break;
        }

        Assert.False(Evaluate(log.ToJsonString()).IsValid);
    }

    /// <summary>
    /// The SARIF rules (what code scanning shows beside a result) say what README's "Diagnostic codes" table says,
    /// code for code, and both list every code the engine defines: the tool package ships no README, so the text
    /// lives in the renderer, and this test keeps the two copies one.
    /// </summary>
    [Fact]
    public void Sarif_rules_match_the_readme_table_and_cover_every_code()
    {
        var (_, stdout, _) = CliRunner.Run("validate", "examples/pacts", "--format", "sarif");
        var rules = JsonNode.Parse(stdout)!["runs"]![0]!["tool"]!["driver"]!["rules"]!.AsArray()
            .ToDictionary(r => (string)r!["id"]!, r => (string)r!["shortDescription"]!["text"]!);
        var readme = Regex.Matches(File.ReadAllText(Path.Combine(CliRunner.RepoRoot, "README.md")),
                @"^\| (PACT\d{3})(?: \([a-z]+\))? \| (.+?) \|\s*$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Replace("\\|", "|", StringComparison.Ordinal));
        var codes = typeof(Pacts.Diagnostics.DiagnosticCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(codes, rules.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(codes, readme.Keys.Order(StringComparer.Ordinal));
        foreach (var code in codes)
        {
            Assert.True(readme[code] == rules[code], $"{code}: README says \"{readme[code]}\", SARIF says \"{rules[code]}\"");
        }
    }
}
