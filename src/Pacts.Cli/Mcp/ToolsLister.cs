using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pacts.Cli.Mcp;

/// <summary>
/// <c>pacts mcp tools -- COMMAND</c>: starts an MCP server (stdio), initializes a session, asks for <c>tools/list</c>
/// (following <c>nextCursor</c> pages) and returns <c>{"tools": [...]}</c>, the file <c>pacts validate --tools</c> reads.
/// A request the server sends meanwhile (<c>roots/list</c>, say) is answered "method not found"; notifications are read
/// and dropped.
/// </summary>
internal static class ToolsLister
{
    /// <summary>The tools/list result as indented JSON, or null with the reason (the server could not start, died, did not answer in time, or wrote what does not decode).</summary>
    public static async Task<(string? Tools, string? Error)> ListAsync(string command, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        if (ServerProcess.Start(command, arguments, out var startError) is not { } server)
        {
            return (null, startError);
        }

        using (server)
        using (var cts = new CancellationTokenSource(timeout))
        {
            var input = server.StandardInput.BaseStream;
            var reader = new LineReader(server.StandardOutput.BaseStream, McpProxy.MaxMessage);
            try
            {
                Send(input, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"pacts","version":"1"}}}""");
                var init = await AnswerAsync(reader, input, 1, cts.Token).ConfigureAwait(false);
                if (init is null || init.Error is not null)
                {
                    return (null, "the server did not initialize" + (init?.Error is { } e ? $": {e}" : " (its output ended)"));
                }

                Send(input, """{"jsonrpc":"2.0","method":"notifications/initialized"}""");
                var tools = new JsonArray();
                string? cursor = null;
                for (var id = 2; ; id++)
                {
                    var request = cursor is null
                        ? $$"""{"jsonrpc":"2.0","id":{{id}},"method":"tools/list"}"""
                        : $$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"tools/list","params":{"cursor":{{{JsonSerializer.Serialize(cursor)}}}}}""";
                    Send(input, request);
                    if (await AnswerAsync(reader, input, id, cts.Token).ConfigureAwait(false) is not { } page)
                    {
                        return (null, "the server ended before answering tools/list");
                    }

                    if (page.Error is { } error || page.Result?["tools"] is not JsonArray list)
                    {
                        return (null, $"tools/list failed: {page.Error ?? "the result holds no `tools` array"}");
                    }

                    foreach (var tool in list.ToList())
                    {
                        list.Remove(tool);
                        tools.Add(tool);
                    }

                    cursor = page.Result["nextCursor"]?.GetValueKind() == JsonValueKind.String ? page.Result["nextCursor"]!.GetValue<string>() : null;
                    if (cursor is null || id > 10_000)
                    {
                        break;
                    }
                }

                // Written here, where what does not decode is still the server's answer and not an exception on the way out.
                return (new JsonObject { ["tools"] = tools }.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), null);
            }
            catch (OperationCanceledException)
            {
                return (null, $"the server did not answer within {timeout.TotalSeconds:0} s");
            }
            catch (InvalidOperationException)
            {
                // System.Text.Json will not make a string of a name or value escaping half a UTF-16 surrogate pair
                return (null, "the server wrote a message holding text that does not decode (an escape of half a surrogate pair, `\\ud800`)");
            }
            catch (IOException ex)
            {
                return (null, $"the server's pipes closed: {ex.Message}");
            }
            finally
            {
                try
                {
                    input.Dispose();
                    if (!server.WaitForExit(TimeSpan.FromSeconds(5)))
                    {
                        server.Kill(entireProcessTree: true);
                    }
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException)
                {
                    // it is gone already
                }
            }
        }
    }

    private sealed record Answer(JsonNode? Result, string? Error);

    private static void Send(Stream input, string line) => ServerProcess.WriteLine(input, Encoding.UTF8.GetBytes(line));

    /// <summary>Reads until the response to <paramref name="id"/>; null when the server's output ends first.</summary>
    private static async Task<Answer?> AnswerAsync(LineReader reader, Stream input, int id, CancellationToken token)
    {
        while (await reader.ReadLineAsync(token).ConfigureAwait(false) is { } line)
        {
            JsonNode? message;
            try
            {
                message = JsonNode.Parse(line.Span);
            }
            catch (JsonException)
            {
                continue; // a stray log line on stdout: not ours to judge here
            }

            if (message is not JsonObject o)
            {
                continue;
            }

            if (o["method"] is not null && o["id"] is { } requestId)
            {
                Send(input, $$$"""{"jsonrpc":"2.0","id":{{{requestId.ToJsonString()}}},"error":{"code":-32601,"message":"pacts mcp tools answers no requests"}}""");
                continue;
            }

            if (o["id"] is JsonValue v && v.TryGetValue<int>(out var got) && got == id)
            {
                return o["error"] is { } error
                    ? new Answer(null, error["message"]?.ToString() ?? error.ToJsonString())
                    : new Answer(o["result"], null);
            }
        }

        return null;
    }
}
