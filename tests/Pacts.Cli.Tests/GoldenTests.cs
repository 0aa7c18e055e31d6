namespace Pacts.Cli.Tests;

/// <summary>Golden files pin every human- and machine-facing output format.</summary>
public class GoldenTests
{
    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("github")]
    [InlineData("sarif")]
    public void Validate_invalid_conformance_pacts(string format)
    {
        var (exit, stdout, stderr) = CliRunner.Run("validate", "../shared/conformance/invalid", "--format", format);
        Assert.Equal(1, exit);
        Assert.Empty(stderr);
        CliRunner.Golden($"validate-invalid.{format}.txt", stdout);
    }

    [Fact]
    public void Validate_examples_is_clean()
    {
        var (exit, stdout, _) = CliRunner.Run("validate", "examples/pacts");
        Assert.Equal(0, exit);
        CliRunner.Golden("validate-examples.txt", stdout);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("text")]
    public void Validate_call(string format)
    {
        var (exit, stdout, stderr) = CliRunner.Run("validate-call", "--pacts", "examples/pacts", "--pact", "treasury-pact", "--agent-id", "atlas", "--tool", "transfer_funds",
            "--params", """{"destination":"0xEVIL","amount":7500,"currency":"USDC","memo":"x"}""", "--format", format);
        Assert.Equal(1, exit);
        Assert.Empty(stderr);
        CliRunner.Golden($"validate-call.{format}.txt", stdout);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("markdown")]
    public void Replay_atlas(string format)
    {
        var (exit, stdout, stderr) = CliRunner.Run("replay", "examples/events/atlas.jsonl", "--pacts", "examples/pacts", "--format", format);
        Assert.Equal(1, exit);
        Assert.Empty(stderr);
        CliRunner.Golden($"replay-atlas.{format}.txt", stdout);
    }

    /// <summary>The budget breach row names the budget, the charge and the window total (SPEC §10) in every format.</summary>
    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("markdown")]
    public void Replay_outflow_breach(string format)
    {
        var (exit, stdout, stderr) = CliRunner.Run("replay", "examples/events/outflow-breach.jsonl", "--pacts", "examples/pacts", "--format", format);
        Assert.Equal(1, exit);
        Assert.Empty(stderr);
        CliRunner.Golden($"replay-outflow-breach.{format}.txt", stdout);
    }

    [Theory]
    [InlineData("text", "test-failures.txt")]
    [InlineData("json", "test-failures.json.txt")]
    [InlineData("junit", "test-failures.junit.txt")]
    public void Test_output_shows_expected_and_actual_alike_and_names_what_differs(string format, string golden)
    {
        var dir = Directory.CreateTempSubdirectory("pacts-golden-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "x.test.yaml"), """
                pact:
                  pact: p
                  bindings:
                    - tool: t
                      conditions:
                        - paramPath: v
                          maxAmount: 10
                        - paramPath: w
                          allowList: [a]
                          severity: critical
                cases:
                  - name: passes
                    tool: t
                    params: {v: 1}
                    expect: {valid: true}
                  - name: wrong expectation
                    tool: t
                    params: {v: 11}
                    expect: {valid: true}
                  - name: wrong rule
                    tool: t
                    params: {v: 11}
                    expect:
                      valid: false
                      violations: [{paramPath: v, rule: valueRange}]
                  - name: wrong severity, and a violation not listed
                    tool: t
                    params: {v: 11, w: b}
                    expect:
                      valid: false
                      violations:
                        - {paramPath: w, rule: allowList, severity: major, value: "b"}
                  - name: more entries than violations
                    tool: t
                    params: {v: 11}
                    expect:
                      valid: false
                      violations: [{paramPath: v}, {rule: maxAmount}]
                """);
            var (exit, stdout, _) = CliRunner.Run("test", Path.Combine(dir, "x.test.yaml"), "--format", format);
            Assert.Equal(1, exit);
            CliRunner.Golden(golden, stdout.Replace(dir, "<dir>", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
