using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Pacts.Evaluating;
using Pacts.Json;
using Pacts.Paths;

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
    /// (benchmarks/README.md, "pacts mcp latency"). Where a member is given twice the last one counts, as
    /// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> reads it.
    /// <para>
    /// Only what every server reads as this proxy reads it goes through, since a call a server finds where the proxy
    /// found none was never judged. So a line that is not strict JSON in UTF-8 (RFC 8259) is answered with JSON-RPC
    /// -32700 and not forwarded: lenient parsers read <c>NaN</c>, trailing commas, comments, a second value on the
    /// line, a message split over two lines (a streaming decoder), or replace bytes that are not UTF-8. A carriage
    /// return between a message's tokens is refused too (Python's universal newlines would read other messages in
    /// it), and so are members named <c>method</c>, <c>id</c>, <c>params</c> (and a call's <c>name</c>,
    /// <c>arguments</c>, <c>task</c>) in another case (<c>Method</c>, <c>argumentſ</c>): Go's encoding/json,
    /// Newtonsoft.Json and case-insensitive System.Text.Json read them as the real ones. A blank line is forwarded
    /// (no parser finds a message in it).
    /// </para>
    /// </remarks>
    public static ClientMessage ReadClient(ReadOnlyMemory<byte> line)
    {
        var json = line.Span;
        if (json.Trim(" \t\r"u8).IsEmpty)
        {
            return new(ClientAction.Forward); // blank
        }

        if (!Utf8.IsValid(json))
        {
            return NotStrict("it is not valid UTF-8");
        }

        Top top;
        try
        {
            if (!Top.TryRead(json, out top))
            {
                return NotStrict("no JSON value"); // not reached: a line without one is blank, or throws
            }
        }
        catch (JsonException e)
        {
            return NotStrict(e.Message);
        }

        var hasId = top.Id.Length > 0;
        var idJson = hasId ? Encoding.UTF8.GetString(json[top.Id.Start..top.Id.End]) : null;
        var carriageReturn = json.Trim(" \t\r"u8).Contains((byte)'\r');
        if (top.IsArray)
        {
            var batch = Batch(line);
            return carriageReturn && batch.Action == ClientAction.Forward
                ? new(ClientAction.Drop, DropReason: "a batch with a carriage return between its tokens (a server reading universal newlines would read other messages in it)")
                : batch;
        }

        var request = hasId && (top.HasMethod || top.MethodInAnotherCase);
        if (carriageReturn)
        {
            return request
                ? new(ClientAction.Answer, Answer: Error(idJson!, -32600, "the message has a carriage return between its tokens; a server that reads lines with universal newlines (Python's) would read other messages in it, so pacts mcp does not forward it"))
                : new(ClientAction.Drop, DropReason: "a message with a carriage return between its tokens (a server reading universal newlines would read other messages in it)");
        }

        if (top.Ambiguous && (top.HasMethod || top.MethodInAnotherCase))
        {
            // Which method, id or params a server acts on when one is given twice (or once more in another case) is
            // its parser's choice: the proxy cannot judge what will run, so nothing is forwarded.
            return request
                ? new(ClientAction.Answer, Answer: Error(idJson!, -32600, "the request gives `method`, `id` or `params` twice, or in another case; which one a server reads is its parser's choice, so pacts mcp does not forward it"))
                : new(ClientAction.Drop, DropReason: "a message that gives `method`, `id` or `params` twice or in another case (which one a server reads is its parser's choice)");
        }

        if (top.NotUnicode)
        {
            return hasId
                ? new(ClientAction.Answer, Answer: Error(idJson!, -32600, "`method` escapes a lone surrogate, which is not Unicode; pacts mcp does not forward it"))
                : new(ClientAction.Drop, DropReason: "a message whose `method` escapes a lone surrogate");
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
                    return new(ClientAction.Answer, Answer: Error(idJson!, -32602, "tools/call params give `name`, `arguments` or `task` twice, or in another case; which one a server reads is its parser's choice, so pacts mcp does not forward it"));
                }

                if (p.NameNotUnicode)
                {
                    return new(ClientAction.Answer, Answer: Error(idJson!, -32602, "tools/call params.name escapes a lone surrogate, which is not Unicode"));
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

    /// <summary>
    /// A batch: refused (-32600 per request) when it holds a request; dropped when it holds what would not be forwarded
    /// on its own (a <c>tools/call</c> notification, a member in another case); else forwarded. Rare, so read as a document.
    /// </summary>
    private static ClientMessage Batch(ReadOnlyMemory<byte> line)
    {
        using var doc = JsonDocument.Parse(line, Options);
        var requests = new List<string>();
        string? drop = null;
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            var isObject = e.ValueKind == JsonValueKind.Object;
            var alone = isObject ? ReadClient(Encoding.UTF8.GetBytes(e.GetRawText())) : new(ClientAction.Forward);
            if (isObject && JsonStrings.TryGetProperty(e, "id"u8, out var id) && (JsonStrings.TryGetProperty(e, "method"u8, out _) || alone.Action == ClientAction.Answer))
            {
                requests.Add(id.GetRawText());
            }
            else if (alone.Action != ClientAction.Forward)
            {
                drop ??= alone.DropReason ?? "a message pacts mcp would not forward on its own";
            }
        }

        return requests.Count > 0 ? new(ClientAction.Answer, Answer: BatchRefusal(requests))
            : drop is not null ? new(ClientAction.Drop, DropReason: "a batch holding " + drop)
            : new(ClientAction.Forward);
    }

    /// <summary>A line that is not strict JSON: JSON-RPC's parse error (id null), not forwarded.</summary>
    private static ClientMessage NotStrict(string reason) => new(
        ClientAction.Answer,
        Answer: Error("null", -32700, "Parse error: pacts mcp forwards only strict JSON in UTF-8 (RFC 8259), which every server reads alike: " + reason),
        DropReason: "a line that is not strict JSON (answered -32700): " + reason);

    /// <summary>
    /// True when the member name at the reader is not <paramref name="name"/> (lower-case ASCII) but a case-insensitive
    /// parser reads it as that: ASCII case, and the two letters Go's encoding/json also folds to ASCII (U+017F ſ to s,
    /// U+212A Kelvin to k).
    /// </summary>
    private static bool InAnotherCase(ref Utf8JsonReader reader, string name)
    {
        if (reader.ValueSpan.Length > 64 || (!reader.ValueIsEscaped && reader.ValueSpan.Length < name.Length))
        {
            return false; // too long to fold to a short name (a char takes at least a byte), or too short
        }

        Span<char> key = stackalloc char[64];
        int length;
        try
        {
            length = reader.CopyString(key);
        }
        catch (InvalidOperationException)
        {
            return false; // a lone surrogate: no parser reads a letter from it
        }

        if (length != name.Length || key[..length].SequenceEqual(name))
        {
            return false;
        }

        for (var i = 0; i < length; i++)
        {
            if (FoldedKeys.Fold(key[i]) != name[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether the member name at the reader is <paramref name="name"/>, escapes decoded, as
    /// <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/>, which throws on a name escaping half a surrogate
    /// pair (such a name is none of ours).
    /// </summary>
    private static bool Named(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.SequenceEqual(name);
        }

        try
        {
            return reader.ValueTextEquals(name);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The string at the reader, or its escaped text (as <see cref="JsonStrings.TextOrEscaped"/> gives it) when it escapes half a surrogate pair.</summary>
    private static string TextOrEscaped(ref Utf8JsonReader reader)
    {
        var notUnicode = false;
        return Text(ref reader, ref notUnicode) ?? Encoding.UTF8.GetString(reader.ValueSpan);
    }

    /// <summary>The string at the reader; null with <paramref name="notUnicode"/> set when it escapes a lone surrogate.</summary>
    private static string? Text(ref Utf8JsonReader reader, ref bool notUnicode)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            notUnicode = true;
            return null;
        }
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

    /// <summary>What the proxy writes to the client: text as it is (backticks, quotes, non-ASCII), not HTML-safe escapes.</summary>
    private static JsonWriterOptions Relaxed => new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A message's top level: array or object, and where <c>method</c> (when a string), <c>id</c>, <c>params</c>, <c>error</c>, <c>result</c> are.</summary>
    private ref struct Top
    {
        public bool IsArray;
        public bool HasMethod;
        public bool Ambiguous; // method, id or params given twice, or in another case
        public bool MethodInAnotherCase;
        public bool NotUnicode; // method escapes a lone surrogate
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
                    if (Named(ref reader, "method"u8))
                    {
                        reader.Read();
                        top.Ambiguous |= top.HasMethod;
                        top.HasMethod = true;
                        top.Method = reader.TokenType == JsonTokenType.String ? Text(ref reader, ref top.NotUnicode) : null;
                        reader.Skip();
                    }
                    else if (Named(ref reader, "id"u8))
                    {
                        reader.Read();
                        top.Ambiguous |= top.Id.Length > 0;
                        top.Id = ValueRange(ref reader);
                    }
                    else if (Named(ref reader, "params"u8))
                    {
                        reader.Read();
                        top.Ambiguous |= top.Params.Length > 0;
                        top.Params = ValueRange(ref reader);
                    }
                    else if (Named(ref reader, "error"u8))
                    {
                        reader.Read();
                        top.Error = ValueRange(ref reader);
                    }
                    else if (Named(ref reader, "result"u8))
                    {
                        reader.Read();
                        top.Result = ValueRange(ref reader);
                    }
                    else
                    {
                        var method = InAnotherCase(ref reader, "method");
                        top.MethodInAnotherCase |= method;
                        top.Ambiguous |= method || InAnotherCase(ref reader, "id") || InAnotherCase(ref reader, "params");
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
        public bool Ambiguous; // name, arguments or task given twice, or in another case
        public bool NameNotUnicode;
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
                if (Named(ref reader, "name"u8))
                {
                    reader.Read();
                    p.Ambiguous |= seenName;
                    seenName = true;
                    p.Tool = reader.TokenType == JsonTokenType.String ? Text(ref reader, ref p.NameNotUnicode) : null;
                    reader.Skip();
                }
                else if (Named(ref reader, "arguments"u8))
                {
                    reader.Read();
                    p.Ambiguous |= p.Arguments.Length > 0;
                    p.ArgumentsAreObject = reader.TokenType == JsonTokenType.StartObject;
                    p.Arguments = ValueRange(ref reader);
                }
                else if (Named(ref reader, "task"u8))
                {
                    reader.Read();
                    p.Ambiguous |= seenTask;
                    seenTask = true;
                    p.AsksForTask = reader.TokenType != JsonTokenType.Null;
                    reader.Skip();
                }
                else if (Named(ref reader, "requestId"u8))
                {
                    reader.Read();
                    var id = ValueRange(ref reader);
                    p.RequestId = Encoding.UTF8.GetString(json[id.Start..id.End]);
                }
                else if (Named(ref reader, "clientInfo"u8))
                {
                    reader.Read();
                    infoName = NameIn(ref reader);
                }
                else if (Named(ref reader, "_meta"u8))
                {
                    reader.Read();
                    metaName = MetaClientName(ref reader);
                }
                else
                {
                    p.Ambiguous |= InAnotherCase(ref reader, "name") || InAnotherCase(ref reader, "arguments") || InAnotherCase(ref reader, "task");
                    reader.Read();
                    reader.Skip();
                }
            }

            p.ClientName = infoName ?? metaName;
            return p;
        }

        /// <summary><c>name</c> of the object at the reader (a string), else null; leaves the reader on the value's end.</summary>
        private static string? NameIn(ref Utf8JsonReader reader) =>
            LastMember(ref reader, "name"u8, out var name) && name.TokenType == JsonTokenType.String ? TextOrEscaped(ref name) : null;

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
        return LastMember(ref reader, name, out var value) && value.TokenType == JsonTokenType.String ? TextOrEscaped(ref value) : null;
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
            var match = Named(ref reader, name);
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
        using (var w = new Utf8JsonWriter(buffer, Relaxed))
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
        using (var w = new Utf8JsonWriter(buffer, Relaxed))
        {
            WriteError(w, idJson, code, message);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] BatchRefusal(IEnumerable<string> ids)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Relaxed))
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

    /// <summary>
    /// The first key given twice in one object, at any depth, as a critical violation at its concrete path (SPEC §3:
    /// <c>items[2].sku</c>); null when there is none. Keys that differ only in case count as one (a case-insensitive
    /// server, such as Go's encoding/json or Newtonsoft.Json, reads <c>path</c> and <c>PATH</c> as one key and acts on
    /// the later), folded as <see cref="InAnotherCase"/> folds.
    /// </summary>
    internal static Violation? DuplicateKey(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        var open = new Stack<Container>();
        string? name = null; // the member whose value comes next; a path is made only for a container or a duplicate
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    var at = name is not null ? Member(open.Peek().Path, name)
                        : open.TryPeek(out var array) ? $"{array.Path}[{array.Count++}]"
                        : "";
                    open.Push(new Container(at, reader.TokenType == JsonTokenType.StartObject ? new Dictionary<string, string>(FoldedKeys.Instance) : null));
                    name = null;
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    open.Pop();
                    break;
                case JsonTokenType.PropertyName:
                    name = TextOrEscaped(ref reader);
                    var parent = open.Peek();
                    if (!parent.Keys!.TryAdd(name, name))
                    {
                        var first = parent.Keys[name];
                        var member = Member(parent.Path, name);
                        var how = first == name ? "is given twice" : $"is given twice, as `{first}` and `{name}` (a case-insensitive server reads them as one key)";
                        return new Violation(member, "duplicateKey", Severity.Critical, JsonSerializer.Serialize(name),
                            $"`{member}` {how}: the server could act on either value, so the call is not forwarded");
                    }

                    break;
                default:
                    if (name is null && open.TryPeek(out var elements))
                    {
                        elements.Count++; // a scalar element of an array
                    }

                    name = null;
                    break;
            }
        }

        return null;
    }

    /// <summary>The concrete path (SPEC §3) of member <paramref name="name"/> of the container at <paramref name="parent"/>.</summary>
    private static string Member(string parent, string name)
    {
        var key = ParamPath.RenderKey(name);
        return parent.Length == 0 ? key : key[0] == '[' ? parent + key : parent + "." + key;
    }

    /// <summary>Keys as a case-insensitive server matches them: ordinal, case folded, U+017F as s and U+212A as k (Go's folding).</summary>
    private sealed class FoldedKeys : IEqualityComparer<string>
    {
        public static readonly FoldedKeys Instance = new();

        public bool Equals(string? x, string? y)
        {
            if (x is null || y is null || x.Length != y.Length)
            {
                return x == y;
            }

            for (var i = 0; i < x.Length; i++)
            {
                if (Fold(x[i]) != Fold(y[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(string obj)
        {
            var hash = default(HashCode);
            foreach (var c in obj)
            {
                hash.Add(Fold(c));
            }

            return hash.ToHashCode();
        }

        public static char Fold(char c) => c switch { '\u017F' => 's', '\u212A' => 'k', _ => char.ToLowerInvariant(c) };
    }

    /// <summary>An object (its keys, folded, each with the name first given) or an array (its elements so far) being read.</summary>
    private sealed class Container(string path, Dictionary<string, string>? keys)
    {
        public string Path { get; } = path;

        public Dictionary<string, string>? Keys { get; } = keys;

        public int Count { get; set; }
    }
}
