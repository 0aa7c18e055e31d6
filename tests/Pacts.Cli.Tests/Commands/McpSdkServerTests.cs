using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Pacts.Cli.Tests;

/// <summary>
/// `pacts mcp` (SPEC §12) between the official C# MCP client and a server built with the official C# SDK
/// (tests/Pacts.McpTestServer, ModelContextProtocol.Core 2.4.0), in both protocol eras: the stateless 2026-07-28
/// (no <c>initialize</c>: <c>server/discover</c>, the client named in every request's <c>_meta</c>) and the handshake
/// era (2025-06-18 and 2025-11-25). The server's own files show what reached it.
/// </summary>
public class McpSdkServerTests
{
    private static string Tool => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "pacts.exe" : "pacts");

    private static string Pact => Path.Combine(CliRunner.RepoRoot, "tests", "Pacts.Cli.Tests", "mcp", "sdk-pay.pact.yaml");

    /// <summary>The test server as built beside these tests (same configuration: bin/Debug or bin/Release).</summary>
    private static string Server
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            return Path.Combine(CliRunner.RepoRoot, "tests", "Pacts.McpTestServer", "bin", configuration, "net10.0", "Pacts.McpTestServer.dll");
        }
    }

    private static string Text(CallToolResult result) => Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;

    private static Dictionary<string, object?> Payment(string to, decimal amount) => new() { ["to"] = to, ["amount"] = amount };

    private static string[] Lines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];

    /// <summary>
    /// Progress the client receives for the whole session. The SDK's server reports progress without awaiting the
    /// send and its client handles notifications concurrently with responses, so a progress notification may reach
    /// the client after the call's result, when the handler <c>CallToolAsync(progress)</c> registered is gone: the
    /// session-wide handler sees every one, and <see cref="WaitFor"/> gives it time.
    /// </summary>
    private sealed class Recorded : IProgress<ProgressNotificationValue>
    {
        private readonly List<string> messages = [];

        public void Report(ProgressNotificationValue value) => Add(value.Message);

        public ValueTask Notified(JsonRpcNotification notification, CancellationToken cancellation)
        {
            if (notification.Params is { } body && body["message"] is { } message)
            {
                Add(message.GetValue<string>());
            }

            return ValueTask.CompletedTask;
        }

        public async Task<IReadOnlyList<string>> WaitFor(string message)
        {
            for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(20))
            {
                lock (messages)
                {
                    if (messages.Contains(message))
                    {
                        break;
                    }
                }
            }

            lock (messages)
            {
                return [.. messages];
            }
        }

        private void Add(string? message)
        {
            lock (messages)
            {
                messages.Add(message ?? "");
            }
        }
    }

    [Theory]
    [InlineData(null, "2026-07-28")] // what the SDK negotiates by itself: stateless, no initialize
    [InlineData("2025-11-25", "2025-11-25")]
    [InlineData("2025-06-18", "2025-06-18")]
    public async Task Only_what_the_pact_allows_reaches_the_server_and_the_events_replay_to_the_same_verdicts(string? asked, string negotiated)
    {
        var dir = Directory.CreateTempSubdirectory("pacts-mcp-sdk-").FullName;
        var events = Path.Combine(dir, "events.jsonl");
        var paid = Path.Combine(dir, "paid.jsonl");
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "pacts",
            Command = Tool,
            Arguments = ["mcp", "--pacts", Pact, "--events", events, "--", "dotnet", Server],
            WorkingDirectory = dir,
        });
        var progress = new Recorded();
        var options = new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "test-agent", Version = "1.0" },
            ProtocolVersion = asked,
            Handlers = new McpClientHandlers { NotificationHandlers = [new(NotificationMethods.ProgressNotification, progress.Notified)] },
        };

        await using (var client = await McpClient.CreateAsync(transport, options))
        {
            Assert.Equal(negotiated, client.NegotiatedProtocolVersion);

            var allowed = await client.CallToolAsync("pay", Payment("alice", 40), progress);
            Assert.NotEqual(true, allowed.IsError);
            Assert.Equal("paid 40 to alice", Text(allowed));
            Assert.Equal(["{\"to\":\"alice\",\"amount\":40}"], Lines(paid));
            Assert.Contains("paying", await progress.WaitFor("paying"));

            var refused = await client.CallToolAsync("pay", Payment("mallory", 4000));
            Assert.True(refused.IsError);
            Assert.Equal(
                "critical amount valueRange 4000: `amount` must be a number from 1 to 100\n"
                + "critical to allowList \"mallory\": `to` must be one of `alice`, `bob`\n"
                + "critical amount budget 4000: budget `daily`: `amount` adds up to more than 150 in 1d (budget daily, used 40)",
                Text(refused));

            var unbound = await client.CallToolAsync("refund", Payment("alice", 5));
            Assert.True(unbound.IsError);
            Assert.False(File.Exists(Path.Combine(dir, "refunded.jsonl")));

            // The budget (150 a day for this agent) counts what the server ran: 40 + 100 pass, 20 more would be 160.
            Assert.NotEqual(true, (await client.CallToolAsync("pay", Payment("bob", 100))).IsError);
            var over = await client.CallToolAsync("pay", Payment("bob", 20));
            Assert.True(over.IsError);
            Assert.Contains("(budget daily, used 140)", Text(over), StringComparison.Ordinal);
            Assert.Equal(2, Lines(paid).Length);
        }

        var written = File.ReadAllLines(events).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["session_start", "tool_call", "tool_call", "tool_call", "tool_call", "tool_call", "session_end"], written.Select(e => e.GetProperty("type").GetString()));
        Assert.All(written, e => Assert.Equal("test-agent", e.GetProperty("agentId").GetString()));
        Assert.Equal(["success", "denied", "denied", "success", "denied"], written.Where(e => e.GetProperty("type").GetString() == "tool_call").Select(e => e.GetProperty("outcome").GetString()));

        var (_, verdicts, _) = CliRunner.Run("replay", events, "--pacts", Pact, "--verdicts", "-", "--fail-on", "none");
        Assert.Equal([true, false, false, true, false], verdicts.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("valid").GetBoolean()));
    }
}
