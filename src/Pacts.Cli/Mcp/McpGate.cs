using System.Buffers;
using System.Text;
using System.Text.Json;
using Pacts.Evaluating;

namespace Pacts.Cli.Mcp;

/// <summary>What the proxy does with one message from the client (SPEC §12).</summary>
internal enum ClientAction
{
    /// <summary>Forward it unchanged.</summary>
    Forward,

    /// <summary>A <c>tools/call</c> request to judge (<see cref="ClientMessage.Call"/>).</summary>
    ToolCall,

    /// <summary>Answer it (<see cref="ClientMessage.Answer"/>) and do not forward it.</summary>
    Answer,

    /// <summary>A <c>tools/call</c> notification: never forwarded (a server might run it), never answerable.</summary>
    Drop,
}

/// <summary>A <c>tools/call</c> request: its id as raw JSON, tool, arguments as raw JSON (an object), and what blocks it before the pact is asked.</summary>
internal sealed record McpToolCall(string IdJson, string Tool, byte[] Arguments, Violation? Malformed, bool AsksForTask);

/// <summary>One client message, read.</summary>
/// <remarks>
/// <see cref="HandshakeIdJson"/> is the id of an <c>initialize</c> (MCP up to 2025-11-25) or a <c>server/discover</c>
/// (2026-07-28, stateless: no initialize, every request names its client in
/// <c>_meta["io.modelcontextprotocol/clientInfo"]</c>); <see cref="ClientName"/> is the client's name from either.
/// </remarks>
internal sealed record ClientMessage(ClientAction Action, McpToolCall? Call = null, byte[]? Answer = null, string? HandshakeIdJson = null, string? ClientName = null, string? CancelledIdJson = null);

/// <summary>One server response, read: its id (raw JSON) and whether it reports an error.</summary>
internal readonly record struct ServerResponse(string IdJson, bool IsError, string? ErrorMessage, bool HasResult);

/// <summary>One line from the server: a response, another message (<see cref="Response"/> null), or not JSON at all.</summary>
internal readonly record struct ServerMessage(ServerResponse? Response, bool NotJson);

/// <summary>
/// SPEC §12's reading of JSON-RPC messages for <c>pacts mcp</c>: which client messages are <c>tools/call</c> requests
/// (and what blocks them before the pact does: arguments that are not an object or hold a duplicate key), which are
/// batches holding requests (answered -32600), which responses answer which request; and the result a blocked call
/// gets. The verdict itself is the engine's (<see cref="Pact.Validate(string, ReadOnlyMemory{byte})"/> and the
/// <see cref="Budgets.BudgetBook"/>), the same code as every other way in.
/// </summary>
internal static class McpGate
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 256 };

    public static ClientMessage ReadClient(ReadOnlyMemory<byte> line)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line, Options);
        }
        catch (JsonException)
        {
            return new(ClientAction.Forward); // the server answers its own parse errors (JSON-RPC -32700)
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                var requests = root.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("method", out _) && e.TryGetProperty("id", out _)).ToList();
                return requests.Count == 0
                    ? new(ClientAction.Forward)
                    : new(ClientAction.Answer, Answer: BatchRefusal(requests.Select(r => r.GetProperty("id").GetRawText())));
            }

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String)
            {
                return new(ClientAction.Forward);
            }

            var hasId = root.TryGetProperty("id", out var id);
            var idJson = hasId ? id.GetRawText() : null;
            var p = root.TryGetProperty("params", out var ps) ? ps : default;
            var name = ClientNameOf(p);
            switch (method.GetString())
            {
                case "initialize" or "server/discover" when hasId:
                    return new(ClientAction.Forward, HandshakeIdJson: idJson, ClientName: name);
                case "notifications/cancelled":
                    return new(ClientAction.Forward, CancelledIdJson: p.ValueKind == JsonValueKind.Object && p.TryGetProperty("requestId", out var rid) ? rid.GetRawText() : null);
                case "tools/call" when !hasId:
                    return new(ClientAction.Drop);
                case "tools/call":
                    if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty("name", out var tool) || tool.ValueKind != JsonValueKind.String)
                    {
                        return new(ClientAction.Answer, Answer: Error(idJson!, -32602, "tools/call needs params.name, a string"));
                    }

                    var asksForTask = p.TryGetProperty("task", out var task) && task.ValueKind != JsonValueKind.Null;
                    if (!p.TryGetProperty("arguments", out var arguments))
                    {
                        return new(ClientAction.ToolCall, new McpToolCall(idJson!, tool.GetString()!, "{}"u8.ToArray(), null, asksForTask), ClientName: name);
                    }

                    var raw = Encoding.UTF8.GetBytes(arguments.GetRawText());
                    var malformed = arguments.ValueKind != JsonValueKind.Object
                        ? new Violation("", "type", Severity.Critical, arguments.GetRawText(), "`arguments` must be an object")
                        : DuplicateKey(raw);
                    return new(ClientAction.ToolCall, new McpToolCall(idJson!, tool.GetString()!, raw, malformed, asksForTask), ClientName: name);
                default:
                    return new(ClientAction.Forward, ClientName: name);
            }
        }
    }

    /// <summary>
    /// The client's name in a request's params: <c>clientInfo.name</c> (an <c>initialize</c>) or
    /// <c>_meta["io.modelcontextprotocol/clientInfo"].name</c> (any request from MCP 2026-07-28 on); null when neither.
    /// </summary>
    private static string? ClientNameOf(JsonElement p)
    {
        if (p.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var info = p.TryGetProperty("clientInfo", out var i) ? i
            : p.TryGetProperty("_meta", out var meta) && meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("io.modelcontextprotocol/clientInfo", out var m) ? m
            : default;
        return info.ValueKind == JsonValueKind.Object && info.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
    }

    /// <summary>
    /// A line from the server: a response (an object with an <c>id</c> and a <c>result</c> or an <c>error</c>, no
    /// <c>method</c>), any other JSON, or not JSON.
    /// </summary>
    public static ServerMessage ReadServer(ReadOnlyMemory<byte> line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line, Options);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("method", out _) || !root.TryGetProperty("id", out var id))
            {
                return new(null, false);
            }

            if (root.TryGetProperty("error", out var error))
            {
                var message = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                return new(new ServerResponse(id.GetRawText(), true, message, false), false);
            }

            var hasResult = root.TryGetProperty("result", out var result);
            var isError = hasResult && result.ValueKind == JsonValueKind.Object && result.TryGetProperty("isError", out var e) && e.ValueKind == JsonValueKind.True;
            return new(new ServerResponse(id.GetRawText(), isError, null, hasResult), false);
        }
        catch (JsonException)
        {
            return new(null, true);
        }
    }

    /// <summary>The result a blocked call gets: the violations as text lines, <c>isError</c>, and the verdict in <c>_meta</c>.</summary>
    public static byte[] Blocked(string idJson, Verdict verdict)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc", "2.0");
            w.WritePropertyName("id");
            w.WriteRawValue(idJson);
            w.WriteStartObject("result");
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", "text");
            w.WriteString("text", Describe(verdict));
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteBoolean("isError", true);
            w.WriteStartObject("_meta");
            w.WritePropertyName("dev.pacts/verdict");
            w.WriteRawValue(verdict.ToJson());
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One line per violation: <c>severity path rule value: message</c>, and a budget's name and use.</summary>
    public static string Describe(Verdict verdict) => string.Join("\n", verdict.Violations.Select(v =>
        $"{v.Severity.ToName()} {(v.ParamPath.Length == 0 ? "(call)" : v.ParamPath)} {v.Rule}{(v.Value is null ? "" : " " + v.Value)}: {v.Message}"
        + (v.Budget is null ? "" : $" (budget {v.Budget}, used {v.Used})")));

    /// <summary>A JSON-RPC error response.</summary>
    public static byte[] Error(string idJson, int code, string message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            WriteError(w, idJson, code, message);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] BatchRefusal(IEnumerable<string> ids)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var id in ids)
            {
                WriteError(w, id, -32600, "JSON-RPC batches are not supported through pacts mcp; send each request on its own");
            }

            w.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteError(Utf8JsonWriter w, string idJson, int code, string message)
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc", "2.0");
        w.WritePropertyName("id");
        w.WriteRawValue(idJson);
        w.WriteStartObject("error");
        w.WriteNumber("code", code);
        w.WriteString("message", message);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The first key given twice in one object, at any depth, as a critical violation at its path; null when there is none.</summary>
    internal static Violation? DuplicateKey(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        var keys = new Stack<HashSet<string>?>(); // null for an array
        var path = new Stack<string>();
        var pendingName = (string?)null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    path.Push(pendingName ?? (keys.Count > 0 && keys.Peek() is null ? "[]" : ""));
                    keys.Push(reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null);
                    pendingName = null;
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    keys.Pop();
                    path.Pop();
                    break;
                case JsonTokenType.PropertyName:
                    var name = reader.GetString()!;
                    if (!keys.Peek()!.Add(name))
                    {
                        var at = string.Join(".", path.Reverse().Where(s => s.Length > 0).Append(name)).Replace(".[]", "[]", StringComparison.Ordinal);
                        return new Violation(at, "duplicateKey", Severity.Critical, JsonSerializer.Serialize(name),
                            $"`{at}` is given twice: the server could act on either value, so the call is not forwarded");
                    }

                    pendingName = name;
                    break;
                default:
                    pendingName = null;
                    break;
            }
        }

        return null;
    }
}
