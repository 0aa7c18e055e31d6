using System.Text;

namespace Pacts.Cli.Tests;

/// <summary>Bad input is a product feature: one clear stderr line, exit 2, never a stack trace.</summary>
public class BadInputTests
{
    private static void AssertOneClearError((int Exit, string Out, string Err) result, string mentions)
    {
        Assert.Equal(2, result.Exit);
        Assert.DoesNotContain("   at ", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Err, StringComparison.Ordinal);
        var first = result.Err.Split('\n')[0];
        Assert.StartsWith("pacts: error: ", first, StringComparison.Ordinal);
        Assert.Contains(mentions, first, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file() => AssertOneClearError(CliRunner.Run("validate", "no/such/pact.yaml"), "no/such/pact.yaml");

    [Fact]
    public void Directory_with_one_broken_pact_fails_validate_call_with_exit_2()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-bad-").FullName;
        try
        {
            File.Copy(Path.Combine(CliRunner.RepoRoot, "examples", "pacts", "treasury.pact.yaml"), Path.Combine(dir, "treasury.pact.yaml"));
            File.WriteAllText(Path.Combine(dir, "broken.yaml"), "pact: broken\nbindings:\n  - tool: [\n");
            AssertOneClearError(CliRunner.Run("validate-call", "--pacts", dir, "--pact", "treasury-pact", "--tool", "t", "--params", "{}"), "do not load");
            Assert.Equal(1, CliRunner.Run("validate", dir).Exit);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("{\"amount\": ", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("\"x\"", "must be a JSON object")]
    public void Params_that_are_not_a_json_object(string parameters, string mentions) =>
        AssertOneClearError(CliRunner.Run("validate-call", "--pacts", "examples/pacts", "--pact", "treasury-pact", "--tool", "transfer_funds", "--params", parameters), mentions);

    [Fact]
    public void Replay_writes_an_offending_value_as_deep_as_params_may_nest_and_reports_deeper_params_malformed()
    {
        // Params may nest 64 levels (Pact.MaxParamsDepth), so the deepest offending value is 63 levels deep, written
        // verbatim; params one level deeper get no verdict, as validate-call and the library give none.
        var deepest = new string('[', 63) + new string(']', 63);
        var tooDeep = new string('[', 64) + new string(']', 64);
        var file = Path.Combine(Path.GetTempPath(), $"pacts-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(file, string.Join('\n',
            """{"type":"session_start","sessionId":"s","agentId":"a","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}""",
            $$"""{"type":"tool_call","sessionId":"s","agentId":"a","tool":"transfer_funds","params":{"destination":{{deepest}},"amount":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""",
            $$"""{"type":"tool_call","sessionId":"s","agentId":"a","tool":"transfer_funds","params":{"destination":{{tooDeep}},"amount":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}"""));
        try
        {
            var result = CliRunner.Run("replay", file, "--pacts", "examples/pacts", "--verdicts", "-", "--fail-on", "none");
            Assert.Equal(0, result.Exit);
            Assert.DoesNotContain("Exception", result.Err, StringComparison.Ordinal);
            Assert.Contains("\"value\":" + deepest, result.Out, StringComparison.Ordinal);
            Assert.Contains("`params` nest deeper than 64 levels", result.Out + result.Err, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Unknown_pact_suggests_the_closest() =>
        AssertOneClearError(CliRunner.Run("validate-call", "--pacts", "examples/pacts", "--pact", "treasury-pakt", "--tool", "t", "--params", "{}"), "did you mean `treasury-pact`?");

    [Fact]
    public void Several_pacts_and_no_pact_option() =>
        AssertOneClearError(CliRunner.Run("validate-call", "--pacts", "examples/pacts", "--tool", "t", "--params", "{}"), "--pact");

    [Fact]
    public void Missing_params_file() =>
        AssertOneClearError(CliRunner.Run("validate-call", "--pacts", "examples/pacts", "--pact", "treasury-pact", "--tool", "t", "--params", "@/no/such.json"), "/no/such.json");

    [Fact]
    public void Unreadable_gzip()
    {
        var file = Path.Combine(Path.GetTempPath(), $"pacts-{Guid.NewGuid():N}.jsonl.gz");
        File.WriteAllText(file, "this is not gzip at all");
        try
        {
            AssertOneClearError(CliRunner.Run("replay", file, "--pacts", "examples/pacts"), "gzip");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_truncated_gzip_log_is_an_error_not_a_shorter_report()
    {
        // Two members, as `cat a.gz b.gz` or a rotated log makes: whole, they read as the plain log does; cut
        // anywhere but at the member boundary, the report would silently miss the rest (exit 0) without the
        // strict-validation switch the tool ships with (src/Pacts.Cli/Pacts.Cli.csproj).
        var lines = File.ReadAllLines(Path.Combine(CliRunner.RepoRoot, "examples", "events", "atlas.jsonl"));
        var first = Gzip(string.Join('\n', lines[..20]) + "\n");
        var whole = (byte[])[.. first, .. Gzip(string.Join('\n', lines[20..]) + "\n")];
        var file = Path.Combine(Path.GetTempPath(), $"pacts-{Guid.NewGuid():N}.jsonl.gz");
        try
        {
            File.WriteAllBytes(file, whole);
            var plain = CliRunner.Run("replay", "examples/events/atlas.jsonl", "--pacts", "examples/pacts", "--format", "json");
            var read = CliRunner.Run("replay", file, "--pacts", "examples/pacts", "--format", "json");
            Assert.Equal(plain.Exit, read.Exit);
            Assert.Equal(plain.Out.Replace("examples/events/atlas.jsonl", "", StringComparison.Ordinal), read.Out.Replace(file, "", StringComparison.Ordinal));

            foreach (var cut in new[] { 12, first.Length / 2, first.Length - 4, first.Length + 1, whole.Length - 30, whole.Length - 1 })
            {
                File.WriteAllBytes(file, whole[..cut]);
                AssertOneClearError(CliRunner.Run("replay", file, "--pacts", "examples/pacts"), "not readable gzip");
            }
        }
        finally
        {
            File.Delete(file);
        }

        static byte[] Gzip(string text)
        {
            var ms = new MemoryStream();
            using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Optimal))
            {
                gz.Write(Encoding.UTF8.GetBytes(text));
            }

            return ms.ToArray();
        }
    }

    [Theory]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    [InlineData("utf-32le")]
    public void A_UTF_16_log_is_one_clear_error_not_every_line_malformed(string encoding)
    {
        Encoding e = encoding switch
        {
            "utf-16le" => new UnicodeEncoding(false, true),
            "utf-16be" => new UnicodeEncoding(true, true),
            _ => new UTF32Encoding(false, true),
        };
        var text = File.ReadAllText(Path.Combine(CliRunner.RepoRoot, "examples", "events", "atlas.jsonl"));
        var file = Path.Combine(Path.GetTempPath(), $"pacts-{Guid.NewGuid():N}.jsonl");
        File.WriteAllBytes(file, [.. e.GetPreamble(), .. e.GetBytes(text)]);
        try
        {
            var result = CliRunner.Run("replay", file, "--pacts", "examples/pacts");
            AssertOneClearError(result, "is not UTF-8 JSON lines: it is " + (encoding.StartsWith("utf-16", StringComparison.Ordinal) ? "UTF-16" : "UTF-32"));
            Assert.Contains("iconv", result.Err, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("gzip", "name the file *.gz")]
    [InlineData("zstd", "decompress it first")]
    [InlineData("bzip2", "decompress it first")]
    public void Compressed_data_read_as_text_is_one_clear_error(string format, string advice)
    {
        var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(File.ReadAllBytes(Path.Combine(CliRunner.RepoRoot, "examples", "events", "atlas.jsonl")));
        }

        byte[] data = format switch
        {
            "gzip" => ms.ToArray(),
            "zstd" => [0x28, 0xB5, 0x2F, 0xFD, 0x24, 0x10, (byte)'\n', 0x01],
            _ => [.. "BZh91AY&SY"u8, (byte)'\n', 0x01],
        };
        // A rotated log under another name (logrotate's delaycompress, a copy) or piped to stdin: not a .gz name.
        var file = Path.Combine(Path.GetTempPath(), $"pacts-{Guid.NewGuid():N}.log.1");
        File.WriteAllBytes(file, data);
        try
        {
            var result = CliRunner.Run("replay", file, "--pacts", "examples/pacts");
            AssertOneClearError(result, $"is not UTF-8 JSON lines: it is {format}-compressed data");
            Assert.Contains(advice, result.Err, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_bad_option_value_is_one_line_with_its_choices()
    {
        var result = CliRunner.Run("validate-call", "--pacts", "examples/pacts", "--pact", "treasury-pact", "--tool", "t", "--params", "{}", "--format", "xml");
        AssertOneClearError(result, "Argument 'xml' not recognized. Must be one of: 'json', 'text'");
        Assert.Equal(2, result.Err.TrimEnd('\n').Split('\n').Length); // the error, then where to find usage
    }

    [Fact]
    public void A_UTF_16_params_file_says_so()
    {
        var file = Path.Combine(Path.GetTempPath(), $"pacts-{Guid.NewGuid():N}.json");
        File.WriteAllBytes(file, [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("""{"wallet":"x"}""")]);
        try
        {
            AssertOneClearError(CliRunner.Run("validate-call", "--pacts", "examples/pacts", "--pact", "treasury-pact", "--tool", "get_balance", "--params", "@" + file), "is UTF-16 text");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Params_deeper_than_the_engine_reads_are_an_error_as_in_replay()
    {
        static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth - 1)) + "{\"wallet\":\"0xA11A000000000000000000000000000000000001\"}" + new string('}', depth - 1);
        var args = new[] { "validate-call", "--pacts", "examples/pacts", "--pact", "treasury-pact", "--tool", "get_balance", "--params" };
        Assert.Equal(1, CliRunner.Run([.. args, Nested(Pact.MaxParamsDepth)]).Exit); // judged: `wallet` is not at the top
        AssertOneClearError(CliRunner.Run([.. args, Nested(Pact.MaxParamsDepth + 1)]), "nests deeper than 64 levels");
    }

    [Fact]
    public void The_tool_ships_with_strict_gzip_validation()
    {
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "pacts.runtimeconfig.json")));
        Assert.True(config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").GetProperty("System.IO.Compression.UseStrictValidation").GetBoolean());
    }

    [Fact]
    public void A_directory_with_no_pacts()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-empty-").FullName;
        try
        {
            AssertOneClearError(CliRunner.Run("validate", dir), "no pact files");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Missing_log() => AssertOneClearError(CliRunner.Run("replay", "no/such.jsonl", "--pacts", "examples/pacts"), "no/such.jsonl");

    [Fact]
    public void A_directory_given_as_a_log_says_so()
    {
        var (exit, _, err) = CliRunner.Run("replay", "examples/events", "--pacts", "examples/pacts");
        Assert.Equal(2, exit);
        Assert.Contains("examples/events: it is a directory", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_errors_exit_2()
    {
        AssertOneClearError(CliRunner.Run("validate-call", "--pacts", "examples/pacts"), "--tool");
        AssertOneClearError(CliRunner.Run("validate", "examples/pacts", "--format", "xml"), "xml");
        AssertOneClearError(CliRunner.Run("frobnicate"), "frobnicate");
    }

    [Theory]
    [InlineData("ledger", "verify")]
    [InlineData("ledger", "export")]
    [InlineData("keys", "list")]
    [InlineData("keys", "revoke", "abc")]
    public void A_command_that_reads_a_ledger_refuses_a_directory_without_one(params string[] command)
    {
        // A mistyped --data used to create an empty ledger there, and `ledger verify` said "ok: 0 records".
        var dir = Path.Combine(Path.GetTempPath(), $"pacts-no-ledger-{Guid.NewGuid():N}");
        var (exit, stdout, stderr) = CliRunner.Run([.. command, "--data", dir]);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith($"pacts: error: no ledger in {dir} (no ledger.db there)", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Theory]
    [InlineData("pacts", "frobnicate")]
    [InlineData("pacts validate-call", "validate-call", "--pacts", "examples/pacts")]
    [InlineData("pacts keys", "keys", "frob")]
    [InlineData("pacts keys add", "keys", "add", "--data", "d")]
    [InlineData("pacts ledger verify", "ledger", "verify")]
    public void A_usage_error_names_the_whole_command_to_ask_for_help(string command, params string[] args)
    {
        var (_, _, err) = CliRunner.Run(args);
        Assert.Equal($"run `{command} --help` for usage", err.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
    }

    [Fact]
    public void Control_characters_from_a_log_never_reach_the_terminal()
    {
        var log = """
            {"type":"tool_call","sessionId":"s","agentId":"evil\u001b[2J\u001b[31m","tool":"get_balance","params":{"wallet":"x\u001b]0;pwned\u0007"},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z","pactId":"treasury-pact"}
            """;
        var (_, stdout, _) = CliRunner.RunWithStdin(log, "replay", "-", "--pacts", "examples/pacts");
        Assert.DoesNotContain('\u001b', stdout);
        Assert.DoesNotContain('\u0007', stdout);
        Assert.Contains("evil\\u001b[2J", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_cannot_write_markdown_into_the_markdown_report()
    {
        // Ids, param names and values from the log, each trying to close its code span or the table cell and
        // write an image, a link or HTML of its own (the report lands in job summaries and PR comments).
        var log = """
            {"type":"tool_call","sessionId":"s|x","agentId":"a`![i](https://e.example/t.png)`","tool":"transfer_funds","params":{"destination":"0xA11A000000000000000000000000000000000001","amount":1,"currency":"USDC","x` <img src=e> [l](https://e.example) `y":"``|``"},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z","pactId":"treasury-pact"}
            {"type":"tool_call","sessionId":"s2","agentId":"b","tool":"t`<b>`","params":{},"outcome":"success","attemptedAt":"2026-11-21T08:00:02Z","pactId":"p`*x*`"}
            """;
        var (_, stdout, _) = CliRunner.RunWithStdin(log, "replay", "-", "--pacts", "examples/pacts", "--format", "markdown");
        var lines = stdout.Split('\n');
        var invalid = lines.Single(l => l.Contains("additionalParams", StringComparison.Ordinal));
        Assert.Equal(
            """| `-:1` | `transfer_funds` | `s\|x` | major | `` ['x` <img src=e> [l](https://e.example) `y'] `` | additionalParams | ``` "``\|``" ``` | `x` \<img src=e\> \[l\]\(https://e\.example\) `y` is not a param of `transfer_funds` |""",
            invalid);

        // Each row keeps its eight cells: no `|` from the log splits one.
        Assert.Equal(9, invalid.Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|'));
        var agentRow = lines.First(l => l.StartsWith("| ``", StringComparison.Ordinal) && l.Contains("treasury-pact", StringComparison.Ordinal));
        Assert.StartsWith("| `` a`![i](https://e.example/t.png)` `` | `treasury-pact` |", agentRow, StringComparison.Ordinal);
        Assert.Contains("- `` p`*x*` ``: 1 call(s) not evaluated", lines);
    }

    [Fact]
    public void Control_characters_from_a_pact_never_reach_the_terminal()
    {
        // A pact from a pull request is untrusted in CI: its values are quoted in messages and its lines shown under
        // them, and neither may carry terminal escapes (here a colour, a title-setting OSC and a bell, written raw).
        var dir = Directory.CreateTempSubdirectory("pacts-esc-").FullName;
        try
        {
            var pact = Path.Combine(dir, "esc.pact.yaml");
            File.WriteAllText(pact, "pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n        allowList: [\"\u001b[31mx\u001b]0;pwned\u0007\", \"\u001b[31mx\u001b]0;pwned\u0007\"]\t# tab kept\n");
            var test = Path.Combine(dir, "esc.test.yaml");
            File.WriteAllText(test, "pact: p\ncases:\n  - name: \"evil\u001b[2J\"\n    tool: t\n    params: {a: \"\\e[31my\"}\n    expect: {valid: true}\n");
            var (_, stdout, _) = CliRunner.Run("validate", pact);
            Assert.DoesNotContain('\u001b', stdout);
            Assert.DoesNotContain('\u0007', stdout);
            Assert.Contains("`\\u001b[31mx\\u001b]0;pwned\\u0007` more than once", stdout, StringComparison.Ordinal);
            Assert.Contains("\t# tab kept", stdout, StringComparison.Ordinal);
            var (_, testOut, testErr) = CliRunner.Run("test", test, "--pacts", pact);
            Assert.DoesNotContain('\u001b', testOut + testErr);
            Assert.Contains("evil\\u001b[2J", testOut, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Malformed_lines_never_stop_a_replay_or_change_the_exit_code()
    {
        var log = string.Join("\n",
            "not json",
            """{"type":"session_start","sessionId":"s","agentId":"a","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}""",
            """{"type":"heartbeat"}""",
            """{"type":"tool_call","sessionId":"s","agentId":"a","tool":"get_balance","params":{"wallet":"0xA11A000000000000000000000000000000000001"},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""",
            """{"type":"tool_call","sessionId":"s","agentId":"a","tool":"get_balance","params":{},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z","pactId":"ghost-pact"}""");
        var (exit, stdout, _) = CliRunner.RunWithStdin(log, "replay", "-", "--pacts", "examples/pacts", "--format", "json");
        Assert.Equal(0, exit);
        using var report = System.Text.Json.JsonDocument.Parse(stdout);
        Assert.Equal(1, report.RootElement.GetProperty("malformed").GetInt32());
        Assert.Equal(1, report.RootElement.GetProperty("unknown").GetInt32());
        Assert.Equal(1, report.RootElement.GetProperty("toolCalls").GetProperty("unknownPact").GetInt32());
        Assert.Equal(1, report.RootElement.GetProperty("malformedLines")[0].GetProperty("line").GetInt32());
    }

    [Fact]
    public void Pacts_takes_one_path_and_leaves_the_words_after_it_to_the_command()
    {
        // `--pacts` used to take every word after it: the log became a pact path and replay said the log was missing.
        var replay = CliRunner.Run("replay", "--pacts", "examples/pacts", "examples/events/atlas.jsonl", "--format", "json");
        Assert.Equal(1, replay.Exit); // the demo log's deliberate critical violation
        Assert.Empty(replay.Err);
        using (var report = System.Text.Json.JsonDocument.Parse(replay.Out))
        {
            Assert.Equal(25, report.RootElement.GetProperty("toolCalls").GetProperty("evaluated").GetInt32());
        }

        var test = CliRunner.Run("test", "--pacts", "examples/pacts", "examples/pacts");
        Assert.Equal(0, test.Exit);
        Assert.Empty(test.Err);
    }

    [Fact]
    public void Pacts_repeats_to_give_several_paths()
    {
        var (exit, stdout, stderr) = CliRunner.Run("validate-call", "--pacts", "examples/pacts/treasury.pact.yaml", "--pacts", "examples/pacts/knowledge.pact.yaml",
            "--pact", "knowledge-pact", "--tool", "delete_page", "--params", """{"page_id":"1","space":"ENG"}""");
        Assert.Equal(0, exit);
        Assert.Empty(stderr);
        Assert.Contains("\"pactId\":\"knowledge-pact\"", stdout, StringComparison.Ordinal);
        AssertOneClearError(CliRunner.Run("validate-call", "--pacts", "examples/pacts/treasury.pact.yaml", "--pacts", "examples/pacts/knowledge.pact.yaml",
            "--tool", "delete_page", "--params", "{}"), "the pact set holds 2 pacts");
    }

    [Theory]
    [InlineData("did you mean `--format`?", "validate", "examples/pacts", "--formt", "json")]
    [InlineData("did you mean `--format`?", "replay", "examples/events/atlas.jsonl", "--pacts", "examples/pacts", "--formt", "json")]
    [InlineData("did you mean `--fail-on`?", "validate-call", "--pacts", "examples/pacts", "--tool", "t", "--params", "{}", "--fail-no", "none")]
    [InlineData("see `pacts schema --help`", "schema", "--pretty")]
    public void An_unknown_option_is_an_error_that_names_it_not_a_path(string hint, params string[] args)
    {
        // Where a command takes PATH..., the parser hands an unknown option to it as a path: `--formt: no such file`.
        var result = CliRunner.Run(args);
        var word = args.First(a => a is "--formt" or "--fail-no" or "--pretty");
        AssertOneClearError(result, $"unrecognized option `{word}` for `pacts {args[0]}`; {hint}");
        Assert.DoesNotContain("no such file", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Words_after_a_double_dash_are_paths_even_when_they_look_like_options() =>
        AssertOneClearError(CliRunner.Run("validate", "--", "--formt"), "--formt: no such file or directory");

    [Theory]
    [InlineData("unknown command `valdiate` for `pacts`; did you mean `validate`?", "valdiate", "examples/pacts")]
    [InlineData("unknown command `relpay` for `pacts`; did you mean `replay`?", "relpay")]
    [InlineData("unknown command `verfy` for `pacts ledger`; did you mean `verify`?", "ledger", "verfy")]
    [InlineData("unknown command `frobnicate` for `pacts`; commands: validate, validate-call, replay, diff, mcp, test, schema, serve, keys, ledger", "frobnicate")]
    public void A_mistyped_command_suggests_the_closest(string message, params string[] args)
    {
        var result = CliRunner.Run(args);
        AssertOneClearError(result, message);
        Assert.Equal(2, result.Err.TrimEnd('\n').Split('\n').Length); // the one error (not one per word after it), then usage
    }

    [Theory]
    [InlineData("pact: p\nbindings:\n  - tool: t\n - tool: u\n", "4:2", "while parsing a block mapping, did not find expected key", "line each key up under its siblings")]
    [InlineData("pact: p\nbindings:\n  - tool: t\n   conditions: []\n", "4:4", "did not find expected '-' indicator", "each starting with `- `")]
    [InlineData("pact: p\nbindings: [a, b\n", "3:1", "flow sequence", "a `[` list is not closed")]
    [InlineData("pact: p\nbindings: {a: b\n", "3:1", "flow mapping", "a `{` mapping is not closed")]
    [InlineData("pact: p\ndescription: a: b\n", "2:15", "found invalid mapping", "must be quoted")]
    [InlineData("pact: \"p\n", "1:7", "found unexpected end of stream", "the quote opened here is never closed")]
    [InlineData("pact: \"p \\q\"\n", "1:7", "unknown escape character", "write `\\\\` for a backslash")]
    [InlineData("pact: p\nbindings: &\n", "2:11", "anchor or alias", "quote a value that starts with them")]
    [InlineData("pact: @p\n", "1:7", "cannot start any token", "`@` and `` ` `` are reserved")]
    public void YAML_syntax_errors_give_the_position_and_a_help_line(string yaml, string at, string message, string help)
    {
        // YamlDotNet says what its parser was doing ("while parsing a block mapping..."), not what to change.
        var file = Path.Combine(Path.GetTempPath(), $"pacts-yaml-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);
        try
        {
            var (exit, stdout, _) = CliRunner.Run("validate", file);
            Assert.Equal(1, exit);
            var lines = stdout.Split('\n');
            var error = lines.Single(l => l.Contains(" error PACT001: invalid YAML: ", StringComparison.Ordinal));
            Assert.StartsWith($"{file}:{at}: error PACT001: invalid YAML: ", error, StringComparison.Ordinal);
            Assert.Contains(message, error, StringComparison.Ordinal);
            var helpLine = lines.First(l => l.StartsWith("  = help: ", StringComparison.Ordinal));
            Assert.Contains(help, helpLine, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
