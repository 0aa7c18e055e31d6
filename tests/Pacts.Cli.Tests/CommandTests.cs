using System.Text;
using System.Text.Json;
using Pacts.Schema;

namespace Pacts.Cli.Tests;

public class CommandTests
{
    [Fact]
    public void Conformance_suite_passes_through_pacts_test()
    {
        var (exit, stdout, stderr) = CliRunner.Run("test", "../shared/conformance");
        Assert.Equal(0, exit);
        Assert.Empty(stderr);
        Assert.Matches(@"^\d+ passed, 0 failed$", stdout.Trim().Split('\n')[^1]);
    }

    [Fact]
    public void Example_pact_tests_pass()
    {
        var (exit, stdout, _) = CliRunner.Run("test", "examples/pacts", "--pacts", "examples/pacts");
        Assert.Equal(0, exit);
        Assert.EndsWith(" passed, 0 failed\n", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"destination\":\"0xA11A000000000000000000000000000000000001\",\"amount\":10,\"currency\":\"USDC\",\"memo\":\"a\\nb\"}", "minor", 1)]
    [InlineData("{\"destination\":\"0xA11A000000000000000000000000000000000001\",\"amount\":10,\"currency\":\"USDC\",\"memo\":\"a\\nb\"}", "major", 0)]
    [InlineData("{\"destination\":\"0xEVIL\",\"amount\":10,\"currency\":\"USDC\"}", "critical", 1)]
    [InlineData("{\"destination\":\"0xEVIL\",\"amount\":10,\"currency\":\"USDC\"}", "none", 0)]
    [InlineData("{\"destination\":\"0xA11A000000000000000000000000000000000001\",\"amount\":10,\"currency\":\"USDC\"}", "minor", 0)]
    public void Validate_call_fail_on(string parameters, string failOn, int expected)
    {
        var (exit, stdout, _) = CliRunner.Run("validate-call", "--pacts", "examples/pacts", "--pact", "treasury-pact", "--agent-id", "atlas", "--tool", "transfer_funds", "--params", parameters, "--fail-on", failOn);
        Assert.Equal(expected, exit);
        using var verdict = JsonDocument.Parse(stdout);
        Assert.Equal(verdict.RootElement.GetProperty("violations").GetArrayLength() == 0, verdict.RootElement.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public void Validate_call_reads_params_from_stdin_and_files()
    {
        var json = """{"destination":"0xA11A000000000000000000000000000000000001","amount":10,"currency":"USDC"}""";
        Assert.Equal(0, CliRunner.RunWithStdin(json, "validate-call", "--pacts", "examples/pacts", "--pact", "treasury-pact", "--agent-id", "atlas", "--tool", "transfer_funds", "--params", "-").Exit);
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, json);
            Assert.Equal(0, CliRunner.Run("validate-call", "--pacts", "examples/pacts", "--pact", "treasury-pact", "--agent-id", "atlas", "--tool", "transfer_funds", "--params", "@" + file).Exit);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Pact_may_be_omitted_when_the_set_holds_one()
    {
        var (exit, stdout, _) = CliRunner.Run("validate-call", "--pacts", "examples/pacts/knowledge.pact.yaml", "--tool", "delete_page", "--params", """{"page_id":"1","space":"ENG"}""");
        Assert.Equal(0, exit);
        Assert.Contains("\"pactId\":\"knowledge-pact\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_is_generated_from_the_catalogue_and_the_committed_copy_is_current()
    {
        var (exit, stdout, _) = CliRunner.Run("schema");
        Assert.Equal(0, exit);
        using var schema = JsonDocument.Parse(stdout);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.RootElement.GetProperty("$schema").GetString());
        var condition = schema.RootElement.GetProperty("$defs").GetProperty("condition").GetProperty("properties");
        foreach (var rule in new[] { "required", "type", "allowList", "denyList", "regex", "minLength", "maxLength", "maxItems", "valueRange", "maxAmount" })
        {
            Assert.True(condition.TryGetProperty(rule, out _), rule);
        }

        // A condition needs a rule, and `required: false` is not one (SPEC §2), as PACT010 says.
        var branches = schema.RootElement.GetProperty("$defs").GetProperty("condition").GetProperty("anyOf").EnumerateArray().ToList();
        Assert.Equal(10, branches.Count);
        var requiredBranch = branches.Single(b => b.GetProperty("required")[0].GetString() == "required");
        Assert.True(requiredBranch.GetProperty("properties").GetProperty("required").GetProperty("const").GetBoolean());
        Assert.Equal("PACT010", Assert.Single(Pact.Compile("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n        required: false\n").Diagnostics).Code);

        Assert.Equal(PactSchema.ToJson().ReplaceLineEndings("\n").Trim(), File.ReadAllText(Path.Combine(CliRunner.RepoRoot, "examples", "pact.schema.json")).ReplaceLineEndings("\n").Trim());
        foreach (var pact in Directory.GetFiles(Path.Combine(CliRunner.RepoRoot, "examples", "pacts"), "*.pact.yaml"))
        {
            Assert.StartsWith("# yaml-language-server: $schema=../pact.schema.json", File.ReadAllText(pact), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_prints_warnings_and_still_exits_0()
    {
        var file = Path.Combine(Path.GetTempPath(), $"pacts-warn-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, "pact: w\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n        allowList: [x, x]\n        regex: '\\d+'\n      - paramPath: a\n        denyList: [x]\n");
        try
        {
            var (exit, stdout, _) = CliRunner.Run("validate", file);
            Assert.Equal(0, exit);
            foreach (var code in new[] { "PACT101", "PACT102", "PACT103", "PACT104" })
            {
                Assert.Contains($": warning {code}: ", stdout, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Version_and_help()
    {
        var (exit, stdout, _) = CliRunner.Run("--version");
        Assert.Equal(0, exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout);
        foreach (var command in new[] { "validate", "validate-call", "replay", "diff", "test", "schema" })
        {
            var help = CliRunner.Run(command, "--help");
            Assert.Equal(0, help.Exit);
            Assert.Contains("pacts " + command, help.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Verdicts_on_stdout_leave_stdout_pure_jsonl()
    {
        var (exit, stdout, stderr) = CliRunner.Run("replay", "examples/events/atlas.jsonl", "--pacts", "examples/pacts", "--verdicts", "-");
        Assert.Equal(1, exit);
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(25, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("{\"line\":", l, StringComparison.Ordinal));
        Assert.Contains("compliance 96.0%", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("minor", 1, 1, 1)]
    [InlineData("major", 0, 1, 1)]
    [InlineData("critical", 0, 0, 1)]
    [InlineData("none", 0, 0, 0)]
    public void Replay_fails_on_the_worst_call_at_or_above_the_threshold_with_or_without_verdict_lines(
        string failOn, int minorLog, int majorLog, int criticalLog)
    {
        // Three logs whose worst call is minor, major and critical; the exit code is read off the report's
        // tallies, so it must be what the verdict lines' severities say, whether or not they are written.
        const string Start = """{"type":"session_start","sessionId":"s","agentId":"a","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}""";
        string Call(string amount = "10", string currency = "USDC", string memo = "ok") => $$"""{"type":"tool_call","sessionId":"s","agentId":"a","tool":"transfer_funds","params":{"destination":"0xA11A000000000000000000000000000000000001","amount":{{amount}},"currency":"{{currency}}","memo":"{{memo}}"},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""";
        var minor = Call(memo: new string('m', 300));
        var major = Call(currency: "EUR");
        var critical = Call(amount: "999999");
        foreach (var (calls, expected) in new[] { ((string[])[Call(), minor, Call()], minorLog), ([minor, major], majorLog), ([major, critical, minor], criticalLog) })
        {
            var log = string.Join("\n", [Start, .. calls]) + "\n";
            var plain = CliRunner.RunWithStdin(log, "replay", "-", "--pacts", "examples/pacts", "--fail-on", failOn);
            var withVerdicts = CliRunner.RunWithStdin(log, "replay", "-", "--pacts", "examples/pacts", "--verdicts", "-", "--fail-on", failOn);
            Assert.Equal(expected, plain.Exit);
            Assert.Equal(expected, withVerdicts.Exit);
            Assert.Equal(calls.Length, withVerdicts.Out.TrimEnd('\n').Split('\n').Length);
        }
    }

    [Fact]
    public void Replay_writes_verdict_lines_for_evaluated_calls()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (exit, _, _) = CliRunner.Run("replay", "examples/events/atlas.jsonl", "--pacts", "examples/pacts", "--verdicts", file, "--fail-on", "none");
            Assert.Equal(0, exit);
            var lines = File.ReadAllLines(file);
            Assert.Equal(25, lines.Length);
            Assert.Single(lines, l => l.Contains("\"valid\":false", StringComparison.Ordinal));
            Assert.StartsWith("{\"line\":2,\"file\":\"examples/events/atlas.jsonl\",\"sessionId\":", lines[0], StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void An_unbound_tool_verdict_names_the_closest_bound_tool_the_same_everywhere()
    {
        const string Params = """{"destination":"0xA11A000000000000000000000000000000000001","amount":10}""";
        var text = CliRunner.Run("validate-call", "--pacts", "examples/pacts", "--pact", "treasury-pact", "--tool", "transfer_fund", "--params", Params, "--format", "text");
        Assert.Equal(1, text.Exit);
        Assert.Contains("tool `transfer_fund` is not bound by pact `treasury-pact`, which denies unbound tools; did you mean `transfer_funds`?", text.Out, StringComparison.Ordinal);

        // Library (each input form), validate-call and replay's verdict line give the same bytes: one engine.
        var treasury = PactSet.Load(Path.Combine(CliRunner.RepoRoot, "examples", "pacts")).Find("treasury-pact")!;
        var library = treasury.Validate("transfer_fund", Params).ToJson();
        Assert.Equal(library, treasury.Validate("transfer_fund", Encoding.UTF8.GetBytes(Params).AsMemory()).ToJson());
        Assert.Equal(library + "\n", CliRunner.Run("validate-call", "--pacts", "examples/pacts", "--pact", "treasury-pact", "--tool", "transfer_fund", "--params", Params).Out);
        var log = $$"""{"type":"tool_call","sessionId":"s","agentId":"a","tool":"transfer_fund","params":{{Params}},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z","pactId":"treasury-pact"}""";
        var line = CliRunner.RunWithStdin(log, "replay", "-", "--pacts", "examples/pacts", "--verdicts", "-").Out.TrimEnd('\n');
        using var replayed = JsonDocument.Parse(line);
        Assert.Contains(replayed.RootElement.GetProperty("violations").GetRawText(), library, StringComparison.Ordinal);

        // Nothing close: the message stays as it was, with no guess.
        Assert.Equal("tool `mint_tokens` is not bound by pact `treasury-pact`, which denies unbound tools",
            treasury.Validate("mint_tokens", Params).Violations.Single().Message);
    }

    [Fact]
    public void Root_help_lists_each_command_on_one_line_and_the_full_text_stays_under_the_command()
    {
        var (exit, stdout, _) = CliRunner.Run("--help");
        Assert.Equal(0, exit);
        var commands = stdout[(stdout.IndexOf("Commands:\n", StringComparison.Ordinal) + "Commands:\n".Length)..].TrimEnd('\n').Split('\n');
        Assert.Equal(["validate", "validate-call", "replay", "diff", "mcp", "test", "schema", "serve", "keys", "ledger", "trust"], commands.Select(l => l.Trim().Split(' ')[0]));
        Assert.All(commands, l => Assert.Matches(@"^  \S", l)); // no continuation lines
        Assert.Contains("  test <PATH>      Run pact test files: each case calls a tool with params and states the verdict it expects.", commands);
        Assert.Contains("A test file (*.test.yaml):", CliRunner.Run("test", "--help").Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("test", "--pacts <PATH>", "--run <REGEX>", "-v, --verbose", "--format <json|junit|text>")]
    [InlineData("replay", "--pacts <PATH> (REQUIRED)", "--verdicts <FILE>", "--fail-on <SEV>")]
    public void Help_names_its_placeholders_and_no_file_the_tool_package_lacks(string command, params string[] shown)
    {
        var help = CliRunner.Run(command, "--help").Out;
        foreach (var s in shown)
        {
            Assert.Contains(s, help, StringComparison.Ordinal);
        }

        // The tool package ships no examples directory: help that points into it sends a new user nowhere.
        Assert.DoesNotContain("examples/", help + CliRunner.Run("--help").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_help_documents_the_test_file_format()
    {
        var help = CliRunner.Run("test", "--help").Out;
        foreach (var s in new[] { "pact: treasury-pact", "an inline mapping", "cases:", "- name:", "tool:", "params:", "expect:", "valid: false", "violations:", "one-to-one", "only the fields" })
        {
            Assert.Contains(s, help, StringComparison.Ordinal);
        }
    }
}
