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

    private static async Task<(int Exit, string[] Out, string Err)> Proxy(string dir, string[] lines, params string[] server)
    {
        var start = new ProcessStartInfo(Tool) { WorkingDirectory = dir, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "mcp", "--pacts", Path.Combine(CliRunner.RepoRoot, "tests", "Pacts.Cli.Tests", "mcp", "pay.pact.yaml"), "--events", "events.jsonl", "--" }.Concat(server))
        {
            start.ArgumentList.Add(a);
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

    private static string[] Server(string exitCode = "0") => ["python3", Path.Combine(CliRunner.RepoRoot, "tests", "Pacts.Cli.Tests", "mcp", "echo_server.py"), exitCode];

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

    [Fact]
    public async Task A_server_that_dies_ends_the_session_with_its_exit_code()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-").FullName;
        var (exit, _, err) = await Proxy(dir, ["""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}""", "exit"], Server("3"));
        Assert.Equal(3, exit);
        Assert.Contains("the server exited with code 3", err, StringComparison.Ordinal);
    }
}
