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

    /// <summary>A <c>tools/call</c> notification or an ambiguous one: never forwarded (a server might run it), never answerable (<see cref="ClientMessage.DropReason"/>).</summary>
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
internal sealed record ClientMessage(ClientAction Action, McpToolCall? Call = null, byte[]? Answer = null, string? HandshakeIdJson = null, string? ClientName = null, string? CancelledIdJson = null, string? DropReason = null);

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

    /// <remarks>
    /// Read with one <see cref="Utf8JsonReader"/> pass over the line and one over its <c>params</c>, without a document:
    /// every message crosses here, and a judged call should cost little more than a forwarded ping
    /// (benchmarks/README.md, "pacts mcp latency"). The whole line is read, so a line that is not JSON is forwarded
    /// unjudged only as the server's parse error (it cannot run a call it cannot parse). Where a member is given twice
    /// the last one counts, as <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> reads it.
    /// </remarks>
    public static ClientMessage ReadClient(ReadOnlyMemory<byte> line)
    {
        var json = line.Span;
        Top top;
        try
        {
            if (!Top.TryRead(json, out top))
            {
                return new(ClientAction.Forward); // the server answers its own parse errors (JSON-RPC -32700)
            }
        }
        catch (JsonException)
        {
            return new(ClientAction.Forward);
        }

        if (top.IsArray)
        {
            return Batch(line);
        }

        var hasId = top.Id.Length > 0;
        var idJson = hasId ? Encoding.UTF8.GetString(json[top.Id.Start..top.Id.End]) : null;
        if (top.Ambiguous && top.HasMethod)
        {
            // Which method, id or params a server acts on when one is given twice is its parser's choice (first or
            // last): the proxy cannot judge what will run, so nothing is forwarded.
            return hasId
                ? new(ClientAction.Answer, Answer: Error(idJson!, -32600, "the request gives `method`, `id` or `params` twice; which one a server reads is its parser's choice, so pacts mcp does not forward it"))
                : new(ClientAction.Drop, DropReason: "a notification that gives `method` or `params` twice (which one a server reads is its parser's choice)");
        }

        if (top.Method is not { } method)
        {
            return new(ClientAction.Forward);
        }

        var p = top.Params.Length > 0 ? Params.Read(json[top.Params.Start..top.Params.End]) : default;
        var name = p.ClientName;
        switch (method)
        {
            case "initialize" or "server/discover" when hasId:
                return new(ClientAction.Forward, HandshakeIdJson: idJson, ClientName: name);
            case "notifications/cancelled":
                return new(ClientAction.Forward, CancelledIdJson: p.RequestId);
            case "tools/call" when !hasId:
                return new(ClientAction.Drop, DropReason: "a tools/call notification (a call without an id cannot be judged and answered)");
            case "tools/call":
                if (p.Ambiguous)
                {
                    return new(ClientAction.Answer, Answer: Error(idJson!, -32602, "tools/call params give `name`, `arguments` or `task` twice; which one a server reads is its parser's choice, so pacts mcp does not forward it"));
                }

                if (!p.IsObject || p.Tool is not { } tool)
                {
                    return new(ClientAction.Answer, Answer: Error(idJson!, -32602, "tools/call needs params.name, a string"));
                }

                if (p.Arguments.Length == 0)
                {
                    return new(ClientAction.ToolCall, new McpToolCall(idJson!, tool, "{}"u8.ToArray(), null, p.AsksForTask), ClientName: name);
                }

                var raw = json.Slice(top.Params.Start + p.Arguments.Start, p.Arguments.Length).ToArray();
                var malformed = !p.ArgumentsAreObject
                    ? new Violation("", "type", Severity.Critical, Encoding.UTF8.GetString(raw), "`arguments` must be an object")
                    : DuplicateKey(raw);
                return new(ClientAction.ToolCall, new McpToolCall(idJson!, tool, raw, malformed, p.AsksForTask), ClientName: name);
            default:
                return new(ClientAction.Forward, ClientName: name);
        }
    }

    /// <summary>A batch: refused (-32600 per request) when it holds a request, else forwarded. Rare, so read as a document.</summary>
    private static ClientMessage Batch(ReadOnlyMemory<byte> line)
    {
        using var doc = JsonDocument.Parse(line, Options);
        var requests = doc.RootElement.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("method", out _) && e.TryGetProperty("id", out _)).ToList();
        return requests.Count == 0
            ? new(ClientAction.Forward)
            : new(ClientAction.Answer, Answer: BatchRefusal(requests.Select(r => r.GetProperty("id").GetRawText())));
    }

    /// <summary>Where a value lies in the bytes read (<see cref="Length"/> 0: absent).</summary>
    private readonly record struct Range(int Start, int End)
    {
        public int Length => End - Start;
    }

    private static Range ValueRange(ref Utf8JsonReader reader)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return new(start, (int)reader.BytesConsumed);
    }

    private static JsonReaderOptions ReaderOptions => new() { MaxDepth = 256 };

    /// <summary>A message's top level: array or object, and where <c>method</c> (when a string), <c>id</c>, <c>params</c>, <c>error</c>, <c>result</c> are.</summary>
    private ref struct Top
    {
        public bool IsArray;
        public bool HasMethod;
        public bool Ambiguous; // method, id or params given twice
        public string? Method;
        public Range Id;
        public Range Params;
        public Range Error;
        public Range Result;

        /// <summary>Reads the whole line; false when it is not one JSON value. Throws <see cref="JsonException"/> for broken JSON.</summary>
        public static bool TryRead(ReadOnlySpan<byte> json, out Top top)
        {
            top = default;
            var reader = new Utf8JsonReader(json, ReaderOptions);
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("method"u8))
                    {
                        reader.Read();
                        top.Ambiguous |= top.HasMethod;
                        top.HasMethod = true;
                        top.Method = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        reader.Skip();
                    }
                    else if (reader.ValueTextEquals("id"u8))
                    {
                        reader.Read();
                        top.Ambiguous |= top.Id.Length > 0;
                        top.Id = ValueRange(ref reader);
                    }
                    else if (reader.ValueTextEquals("params"u8))
                    {
                        reader.Read();
                        top.Ambiguous |= top.Params.Length > 0;
                        top.Params = ValueRange(ref reader);
                    }
                    else if (reader.ValueTextEquals("error"u8))
                    {
                        reader.Read();
                        top.Error = ValueRange(ref reader);
                    }
                    else if (reader.ValueTextEquals("result"u8))
                    {
                        reader.Read();
                        top.Result = ValueRange(ref reader);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                top.IsArray = reader.TokenType == JsonTokenType.StartArray;
                reader.Skip();
            }

            return !reader.Read(); // one value and nothing after it (a second value throws)
        }
    }

    /// <summary>What the proxy needs from a request's <c>params</c>, in one reader pass over them.</summary>
    private ref struct Params
    {
        public bool IsObject;
        public bool Ambiguous; // name, arguments or task given twice
        public string? Tool;
        public Range Arguments; // relative to the params
        public bool ArgumentsAreObject;
        public bool AsksForTask;
        public string? ClientName;
        public string? RequestId;

        public static Params Read(ReadOnlySpan<byte> json)
        {
            var p = default(Params);
            var reader = new Utf8JsonReader(json, ReaderOptions);
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return p;
            }

            p.IsObject = true;
            string? infoName = null, metaName = null;
            bool seenName = false, seenTask = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("name"u8))
                {
                    reader.Read();
                    p.Ambiguous |= seenName;
                    seenName = true;
                    p.Tool = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("arguments"u8))
                {
                    reader.Read();
                    p.Ambiguous |= p.Arguments.Length > 0;
                    p.ArgumentsAreObject = reader.TokenType == JsonTokenType.StartObject;
                    p.Arguments = ValueRange(ref reader);
                }
                else if (reader.ValueTextEquals("task"u8))
                {
                    reader.Read();
                    p.Ambiguous |= seenTask;
                    seenTask = true;
                    p.AsksForTask = reader.TokenType != JsonTokenType.Null;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("requestId"u8))
                {
                    reader.Read();
                    var id = ValueRange(ref reader);
                    p.RequestId = Encoding.UTF8.GetString(json[id.Start..id.End]);
                }
                else if (reader.ValueTextEquals("clientInfo"u8))
                {
                    reader.Read();
                    infoName = NameIn(ref reader);
                }
                else if (reader.ValueTextEquals("_meta"u8))
                {
                    reader.Read();
                    metaName = MetaClientName(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            p.ClientName = infoName ?? metaName;
            return p;
        }

        /// <summary><c>name</c> of the object at the reader (a string), else null; leaves the reader on the value's end.</summary>
        private static string? NameIn(ref Utf8JsonReader reader) =>
            LastMember(ref reader, "name"u8, out var name) && name.TokenType == JsonTokenType.String ? name.GetString() : null;

        private static string? MetaClientName(ref Utf8JsonReader reader) =>
            LastMember(ref reader, "io.modelcontextprotocol/clientInfo"u8, out var info) ? NameIn(ref info) : null;
    }

    /// <summary>
    /// A line from the server: a response (an object with an <c>id</c> and a <c>result</c> or an <c>error</c>, no
    /// <c>method</c>), any other JSON, or not JSON. Read without a document, as <see cref="ReadClient"/> is.
    /// </summary>
    public static ServerMessage ReadServer(ReadOnlyMemory<byte> line)
    {
        var json = line.Span;
        Top top;
        try
        {
            if (!Top.TryRead(json, out top))
            {
                return new(null, true);
            }
        }
        catch (JsonException)
        {
            return new(null, true);
        }

        if (top.IsArray || top.HasMethod || top.Id.Length == 0)
        {
            return new(null, false);
        }

        var id = Encoding.UTF8.GetString(json[top.Id.Start..top.Id.End]);
        if (top.Error.Length > 0)
        {
            return new(new ServerResponse(id, true, StringMember(json[top.Error.Start..top.Error.End], "message"u8), false), false);
        }

        var isError = top.Result.Length > 0 && TrueMember(json[top.Result.Start..top.Result.End], "isError"u8);
        return new(new ServerResponse(id, isError, null, top.Result.Length > 0), false);
    }

    private static string? StringMember(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        reader.Read();
        return LastMember(ref reader, name, out var value) && value.TokenType == JsonTokenType.String ? value.GetString() : null;
    }

    private static bool TrueMember(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        reader.Read();
        return LastMember(ref reader, name, out var value) && value.TokenType == JsonTokenType.True;
    }

    /// <summary>
    /// Reads the value at <paramref name="reader"/> to its end; when it is an object with a member
    /// <paramref name="name"/>, <paramref name="value"/> is a reader on the last such member's value (the one
    /// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> gives).
    /// </summary>
    private static bool LastMember(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, out Utf8JsonReader value)
    {
        value = default;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }

        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            if (match)
            {
                value = reader; // a copy, on the value's first token
                found = true;
            }

            reader.Skip();
        }

        return found;
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
    public static string Describe(Verdict verdict) => string.Join("\n", verdict.Violations.Select(v => v.Describe()));

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
