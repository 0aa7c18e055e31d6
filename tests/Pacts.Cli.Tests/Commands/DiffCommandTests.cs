using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pacts.Server;

namespace Pacts.Cli.Tests;

/// <summary>
/// `pacts diff` (SPEC §11) on the atlas log: the three formats pinned by golden files, exit codes per `--fail-on`,
/// `--baseline recorded` against a real ledger export, and `--baseline git:REV` against a repository made here.
/// The candidate (`tests/Pacts.Cli.Tests/diff/candidate`) is the example treasury pact with its cap cut from 5000 to 500.
/// </summary>
public class DiffCommandTests
{
    private const string Candidate = "tests/Pacts.Cli.Tests/diff/candidate";

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("markdown")]
    public void A_lower_cap_newly_blocks_the_transfers_above_it(string format)
    {
        var (exit, stdout, stderr) = CliRunner.Run("diff", "examples/events/atlas.jsonl", "--baseline", "examples/pacts", "--candidate", Candidate, "--amount", "amount", "--format", format);
        Assert.Equal(1, exit);
        Assert.Empty(stderr);
        CliRunner.Golden($"diff-atlas.{format}.txt", stdout);
    }

    // Params are kept as sent, so a value (and a recorded verdict's value) may escape half a surrogate pair, which
    // System.Text.Json reads but will not make a string of or write again: each format once ended in an unhandled
    // exception here.
    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("markdown")]
    public void Values_that_escape_half_a_surrogate_pair_are_shown_as_escaped(string format)
    {
        var log = Path.Combine(Directory.CreateTempSubdirectory("pacts-diff-surrogate-").FullName, "log.jsonl");
        const string Call = """{"type":"tool_call","sessionId":"s","agentId":"a","pactId":"treasury-pact","tool":"transfer_funds","params":{"amount":10,"destination":"0x\ud800","currency":"USDC"},"outcome":"success","attemptedAt":"2026-12-01T00:00:00Z","verdict":""";
        File.WriteAllLines(log,
        [
            Call + """{"valid":false,"pactId":"treasury-pact","violations":[{"\ud800":1,"paramPath":"x\udc00","rule":"r","severity":"critical","value":"\ud800"}]}}""",
            Call + """{"valid":true,"pactId":"treasury-pact","violations":[]}}""",
        ]);
        foreach (var baseline in new[] { "recorded", "examples/pacts" })
        {
            var (exit, stdout, stderr) = CliRunner.Run("diff", log, "--baseline", baseline, "--candidate", Candidate, "--format", format);
            Assert.Equal(baseline == "recorded" ? 1 : 0, exit);
            Assert.Empty(stderr);
            if (baseline == "recorded")
            {
                Assert.Contains("\\ud800", stdout, StringComparison.Ordinal);
            }

            if (format == "json")
            {
                using var doc = JsonDocument.Parse(stdout);
                Assert.Equal(2, doc.RootElement.GetProperty("calls").GetInt32());
            }
        }
    }

    [Fact]
    public void The_json_counts_agree_with_the_flips()
    {
        var (_, stdout, _) = CliRunner.Run("diff", "examples/events/atlas.jsonl", "--baseline", "examples/pacts", "--candidate", Candidate, "--amount", "amount", "--format", "json");
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(25, root.GetProperty("calls").GetInt32());
        var flips = root.GetProperty("flips");
        var examples = root.GetProperty("examples").EnumerateArray().ToList();
        Assert.Equal(flips.GetProperty("newlyInvalid").GetInt32(), examples.Count(e => e.GetProperty("kind").GetString() == "newly-invalid"));
        Assert.True(examples.Count > 0);
        Assert.All(examples, e => Assert.True(e.GetProperty("baseline").GetProperty("valid").GetBoolean()));
        Assert.All(examples, e => Assert.Contains(e.GetProperty("candidate").GetProperty("violations").EnumerateArray(), v => v.GetProperty("rule").GetString() == "maxAmount"));
        // Every newly blocked transfer is above the new cap and at most the old one: their amounts add up to the report's.
        var blocked = root.GetProperty("amounts").GetProperty("newlyInvalid").GetDecimal();
        Assert.True(blocked > 500m * examples.Count && blocked <= 5000m * examples.Count);
        Assert.Equal("0", root.GetProperty("amounts").GetProperty("newlyValid").GetRawText());
    }

    [Theory]
    [InlineData("any", 1)]
    [InlineData("newly-invalid", 1)]
    [InlineData("newly-valid", 0)]
    [InlineData("changed", 0)]
    [InlineData("none", 0)]
    public void Fail_on_names_the_kind_of_flip_that_fails(string failOn, int expected)
    {
        var (exit, _, stderr) = CliRunner.Run("diff", "examples/events/atlas.jsonl", "--baseline", "examples/pacts", "--candidate", Candidate, "--fail-on", failOn);
        Assert.Equal(expected, exit);
        Assert.Empty(stderr);
    }

    [Fact]
    public void Markdown_escapes_what_a_log_writes_as_the_replay_report_does()
    {
        // An agent id and a memo that try to close a code span, split a table cell, add HTML and a link (the memo also
        // breaks the memo regex on both sides, so the call's flip is `changed`).
        const string agent = "ev`il|<img src=x>";
        const string memo = "[pay](http://x.invalid) | `x` <b>";
        var log = Path.Combine(Directory.CreateTempSubdirectory("pacts-diff-md-").FullName, "hostile.jsonl");
        File.WriteAllLines(log,
        [
            $$"""{"type":"session_start","sessionId":"s|1","agentId":{{JsonSerializer.Serialize(agent)}},"startedAt":"2026-11-21T10:00:00Z","pactId":"treasury-pact"}""",
            $$"""{"type":"tool_call","sessionId":"s|1","agentId":{{JsonSerializer.Serialize(agent)}},"tool":"transfer_funds","params":{"destination":"0xA11A000000000000000000000000000000000001","amount":600,"currency":"USDC","memo":{{JsonSerializer.Serialize(memo)}}},"outcome":"success","attemptedAt":"2026-11-21T10:00:01Z"}""",
        ]);
        var (exit, stdout, _) = CliRunner.Run("diff", log, "--baseline", "examples/pacts", "--candidate", Candidate, "--format", "markdown");
        Assert.Equal(1, exit);
        Assert.DoesNotContain("<b>", stdout.Replace("\\| 'x' <b>\"`", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("<img", stdout.Replace("`` ev`il\\|<img src=x> ``", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("`` ev`il\\|<img src=x> ``", stdout, StringComparison.Ordinal);
        var row = stdout.Split('\n').Single(l => l.Contains("hostile.jsonl:2", StringComparison.Ordinal));
        // Six cells, whatever the agent id holds: no `|` outside a code span splits one.
        Assert.Equal(7, row.Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|'));
    }

    [Fact]
    public void The_same_pacts_on_both_sides_flip_nothing()
    {
        var (exit, stdout, _) = CliRunner.Run("diff", "examples/events/atlas.jsonl", "examples/events/outflow-breach.jsonl", "--baseline", "examples/pacts", "--candidate", "examples/pacts");
        Assert.Equal(0, exit);
        Assert.StartsWith("0 calls newly blocked, 0 newly allowed, 0 changed otherwise\ntool calls 36;", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--amount", "items[", "--amount `items[` is not a param path")]
    [InlineData("--baseline", "no/such/dir", "--pacts no/such/dir")]
    [InlineData("--baseline", "git:no-such-revision", "--baseline git:no-such-revision:")]
    public void Bad_arguments_are_one_clear_error(string option, string value, string expected)
    {
        string[] args = option == "--baseline"
            ? ["diff", "examples/events/atlas.jsonl", "--baseline", value, "--candidate", Candidate]
            : ["diff", "examples/events/atlas.jsonl", "--baseline", "examples/pacts", "--candidate", Candidate, option, value];
        var (exit, stdout, stderr) = CliRunner.Run(args);
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recorded_takes_the_verdicts_a_ledger_export_carries()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-diff-recorded-").FullName;
        try
        {
            using (var store = new SqliteLedgerStore(dir))
            using (var ingestor = new Ingestor(store))
            {
                var lines = File.ReadLines(Path.Combine(CliRunner.RepoRoot, "examples", "events", "atlas.jsonl")).Where(l => l.Length > 0);
                using var events = JsonDocument.Parse("[" + string.Join(",", lines) + "]");
                var result = await ingestor.IngestAsync(events.RootElement, PactSet.Load(Path.Combine(CliRunner.RepoRoot, "examples", "pacts")), 64);
                Assert.Empty(result.Rejected);
            }

            SqliteConnection.ClearAllPools();
            var export = Path.Combine(dir, "export.jsonl");
            Assert.Equal(0, CliRunner.Run("ledger", "export", "--data", dir, "--out", export).Exit);
            Assert.Equal(25, File.ReadLines(export).Count(l => l.Contains("\"verdict\":{", StringComparison.Ordinal)));
            Assert.Equal(0, CliRunner.Run("replay", export, "--pacts", "examples/pacts", "--fail-on", "none").Exit); // still a log replay reads

            var same = CliRunner.Run("diff", export, "--baseline", "recorded", "--candidate", "examples/pacts", "--format", "json");
            Assert.Equal(0, same.Exit);
            using (var doc = JsonDocument.Parse(same.Out))
            {
                Assert.Equal(25, doc.RootElement.GetProperty("calls").GetInt32());
                Assert.Equal(0, doc.RootElement.GetProperty("unrecorded").GetInt32());
            }

            var lower = CliRunner.Run("diff", export, "--baseline", "recorded", "--candidate", Candidate, "--format", "json");
            var replayed = CliRunner.Run("diff", "examples/events/atlas.jsonl", "--baseline", "examples/pacts", "--candidate", Candidate, "--format", "json");
            Assert.Equal(1, lower.Exit);
            using var a = JsonDocument.Parse(lower.Out);
            using var b = JsonDocument.Parse(replayed.Out);
            Assert.Equal(b.RootElement.GetProperty("flips").GetRawText(), a.RootElement.GetProperty("flips").GetRawText());

            // A log without verdicts has nothing recorded to compare.
            var plain = CliRunner.Run("diff", "examples/events/atlas.jsonl", "--baseline", "recorded", "--candidate", Candidate, "--format", "json");
            Assert.Equal(0, plain.Exit);
            using var p = JsonDocument.Parse(plain.Out);
            Assert.Equal(25, p.RootElement.GetProperty("unrecorded").GetInt32());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Git_baseline_reads_the_candidate_path_at_a_revision_without_a_checkout()
    {
        var repo = Directory.CreateTempSubdirectory("pacts-diff-git-").FullName;
        try
        {
            var pacts = Path.Combine(repo, "policy", "pacts");
            Directory.CreateDirectory(pacts);
            File.Copy(Path.Combine(CliRunner.RepoRoot, "examples", "pacts", "treasury.pact.yaml"), Path.Combine(pacts, "treasury.pact.yaml"));
            File.WriteAllText(Path.Combine(pacts, "treasury.test.yaml"), "not a pact: test files are skipped\n");
            Git(repo, "init", "-q");
            Git(repo, "add", ".");
            Git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "v1");
            File.Copy(Path.Combine(CliRunner.RepoRoot, Candidate, "treasury.pact.yaml"), Path.Combine(pacts, "treasury.pact.yaml"), overwrite: true);

            var log = Path.Combine(CliRunner.RepoRoot, "examples", "events", "atlas.jsonl");
            var viaGit = CliRunner.Run("diff", log, "--baseline", "git:HEAD", "--candidate", pacts, "--format", "json");
            var viaPath = CliRunner.Run("diff", log, "--baseline", "examples/pacts", "--candidate", Candidate, "--format", "json");
            Assert.Equal(1, viaGit.Exit);
            using var a = JsonDocument.Parse(viaGit.Out);
            using var b = JsonDocument.Parse(viaPath.Out);
            Assert.Equal(b.RootElement.GetProperty("flips").GetRawText(), a.RootElement.GetProperty("flips").GetRawText());

            // The working tree is what was compared against: nothing was checked out.
            Assert.Contains("maxAmount: 500 ", File.ReadAllText(Path.Combine(pacts, "treasury.pact.yaml")), StringComparison.Ordinal);

            // A single file as the candidate, and HEAD against itself once the change is committed.
            Git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", "v2");
            Assert.Equal(0, CliRunner.Run("diff", log, "--baseline", "git:HEAD", "--candidate", Path.Combine(pacts, "treasury.pact.yaml")).Exit);
            Assert.Equal(1, CliRunner.Run("diff", log, "--baseline", "git:HEAD~1", "--candidate", Path.Combine(pacts, "treasury.pact.yaml")).Exit);
        }
        finally
        {
            Directory.Delete(repo, true);
        }
    }

    private static void Git(string dir, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var git = Process.Start(start)!;
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {git.StandardError.ReadToEnd()}");
    }
}
