using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

// An MCP server on stdio, written with the official C# SDK, whatever protocol version its client negotiates:
// `pay` appends the payment it made to paid.jsonl in the working directory and reports progress while it pays;
// `refund` appends to refunded.jsonl. What reaches the server is what these files hold.
var options = new McpServerOptions
{
    ServerInfo = new Implementation { Name = "pacts-test-pay", Version = "1.0" },
    ToolCollection =
    [
        McpServerTool.Create(Pay, new McpServerToolCreateOptions { Name = "pay" }),
        McpServerTool.Create(Refund, new McpServerToolCreateOptions { Name = "refund" }),
    ],
};

await using var server = McpServer.Create(new StdioServerTransport("pacts-test-pay"), options);
await server.RunAsync();

[Description("Pays an amount to someone.")]
static async Task<string> Pay(string to, decimal amount, IProgress<ProgressNotificationValue> progress)
{
    progress.Report(new ProgressNotificationValue { Progress = 0, Total = 1, Message = "paying" });
    await File.AppendAllTextAsync("paid.jsonl", JsonSerializer.Serialize(new { to, amount }) + "\n");
    progress.Report(new ProgressNotificationValue { Progress = 1, Total = 1, Message = "paid" });
    return $"paid {amount} to {to}";
}

[Description("Refunds an amount to someone.")]
static async Task<string> Refund(string to, decimal amount)
{
    await File.AppendAllTextAsync("refunded.jsonl", JsonSerializer.Serialize(new { to, amount }) + "\n");
    return $"refunded {amount} to {to}";
}
