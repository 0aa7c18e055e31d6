using System.Text.Json;
using System.Xml.Linq;
using Pacts.Cli.Rendering;

namespace Pacts.Cli.Tests;

/// <summary><c>pacts test</c>: its formats, <c>--run</c> and <c>-v</c>.</summary>
public sealed class TestCommandTests : IDisposable
{
    private const string Pact = """
        pact:
          pact: p
          bindings:
            - tool: t
              conditions:
                - paramPath: v
                  maxAmount: 10
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("pacts-test-cmd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string cases)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, Pact + "\ncases:\n" + cases);
        return path;
    }

    private static string Case(string name, int v, bool valid) =>
        $"  - name: \"{name}\"\n    tool: t\n    params: {{v: {v}}}\n    expect: {{valid: {(valid ? "true" : "false")}}}\n";

    [Fact]
    public void Verbose_names_every_case_with_its_outcome_and_keeps_the_closing_line()
    {
        var file = Write("a.test.yaml", Case("small passes", 1, true) + Case("large is wrongly expected valid", 11, true));
        var quiet = CliRunner.Run("test", file);
        Assert.DoesNotContain("PASS", quiet.Out, StringComparison.Ordinal);
        var (exit, stdout, _) = CliRunner.Run("test", file, "-v");
        Assert.Equal(1, exit);
        var lines = stdout.Split('\n');
        Assert.Equal($"PASS {file}:9: small passes", lines[0]);
        Assert.Equal($"FAIL {file}:13: large is wrongly expected valid", lines[1]);
        Assert.Equal("1 passed, 1 failed", stdout.TrimEnd('\n').Split('\n')[^1]);
        Assert.Equal(stdout, CliRunner.Run("test", file, "--verbose").Out);
    }

    [Fact]
    public void Run_selects_cases_by_a_partial_regex_match_of_their_name()
    {
        var file = Write("a.test.yaml", Case("amount small", 1, true) + Case("amount large", 11, false) + Case("other", 11, true));
        var (exit, stdout, _) = CliRunner.Run("test", file, "--run", "^amount", "-v");
        Assert.Equal(0, exit);
        Assert.Equal(["PASS", "PASS"], stdout.Split('\n').Where(l => l.StartsWith("PASS", StringComparison.Ordinal) || l.StartsWith("FAIL", StringComparison.Ordinal)).Select(l => l[..4]));
        Assert.EndsWith("2 passed, 0 failed\n", stdout, StringComparison.Ordinal);
        Assert.Equal(1, CliRunner.Run("test", file, "--run", "oth").Exit);

        var none = CliRunner.Run("test", file, "--run", "nothing-like-this");
        Assert.Equal(0, none.Exit);
        Assert.Contains("pacts: warning: no case name matches --run `nothing-like-this`", none.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(unclosed")]
    [InlineData(@"(a)\1")]
    public void A_run_pattern_that_is_not_a_usable_regex_is_a_usage_error(string pattern)
    {
        var file = Write("a.test.yaml", Case("x", 1, true));
        var (exit, stdout, stderr) = CliRunner.Run("test", file, "--run", pattern);
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.StartsWith($"pacts: error: --run `{pattern}` is not a regex pacts can run: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_holds_every_case_with_expected_and_actual_on_failure_and_the_totals()
    {
        var pacts = Path.Combine(_dir, "pacts");
        Directory.CreateDirectory(pacts);
        File.WriteAllText(Path.Combine(pacts, "p.pact.yaml"), Pact.Replace("pact:\n  ", "", StringComparison.Ordinal).Replace("\n  ", "\n", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(pacts, "p.test.yaml"), "pact: p\ncases:\n" + Case("ok", 1, true) + Case("bad", 11, true));

        // `--pacts DIR --format json`: the option takes its one path, and --format is an option again.
        var (exit, stdout, stderr) = CliRunner.Run("test", pacts, "--pacts", pacts, "--format", "json");
        Assert.Equal(1, exit);
        Assert.Empty(stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal((1, 1, 0), (root.GetProperty("passed").GetInt32(), root.GetProperty("failed").GetInt32(), root.GetProperty("fileErrors").GetInt32()));
        var cases = root.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(["pass", "fail"], cases.Select(c => c.GetProperty("status").GetString()));
        Assert.Equal("ok", cases[0].GetProperty("name").GetString());
        Assert.False(cases[0].TryGetProperty("actual", out _));
        var bad = cases[1];
        Assert.Equal(Path.Combine(pacts, "p.test.yaml"), bad.GetProperty("file").GetString());
        Assert.True(bad.GetProperty("expected").GetProperty("valid").GetBoolean());
        Assert.Equal("maxAmount", bad.GetProperty("actual").GetProperty("violations")[0].GetProperty("rule").GetString());
        Assert.Equal("valid: expected true, got false", bad.GetProperty("differences")[0].GetString());
    }

    [Fact]
    public void A_test_file_that_cannot_run_is_an_error_in_every_format()
    {
        var broken = Path.Combine(_dir, "broken.test.yaml");
        File.WriteAllText(broken, "pact: nowhere\ncases: []\n");
        var json = CliRunner.Run("test", broken, "--format", "json");
        Assert.Equal(2, json.Exit);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Contains("`nowhere`", doc.RootElement.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        var junit = CliRunner.Run("test", broken, "--format", "junit");
        Assert.Equal(2, junit.Exit);
        var suite = XDocument.Parse(junit.Out).Root!.Element("testsuite")!;
        Assert.Equal("1", suite.Attribute("errors")!.Value);
        Assert.NotNull(suite.Element("testcase")!.Element("error"));
    }

    [Fact]
    public void JUnit_is_valid_xml_whatever_a_case_name_holds()
    {
        // YAML escapes put into names what XML 1.0 cannot hold (NUL, other controls, U+FFFE/U+FFFF) and what
        // it must escape; Kyverno's JUnit output broke on such names.
        const string Hostile = @"nul \0 bell \a esc \e <tag a=\""b\""> & ]]> ' \uFFFF \uFFFE emoji \U0001F600 tab\tnl\ncr\r";
        var file = Write("h.test.yaml", Case(Hostile, 11, true) + Case(@"second\x01", 1, true));
        var other = Write("other.test.yaml", Case("plain", 1, true));
        var (exit, stdout, _) = CliRunner.Run("test", file, other, "--format", "junit");
        Assert.Equal(1, exit);
        var doc = XDocument.Parse(stdout);
        var suites = doc.Root!.Elements("testsuite").ToList();
        Assert.Equal("testsuites", doc.Root.Name.LocalName);
        Assert.Equal((3, 1), (int.Parse(doc.Root.Attribute("tests")!.Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(doc.Root.Attribute("failures")!.Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([file, other], suites.Select(s => s.Attribute("name")!.Value));
        var cases = suites[0].Elements("testcase").ToList();
        Assert.Equal("nul \\u0000 bell \\u0007 esc \\u001b <tag a=\"b\"> & ]]> ' \\uffff \\ufffe emoji \U0001F600 tab\tnl\ncr\r", cases[0].Attribute("name")!.Value);
        Assert.Equal(file, cases[0].Attribute("classname")!.Value);
        Assert.Equal("expected a valid call, got violations", cases[0].Element("failure")!.Attribute("message")!.Value);
        Assert.Contains("valid: expected true, got false", cases[0].Element("failure")!.Value, StringComparison.Ordinal);
        Assert.Equal("second\\u0001", cases[1].Attribute("name")!.Value);
        Assert.Null(cases[1].Element("failure"));
    }

    [Theory]
    [InlineData("lone {D800} high", "lone \\ud800 high")]
    [InlineData("lone {DC00} low", "lone \\udc00 low")]
    [InlineData("pair {D83D}{DE00} kept", "pair {D83D}{DE00} kept")]
    [InlineData("reversed {DE00}{D83D}", "reversed \\ude00\\ud83d")]
    [InlineData("{0000}{0008}{000B}{000C}{001F}\t\n\r{FFFE}{FFFF}{FFFD}", "\\u0000\\u0008\\u000b\\u000c\\u001f\t\n\r\\ufffe\\uffff{FFFD}")]
    public void Text_for_xml_escapes_every_character_xml_cannot_hold(string text, string legal)
    {
        // {XXXX} stands for the UTF-16 unit: an attribute's string cannot carry a lone surrogate (it is stored as UTF-8).
        static string Units(string s) => System.Text.RegularExpressions.Regex.Replace(
            s, @"\{([0-9A-F]{4})\}", m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());
        Assert.Equal(Units(legal), TestReportRenderer.Legal(Units(text)));
        _ = XDocument.Parse($"<a b=\"{System.Security.SecurityElement.Escape(Units(legal))}\"/>");
    }

    [Fact]
    public void The_readme_test_file_and_its_failing_case_print_what_the_readme_shows()
    {
        // README's "Pact test files": its example file, the case it adds, and the output it shows for them.
        var readme = File.ReadAllText(Path.Combine(CliRunner.RepoRoot, "README.md"));
        var section = readme[readme.IndexOf("### Pact test files", StringComparison.Ordinal)..];
        var blocks = System.Text.RegularExpressions.Regex.Matches(section, "```(yaml|text)\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Select(m => m.Groups[2].Value).Take(3).ToList();
        var file = Path.Combine(_dir, "treasury.test.yaml");
        File.WriteAllText(file, blocks[0] + blocks[1]);
        var (exit, stdout, _) = CliRunner.Run("test", file, "--pacts", "examples/pacts");
        Assert.Equal(1, exit);
        Assert.Equal(blocks[2], stdout.Replace(file, "tests/treasury.test.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public void The_readme_history_example_passes()
    {
        // README's "Pact test files", the history paragraph: its file runs as written against the bundled pacts.
        var readme = File.ReadAllText(Path.Combine(CliRunner.RepoRoot, "README.md"));
        var section = readme[readme.IndexOf("For budgets, a case may give the calls before it", StringComparison.Ordinal)..];
        var block = System.Text.RegularExpressions.Regex.Match(section, "```yaml\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        var file = Path.Combine(_dir, "history.test.yaml");
        File.WriteAllText(file, block);
        var (exit, stdout, stderr) = CliRunner.Run("test", file, "--pacts", "examples/pacts");
        Assert.Equal("", stderr);
        Assert.Equal("2 passed, 0 failed\n", stdout);
        Assert.Equal(0, exit);
    }
}
