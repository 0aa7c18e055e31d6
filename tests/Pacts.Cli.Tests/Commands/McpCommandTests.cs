using System.Diagnostics;
using System.Text.Json;

namespace Pacts.Cli.Tests;

/// <summary>
/// `pacts mcp` (SPEC §12) between a scripted client and a minimal stdio server (tests/Pacts.Cli.Tests/mcp/echo_server.py,
/// which records every call it runs): blocked calls never reach the server, budgets hold later calls until earlier
/// outcomes are known, and the events file replays to the verdicts the proxy acted on.
/// </summary>
public class McpCommandTests
{
    private static string Tool => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "pacts.exe" : "pacts");

    private static string PayPact => Path.Combine(CliRunner.RepoRoot, "tests", "Pacts.Cli.Tests", "mcp", "pay.pact.yaml");

    private static Task<(int Exit, string[] Out, string Err)> Proxy(string dir, string[] lines, params string[] server) =>
        ProxyWith(dir, ["--pacts", PayPact, "--events", "events.jsonl"], lines, server);

    private static async Task<(int Exit, string[] Out, string Err)> ProxyWith(string dir, string[] options, string[] lines, string[] server, Dictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo(Tool) { WorkingDirectory = dir, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "mcp" }.Concat(options).Append("--").Concat(server))
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? [])
        {
            start.Environment[k] = v;
        }

        using var proxy = Process.Start(start)!;
        var stdout = proxy.StandardOutput.ReadToEndAsync();
        var stderr = proxy.StandardError.ReadToEndAsync();
        foreach (var line in lines)
        {
            await proxy.StandardInput.WriteLineAsync(line);
        }

        proxy.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await proxy.WaitForExitAsync(timeout.Token);
        return (proxy.ExitCode, (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries), await stderr);
    }

    private static string[] Server(string exitCode = "0", string mode = "") => ["python3", Path.Combine(CliRunner.RepoRoot, "tests", "Pacts.Cli.Tests", "mcp", "echo_server.py"), exitCode, mode];

    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"clientInfo":{"name":"agent-a"}}}""";

    private static string Pay(int id, int amount) => $$"""{"jsonrpc":"2.0","id":{{id}},"method":"tools/call","params":{"name":"pay","arguments":{"amount":{{amount}}""" + "}}}";

    private static List<JsonElement> Events(string dir) =>
        [.. File.ReadAllLines(Path.Combine(dir, "events.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)];

    [Fact]
    public async Task Blocked_calls_never_reach_the_server_and_the_events_replay_to_the_same_verdicts()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-").FullName;
        var (exit, output, _) = await Proxy(dir,
        [
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"clientInfo":{"name":"agent-a"}}}""",
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"pay","arguments":{"amount":90}}}""",
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"pay","arguments":{"amount":500}}}""",
            """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"pay","arguments":{"amount":1,"amount":2}}}""",
            """[{"jsonrpc":"2.0","id":5,"method":"ping"}]""",
            """{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"arguments":{}}}""",
            """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"pay","arguments":{"amount":40}}}""",
        ], Server());
        Assert.Equal(0, exit);
        // The server ran the two calls within the pact, and only those.
        Assert.Equal(["""{"name": "pay", "arguments": {"amount": 90}}""", """{"name": "pay", "arguments": {"amount": 40}}"""], File.ReadAllLines(Path.Combine(dir, "ran.txt")));
        var answers = output.Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(e => e.ValueKind == JsonValueKind.Array ? e[0].GetProperty("id").GetInt32() : e.GetProperty("id").GetInt32());
        var blocked = answers[3].GetProperty("result");
        Assert.True(blocked.GetProperty("isError").GetBoolean());
        Assert.StartsWith("critical amount maxAmount 500: ", blocked.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("maxAmount", blocked.GetProperty("_meta").GetProperty("dev.pacts/verdict").GetProperty("violations")[0].GetProperty("rule").GetString());
        Assert.Equal("duplicateKey", answers[4].GetProperty("result").GetProperty("_meta").GetProperty("dev.pacts/verdict").GetProperty("violations")[0].GetProperty("rule").GetString());
        Assert.Equal(-32600, answers[5][0].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(-32602, answers[6].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Object, answers[7].GetProperty("result").ValueKind);

        var events = File.ReadAllLines(Path.Combine(dir, "events.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["session_start", "tool_call", "tool_call", "tool_call", "tool_call", "session_end"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(["success", "denied", "denied", "success"], events.Where(e => e.GetProperty("type").GetString() == "tool_call").Select(e => e.GetProperty("outcome").GetString()));
        Assert.All(events, e => Assert.Equal("agent-a", e.GetProperty("agentId").GetString()));
        // Replayed, the log gives the verdict the proxy blocked on for the pact's own rules.
        var (_, verdicts, _) = CliRunner.Run("replay", Path.Combine(dir, "events.jsonl"), "--pacts", Path.Combine(CliRunner.RepoRoot, "tests", "Pacts.Cli.Tests", "mcp", "pay.pact.yaml"), "--verdicts", "-", "--fail-on", "none");
        var replayed = verdicts.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, replayed.Count);
        Assert.True(replayed[0].GetProperty("valid").GetBoolean());
        Assert.Contains(replayed[1].GetProperty("violations").EnumerateArray(), v => v.GetProperty("rule").GetString() == "maxAmount");
        Assert.True(replayed[3].GetProperty("valid").GetBoolean()); // 90 + 40 within the daily 150: the denied calls were not charged
    }

    // echo_server.py reads as Python MCP servers do (universal newlines end a line at a lone \r, json.loads takes NaN):
    // before, each of these lines ran a call the proxy had not judged (500 over the pact's 100, NaN past every rule).
    [Fact]
    public async Task Lines_a_lenient_server_would_read_as_unjudged_calls_never_reach_it()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-").FullName;
        var (exit, output, err) = await Proxy(dir,
        [
            Initialize,
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"pay","arguments":{"amount":NaN}}}""",
            """{"jsonrpc":"2.0","id":3,"method":"ping"}""" + "\r" + Pay(4, 500),
            """{"jsonrpc":"2.0","id":5,"method":"ping","params":{"x":""" + "\r" + Pay(6, 500) + "\r}}",
            """{"jsonrpc":"2.0","id":7,"Method":"tools/call","params":{"name":"pay","arguments":{"amount":500}}}""",
            Pay(8, 40),
        ], Server());
        Assert.Equal(0, exit);
        Assert.Equal(["""{"name": "pay", "arguments": {"amount": 40}}"""], File.ReadAllLines(Path.Combine(dir, "ran.txt")));
        var answers = output.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, answers.Count(a => a.GetProperty("id").ValueKind == JsonValueKind.Null && a.GetProperty("error").GetProperty("code").GetInt32() == -32700));
        Assert.Equal(-32600, answers.Single(a => a.GetProperty("id").ValueKind == JsonValueKind.Number && a.GetProperty("id").GetInt32() == 5).GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(-32600, answers.Single(a => a.GetProperty("id").ValueKind == JsonValueKind.Number && a.GetProperty("id").GetInt32() == 7).GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("pacts mcp: refused a line that is not strict JSON (answered -32700): ", err, StringComparison.Ordinal);
        Assert.Equal(["success"], Events(dir).Where(e => e.GetProperty("type").GetString() == "tool_call").Select(e => e.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task A_call_whose_arguments_are_not_an_object_is_an_event_replay_reads()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-").FullName;
        var (exit, _, _) = await Proxy(dir, [Initialize, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"pay","arguments":[500]}}"""], Server());
        Assert.Equal(0, exit);
        var call = Events(dir).Single(e => e.GetProperty("type").GetString() == "tool_call");
        Assert.Equal("{}", call.GetProperty("params").GetRawText());
        Assert.Equal("[500]", call.GetProperty("metadata").GetProperty("arguments").GetRawText());
        Assert.Equal(("denied", "`arguments` must be an object"), (call.GetProperty("outcome").GetString(), call.GetProperty("errorMessage").GetString()));
        var (_, report, _) = CliRunner.Run("replay", Path.Combine(dir, "events.jsonl"), "--pacts", PayPact, "--format", "json", "--fail-on", "none");
        Assert.Equal(0, JsonDocument.Parse(report).RootElement.GetProperty("malformedLines").GetArrayLength());
    }

    private static string Stateless(string json) => json.Replace("\"params\":{", "\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientInfo\":{\"name\":\"agent-s\",\"version\":\"1\"}},", StringComparison.Ordinal);

    // MCP 2026-07-28 has no initialize: a client may send server/discover first, or nothing, and names itself in every
    // request's _meta. The session still starts before the first call, with that name as the agent.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_stateless_client_gets_a_session_named_from_its_requests(bool discovers)
    {
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-").FullName;
        string[] calls = [Stateless(Pay(2, 90)), Stateless(Pay(3, 500)), Stateless(Pay(4, 40))];
        var (exit, _, _) = await Proxy(dir, discovers ? [Stateless("""{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}"""), .. calls] : calls, Server());
        Assert.Equal(0, exit);
        var events = Events(dir);
        Assert.Equal(["session_start", "tool_call", "tool_call", "tool_call", "session_end"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.All(events, e => Assert.Equal("agent-s", e.GetProperty("agentId").GetString()));
        Assert.Equal(["success", "denied", "success"], events.Skip(1).Take(3).Select(e => e.GetProperty("outcome").GetString()));
        var (_, verdicts, _) = CliRunner.Run("replay", Path.Combine(dir, "events.jsonl"), "--pacts", PayPact, "--verdicts", "-", "--fail-on", "none");
        Assert.Equal([true, false, true], verdicts.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("valid").GetBoolean()));
    }

    // A client that probes with server/discover and falls back to initialize when the server refuses it: the session
    // starts when initialize passes, with the calls sent meanwhile held in order.
    [Fact]
    public async Task A_refused_discover_then_initialize_starts_the_session_at_initialize()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-").FullName;
        var (exit, output, _) = await Proxy(dir,
        [
            """{"jsonrpc":"2.0","id":"d","method":"server/discover","params":{}}""",
            Initialize,
            Pay(2, 90),
        ], Server(mode: "legacy"));
        Assert.Equal(0, exit);
        Assert.Contains(output, l => l.Contains("-32601", StringComparison.Ordinal));
        var events = Events(dir);
        Assert.Equal(["session_start", "tool_call", "session_end"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.All(events, e => Assert.Equal("agent-a", e.GetProperty("agentId").GetString()));
    }

    [Fact]
    public async Task A_server_that_dies_ends_the_session_with_its_exit_code()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-").FullName;
        var (exit, _, err) = await Proxy(dir, ["""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}""", """{"jsonrpc":"2.0","method":"test/exit"}"""], Server("3"));
        Assert.Equal(3, exit);
        Assert.Contains("the server exited with code 3", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_crashes_mid_call_ends_the_session_with_the_call_unanswered()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-").FullName;
        var (exit, output, err) = await Proxy(dir, [Initialize, Pay(2, 10)], Server("5", "crash-on-call"));
        Assert.Equal(5, exit);
        Assert.Contains("pacts mcp: the server exited with code 5", err, StringComparison.Ordinal);
        Assert.Single(output); // the initialize answer; the call got none
        var events = Events(dir);
        Assert.Equal(["session_start", "tool_call", "session_end"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(("error", "no response"), (events[1].GetProperty("outcome").GetString(), events[1].GetProperty("errorMessage").GetString()));
        Assert.Equal("failure", events[2].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_server_that_exits_before_the_session_starts_gives_its_code_and_no_session()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-").FullName;
        var (exit, output, err) = await Proxy(dir, [Initialize], Server("7", "early"));
        Assert.Equal(7, exit);
        Assert.Empty(output);
        Assert.Contains("the server exited with code 7", err, StringComparison.Ordinal);
        Assert.Equal("", File.ReadAllText(Path.Combine(dir, "events.jsonl")));

        var (missing, _, notStarted) = await Proxy(dir, [Initialize], "/nonexistent/mcp-server");
        Assert.Equal(2, missing);
        Assert.Contains("cannot start the MCP server `/nonexistent/mcp-server`", notStarted, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lines_that_are_not_json_are_kept_from_the_client_and_malformed_client_json_is_answered_by_the_proxy()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-").FullName;
        var (exit, output, err) = await Proxy(dir, [Initialize, "{not json", Pay(2, 10)], Server("0", "noise"));
        Assert.Equal(0, exit);
        var answers = output.Select(l => JsonDocument.Parse(l).RootElement).ToList(); // every line the client got is JSON
        Assert.Equal(3, answers.Count); // the server never saw the broken line: it would have answered it too
        Assert.Equal(-32700, answers.Single(a => a.GetProperty("id").ValueKind == JsonValueKind.Null).GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("ok", answers[2].GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Contains("pacts mcp: the server wrote a line that is not JSON to stdout (not forwarded): server log: starting work", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_answer_ends_the_session_without_reaching_the_client()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-").FullName;
        var (exit, output, err) = await Proxy(dir, [Initialize, Pay(2, 10)], Server("0", "huge"));
        Assert.NotEqual(0, exit);
        Assert.Single(output);
        Assert.Contains($"pacts mcp: the server wrote a message over {64 * 1024 * 1024} bytes; ending the session", err, StringComparison.Ordinal);
        Assert.Equal(("error", "no response"), (Events(dir)[1].GetProperty("outcome").GetString(), Events(dir)[1].GetProperty("errorMessage").GetString()));
    }

    [Fact]
    public async Task A_server_that_hangs_is_stopped_once_the_client_has_gone()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-").FullName;
        var clock = Stopwatch.StartNew();
        var (exit, _, err) = await ProxyWith(dir, ["--pacts", PayPact, "--events", "events.jsonl", "--grace", "1"], [Initialize, Pay(2, 10)], Server("0", "hang"));
        Assert.NotEqual(0, exit);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Contains("pacts mcp: calls were still unanswered 1 s after the client closed its input", err, StringComparison.Ordinal);
        Assert.Contains("pacts mcp: the server did not exit within 1 s of its input closing; stopping it", err, StringComparison.Ordinal);
        Assert.Equal("no response", Events(dir)[1].GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Ingest_sends_the_session_to_pacts_serve_and_a_dead_service_never_blocks_the_proxy()
    {
        var data = Directory.CreateTempSubdirectory("pacts-mcp-serve-").FullName;
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-").FullName;
        var key = CliRunner.Run("keys", "add", "--data", data, "--description", "mcp").Out.Trim();
        var port = ServeEndToEndTests.FreePort();
        using var serve = ServeEndToEndTests.Start(data, port);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await ServeEndToEndTests.WaitHealthy(http);
            string Transfer(int id, string destination) => $$"""{"jsonrpc":"2.0","id":{{id}},"method":"tools/call","params":{"name":"transfer_funds","arguments":{"destination":"{{destination}}","amount":10,"currency":"USDC""" + "\"}}}";
            var options = new[] { "--pacts", Path.Combine(CliRunner.RepoRoot, "examples", "pacts"), "--pact", "treasury-pact", "--ingest", $"http://127.0.0.1:{port}" };
            var (exit, output, err) = await ProxyWith(dir, options,
                [Initialize, Transfer(2, "0xA11A000000000000000000000000000000000001"), Transfer(3, "0xEVIL")], Server(), new() { ["PACTS_KEY"] = key });
            Assert.True(exit == 0, err);
            Assert.Equal(3, output.Length);
            Assert.DoesNotContain("not delivered", err, StringComparison.Ordinal);

            var export = Path.Combine(dir, "export.jsonl");
            Assert.Equal(0, CliRunner.Run("ledger", "export", "--data", data, "--out", export).Exit);
            var events = File.ReadAllLines(export).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(["session_start", "tool_call", "tool_call", "session_end"], events.Select(e => e.GetProperty("type").GetString()));
            Assert.Equal(["success", "denied"], events.Where(e => e.GetProperty("type").GetString() == "tool_call").Select(e => e.GetProperty("outcome").GetString()));
            Assert.All(events, e => Assert.Equal("agent-a", e.GetProperty("agentId").GetString()));
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
        }

        // Nobody listens any more: the calls are answered as before, and the proxy says what it could not deliver.
        var clock = Stopwatch.StartNew();
        var (deadExit, deadOut, deadErr) = await ProxyWith(dir, ["--pacts", PayPact, "--ingest", $"http://127.0.0.1:{port}", "--key", "pk_x", "--grace", "1"], [Initialize, Pay(2, 10)], Server());
        Assert.Equal(0, deadExit);
        Assert.Equal(2, deadOut.Length);
        Assert.Contains("event(s) not delivered to", deadErr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(new[] { "--events", "e.jsonl", "--ingest", "http://127.0.0.1:1" }, "give --events FILE or --ingest URL, not both")]
    [InlineData(new[] { "--ingest", "ftp://x" }, "is not an http(s) URL")]
    [InlineData(new[] { "--key", "pk_x" }, "--key is the key for --ingest URL")]
    [InlineData(new[] { "--grace", "0" }, "--grace must be at least 1 second")]
    public void Bad_options_are_one_clear_error(string[] options, string expected)
    {
        var (exit, _, err) = CliRunner.Run(["mcp", "--pacts", PayPact, .. options, "--", "python3", "-c", "pass"]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, err, StringComparison.Ordinal);
    }
}
