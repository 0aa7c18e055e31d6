using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Pacts.Cli.Tests;

/// <summary>
/// `pacts mcp` (SPEC §12) between the official C# MCP client (ModelContextProtocol 2.4.0) and real servers from npm
/// (tests/Pacts.Cli.Tests/mcp/servers, pinned): the server's own effects (a file written or not, a sampling request
/// sent back to the client or not) show that blocked calls never reach it and that everything else passes unchanged.
/// </summary>
public class McpRealServerTests
{
    private static string Tool => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "pacts.exe" : "pacts");

    private static string TestFile(string name) => Path.Combine(CliRunner.RepoRoot, "tests", "Pacts.Cli.Tests", "mcp", name);

    private static Task<McpClient> Through(string dir, string pact, McpClientOptions? options, params string[] server)
    {
        string[] args = ["mcp", "--pacts", pact, "--events", Path.Combine(dir, "events.jsonl"), "--", .. server];
        var transport = new StdioClientTransport(new StdioClientTransportOptions { Name = "pacts", Command = Tool, Arguments = args, WorkingDirectory = dir });
        options ??= new McpClientOptions();
        options.ClientInfo ??= new Implementation { Name = "test-agent", Version = "1.0" };
        return McpClient.CreateAsync(transport, options);
    }

    private static string Text(CallToolResult result) => Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;

    private static JsonNode Verdict(CallToolResult result) => Assert.IsType<JsonObject>(result.Meta)["dev.pacts/verdict"]!;

    private static List<JsonElement> Events(string dir) =>
        [.. File.ReadAllLines(Path.Combine(dir, "events.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)];

    private static List<JsonElement> Replayed(string dir, string pact)
    {
        var (_, verdicts, _) = CliRunner.Run("replay", Path.Combine(dir, "events.jsonl"), "--pacts", pact, "--verdicts", "-", "--fail-on", "none");
        return [.. verdicts.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
    }

    [Fact]
    public async Task The_filesystem_server_never_sees_a_blocked_call()
    {
        var server = await NpmServers.BinAsync("mcp-server-filesystem");
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-").FullName;
        var root = Path.Combine(dir, "root");
        Directory.CreateDirectory(Path.Combine(root, "notes"));
        var pact = Path.Combine(CliRunner.RepoRoot, "examples", "mcp", "filesystem.pact.yaml");
        var note = Path.Combine(root, "notes", "plan.md");
        var script = Path.Combine(root, "run.sh");

        await using (var client = await Through(dir, pact, null, server, root))
        {
            var written = await client.CallToolAsync("write_file", new Dictionary<string, object?> { ["path"] = note, ["content"] = "# plan\n" });
            Assert.NotEqual(true, written.IsError);
            Assert.Equal("# plan\n", File.ReadAllText(note));

            var refused = await client.CallToolAsync("write_file", new Dictionary<string, object?> { ["path"] = script, ["content"] = "rm -rf ~" });
            Assert.True(refused.IsError);
            Assert.StartsWith($"critical path regex \"{script}\": notes only", Text(refused), StringComparison.Ordinal);
            Assert.Equal("regex", Verdict(refused)["violations"]![0]!["rule"]!.GetValue<string>());
            Assert.False(File.Exists(script));

            var traversal = await client.CallToolAsync("write_file", new Dictionary<string, object?> { ["path"] = Path.Combine(root, "notes", "..", "escape.md"), ["content"] = "x" });
            Assert.True(traversal.IsError);
            Assert.False(File.Exists(Path.Combine(root, "escape.md")));

            var moved = await client.CallToolAsync("move_file", new Dictionary<string, object?> { ["source"] = note, ["destination"] = Path.Combine(root, "plan.md") });
            Assert.True(moved.IsError);
            Assert.Equal("unboundTool", Verdict(moved)["violations"]![0]!["rule"]!.GetValue<string>());
            Assert.True(File.Exists(note));

            var read = await client.CallToolAsync("read_text_file", new Dictionary<string, object?> { ["path"] = note });
            Assert.NotEqual(true, read.IsError);
            Assert.Contains("# plan", Text(read), StringComparison.Ordinal);
        }

        var events = Events(dir);
        Assert.Equal(["session_start", "tool_call", "tool_call", "tool_call", "tool_call", "tool_call", "session_end"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(["success", "denied", "denied", "denied", "success"], events.Where(e => e.GetProperty("type").GetString() == "tool_call").Select(e => e.GetProperty("outcome").GetString()));
        Assert.Equal("success", events[^1].GetProperty("outcome").GetString());
        Assert.All(events, e => Assert.Equal("test-agent", e.GetProperty("agentId").GetString()));
        var replayed = Replayed(dir, pact);
        Assert.Equal([true, false, false, false, true], replayed.Select(v => v.GetProperty("valid").GetBoolean()));
    }

    [Fact]
    public async Task The_everything_server_answers_through_the_proxy_as_it_answers_directly_and_budgets_hold()
    {
        var server = await NpmServers.BinAsync("mcp-server-everything");
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-").FullName;
        var pact = TestFile("everything.pact.yaml");
        var samplingRequests = new List<string>();
        // Sampling is deprecated from MCP 2026-07-28, but servers in use (this one included) still send it: the
        // proxy must pass a server-to-client request whatever its method.
#pragma warning disable MCP9005
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                SamplingHandler = (request, _, _) =>
                {
                    samplingRequests.Add(JsonSerializer.Serialize(request!.Messages[0].Content));
                    return ValueTask.FromResult(new CreateMessageResult { Model = "test-model", Role = Role.Assistant, Content = [new TextContentBlock { Text = "sampled" }] });
                },
            },
        };
#pragma warning restore MCP9005

        // What the server lists directly, and through the proxy: the same tools with the same schemas.
        string direct;
        await using (var client = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions { Name = "direct", Command = server, Arguments = ["stdio"], WorkingDirectory = dir }), options))
        {
            direct = JsonSerializer.Serialize((await client.ListToolsAsync()).Select(t => t.ProtocolTool));
        }

        await using (var client = await Through(dir, pact, options, server, "stdio"))
        {
            Assert.Equal(direct, JsonSerializer.Serialize((await client.ListToolsAsync()).Select(t => t.ProtocolTool)));

            // A server-to-client request (sampling) passes both ways for a call within the pact, and not for one outside it.
            var sampled = await client.CallToolAsync("trigger-sampling-request", new Dictionary<string, object?> { ["prompt"] = "say hi", ["maxTokens"] = 5 });
            Assert.NotEqual(true, sampled.IsError);
            Assert.Contains("sampled", Text(sampled), StringComparison.Ordinal);
            var refused = await client.CallToolAsync("trigger-sampling-request", new Dictionary<string, object?> { ["prompt"] = new string('x', 41) });
            Assert.True(refused.IsError);
            Assert.Single(samplingRequests);
            Assert.Contains("say hi", samplingRequests[0], StringComparison.Ordinal);

            // The budget (a ≤ 10 per session) across calls the server runs: 4 + 5 pass, 3 more would make 12.
            Assert.Contains("9", Text(await client.CallToolAsync("get-sum", new Dictionary<string, object?> { ["a"] = 4, ["b"] = 5 })), StringComparison.Ordinal);
            Assert.NotEqual(true, (await client.CallToolAsync("get-sum", new Dictionary<string, object?> { ["a"] = 5, ["b"] = 0 })).IsError);
            var over = await client.CallToolAsync("get-sum", new Dictionary<string, object?> { ["a"] = 3, ["b"] = 0 });
            Assert.True(over.IsError);
            Assert.Contains("critical a budget 3: budget `sum-of-a`: `a` adds up to more than 10 in 1h (budget sum-of-a, used 9)", Text(over), StringComparison.Ordinal);
            // A rule outside the budget: `a` out of range is refused even though the budget has room left.
            Assert.True((await client.CallToolAsync("get-sum", new Dictionary<string, object?> { ["a"] = -1, ["b"] = 0 })).IsError);
        }

        var calls = Events(dir).Where(e => e.GetProperty("type").GetString() == "tool_call").ToList();
        Assert.Equal(["success", "denied", "success", "success", "denied", "denied"], calls.Select(e => e.GetProperty("outcome").GetString()));
        Assert.Equal([true, false, true, true, false, false], Replayed(dir, pact).Select(v => v.GetProperty("valid").GetBoolean()));
    }
}
