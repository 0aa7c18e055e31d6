using System.Text;
using System.Text.Json;
using Pacts.Cli.Mcp;

namespace Pacts.Cli.Tests;

/// <summary>
/// How `pacts mcp` reads each JSON-RPC message (McpGate, one reader pass, no document): which lines are calls to judge,
/// what is answered or forwarded, and what cannot be used to slip a call past the pact (escaped member names, members
/// given twice, a second value after the first).
/// </summary>
public class McpGateTests
{
    private static ClientMessage Client(string line) => McpGate.ReadClient(Encoding.UTF8.GetBytes(line));

    private static ServerMessage Server(string line) => McpGate.ReadServer(Encoding.UTF8.GetBytes(line));

    private static JsonElement Answer(ClientMessage m) => JsonDocument.Parse(Assert.IsType<byte[]>(m.Answer)).RootElement;

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"pay","arguments":{"amount": 5,"to":"bob"}}}""", "7", """{"amount": 5,"to":"bob"}""")]
    [InlineData("""{"params":{"arguments":{"a":[1,{"b":2}]},"name":"pay"},"method":"tools/call","id":"x-1","jsonrpc":"2.0"}""", "\"x-1\"", """{"a":[1,{"b":2}]}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay"}}""", "1", "{}")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"\u006dethod":"tools/call","params":{"n\u0061me":"p\u0061y","arguments":{}}}""", "1", "{}")] // escaped names and values read as the server reads them
    public void A_tools_call_is_read_with_its_id_tool_and_arguments_verbatim(string line, string id, string arguments)
    {
        var m = Client(line);
        Assert.Equal(ClientAction.ToolCall, m.Action);
        Assert.Equal(id, m.Call!.IdJson);
        Assert.Equal("pay", m.Call.Tool);
        Assert.Equal(arguments, Encoding.UTF8.GetString(m.Call.Arguments));
        Assert.Null(m.Call.Malformed);
        Assert.False(m.Call.AsksForTask);
    }

    [Theory]
    [InlineData("""{"name":"pay","arguments":[1]}""", "type", "")]
    [InlineData("""{"name":"pay","arguments":"x"}""", "type", "")]
    [InlineData("""{"name":"pay","arguments":{"to":"bob","to":"eve"}}""", "duplicateKey", "to")]
    [InlineData("""{"name":"pay","arguments":{"x":{"y":1,"y":2}}}""", "duplicateKey", "x.y")]
    [InlineData("""{"name":"pay","arguments":{"to":"bob","TO":"eve"}}""", "duplicateKey", "TO")] // one key to a case-insensitive server
    [InlineData("""{"name":"pay","arguments":{"ta\u017fk":1,"TASK":2}}""", "duplicateKey", "TASK")]
    [InlineData("""{"name":"pay","arguments":{"items":[{"a":1},[2],{"b":1,"a b":2,"a b":3}]}}""", "duplicateKey", "items[2]['a b']")]
    [InlineData("""{"name":"pay","arguments":{"\ud800":1,"\ud800":2}}""", "duplicateKey", "['\\\\ud800']")]
    public void Arguments_that_are_not_one_object_are_blocked_before_the_pact(string parameters, string rule, string path)
    {
        var m = Client("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":""" + parameters + "}");
        Assert.Equal(ClientAction.ToolCall, m.Action);
        Assert.Equal(rule, m.Call!.Malformed!.Rule);
        Assert.Equal(path, m.Call.Malformed.ParamPath);
    }

    // Go's encoding/json, Newtonsoft.Json and case-insensitive System.Text.Json read `Method` as `method` (Go also
    // folds U+017F ſ to s and U+212A Kelvin to k): a call under another case would run unjudged.
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"Method":"tools/call","params":{"name":"pay"}}""", -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","METHOD":"tools/call","params":{"name":"pay"}}""", -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","Params":{"name":"pay"}}""", -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"Id":2,"method":"ping"}""", -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list","Name":"pay"}}""", -32602)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay","Arguments":{"amount":1000}}}""", -32602)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay","argument\u017f":{"amount":1000}}}""", -32602)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay","tas\u212a":{}}}""", -32602)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay","name":"refund","arguments":{}}}""", -32602)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay","arguments":{"a":1},"arguments":{"a":2}}}""", -32602)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","method":"tools/call","params":{"name":"pay"}}""", -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","method":"ping","params":{"name":"pay"}}""", -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay"},"params":{"name":"refund"}}""", -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{}}}""", -32602)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":7}}""", -32602)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":[]}""", -32602)]
    public void A_call_that_servers_could_read_two_ways_or_without_a_tool_is_answered_and_not_forwarded(string line, int code)
    {
        var m = Client(line);
        Assert.Equal(ClientAction.Answer, m.Action);
        Assert.Equal(1, Answer(m).GetProperty("id").GetInt32());
        Assert.Equal(code, Answer(m).GetProperty("error").GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","method":"tools/call","params":{"name":"pay"}}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/x","method":"tools/call","params":{"name":"pay"}}""")]
    public void A_call_without_an_id_or_an_ambiguous_notification_is_dropped(string line)
    {
        var m = Client(line);
        Assert.Equal(ClientAction.Drop, m.Action);
        Assert.False(string.IsNullOrEmpty(m.DropReason));
    }

    // What a lenient parser reads differently from a strict one: forwarded, any of these could be a call the proxy never
    // judged (Python's json takes NaN, a streaming decoder joins a message split over lines or splits two on one line,
    // Node replaces bytes that are not UTF-8 and has no depth limit of 256). JSON-RPC's own answer: -32700, id null.
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay"}} x""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay"}} {"jsonrpc":"2.0"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping"} {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"pay"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay",}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay","arguments":{"amount":NaN}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay","arguments":{"amount":Infinity}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call",/* c */"params":{"name":"pay"}}""")]
    [InlineData("""{'jsonrpc':'2.0','id':1,'method':'tools/call','params':{'name':'pay'}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/""")] // the first half of a message split over two lines
    [InlineData("""call","params":{"name":"pay"}}""")] // and its second half
    [InlineData("\uFEFF{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"pay\"}}")]
    [InlineData("not json")]
    public void A_line_that_is_not_strict_json_is_answered_as_a_parse_error_and_not_forwarded(string line)
    {
        var m = Client(line);
        Assert.Equal(ClientAction.Answer, m.Action);
        Assert.Equal(JsonValueKind.Null, Answer(m).GetProperty("id").ValueKind);
        Assert.Equal(-32700, Answer(m).GetProperty("error").GetProperty("code").GetInt32());
        Assert.StartsWith("a line that is not strict JSON", m.DropReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_that_is_not_utf8_or_nests_past_256_is_a_parse_error()
    {
        var notUtf8 = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay","arguments":{"to":"bob?"}}}""");
        notUtf8[Array.LastIndexOf(notUtf8, (byte)'?')] = 0xFF;
        var deep = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay","arguments":{"a":""" + new string('[', 300) + new string(']', 300) + "}}}";
        foreach (var line in new[] { notUtf8, Encoding.UTF8.GetBytes(deep) })
        {
            var m = McpGate.ReadClient(line);
            Assert.Equal(ClientAction.Answer, m.Action);
            Assert.Equal(-32700, Answer(m).GetProperty("error").GetProperty("code").GetInt32());
        }
    }

    // Python's universal newlines end a line at a lone \r: a message with one between its tokens reads as other
    // messages there (a tools/call hidden in a ping's params, or after a ping on the same line).
    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\r{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"pay\"}}\r}}", true)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\r\"method\":\"tools/call\",\"params\":{\"name\":\"pay\"}}", true)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\",\"params\":{\"x\":\r1}}", false)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"x\":\r1}}", false)] // a response to the server
    [InlineData("[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"},\r{\"jsonrpc\":\"2.0\",\"method\":\"notifications/y\"}]", false)]
    public void A_carriage_return_between_tokens_is_not_forwarded(string line, bool answered)
    {
        var m = Client(line);
        Assert.Equal(answered ? ClientAction.Answer : ClientAction.Drop, m.Action);
        if (answered)
        {
            Assert.Equal(1, Answer(m).GetProperty("id").GetInt32());
            Assert.Equal(-32600, Answer(m).GetProperty("error").GetProperty("code").GetInt32());
            Assert.Contains("(Python's)", Encoding.UTF8.GetString(m.Answer!), StringComparison.Ordinal); // written as it reads, not as \u0027
        }
    }

    [Fact]
    public void A_line_ending_in_crlf_is_read_as_usual() =>
        Assert.Equal(ClientAction.ToolCall, Client("\r{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"pay\"}} \r").Action);


    [Theory]
    [InlineData("""{"jsonrpc":"2.0","Method":"tools/call","params":{"name":"pay"}}""")]
    [InlineData("""{"jsonrpc":"2.0","ID":1,"method":"tools/call","params":{"name":"pay"}}""")]
    [InlineData("""[{"jsonrpc":"2.0","method":"tools/call","params":{"name":"pay"}}]""")] // as it would be alone
    [InlineData("""[{"jsonrpc":"2.0","Method":"tools/call","ID":1,"params":{"name":"pay"}}]""")]
    public void A_notification_that_could_be_a_call_is_dropped_alone_or_in_a_batch(string line)
    {
        var m = Client(line);
        Assert.Equal(ClientAction.Drop, m.Action);
        Assert.False(string.IsNullOrEmpty(m.DropReason));
    }

    // System.Text.Json reads the escape of a lone surrogate but will not make a string of it; nothing here may throw.
    [Fact]
    public void A_lone_surrogate_is_refused_where_it_names_what_runs_and_carried_where_it_does_not()
    {
        Assert.Equal(-32600, Answer(Client("""{"jsonrpc":"2.0","id":1,"method":"tools/call\ud800","params":{"name":"pay"}}""")).GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(-32602, Answer(Client("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay\udc00"}}""")).GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("a\\ud800", Client("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"clientInfo":{"name":"a\ud800"}}}""").ClientName);
        var call = Client("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay","arguments":{"\ud800":1,"to":"\udfff"}}}""").Call!;
        Assert.Null(call.Malformed);
        Assert.Equal(new ServerResponse("5", true, "bad \\ud800", false), Server("""{"jsonrpc":"2.0","id":5,"error":{"code":1,"message":"bad \ud800"}}""").Response);
        Assert.Equal("pay", Client("""{"jsonrpc":"2.0","\ud800":1,"id":1,"method":"tools/call","params":{"\udc00":2,"name":"pay"}}""").Call!.Tool);
        Assert.Equal(ClientAction.Answer, Client("""[{"\ud800":1,"jsonrpc":"2.0","id":1,"method":"ping"}]""").Action);
        Assert.Equal(ClientAction.Forward, Client("""[{"\ud800":1,"jsonrpc":"2.0","method":"notifications/x"}]""").Action);
        Assert.NotNull(Server("""{"jsonrpc":"2.0","\ud800":1,"id":5,"result":{"\udc00":1,"isError":true}}""").Response);
    }

    [Fact]
    public void Blank_lines_are_forwarded() => Assert.Equal(ClientAction.Forward, Client(" \t").Action);

    [Theory]
    [InlineData("")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{}}""")] // a response to a server's request
    [InlineData("""[{"jsonrpc":"2.0","id":1,"result":{}}]""")] // a batch of responses only
    [InlineData("42")]
    public void Other_lines_are_forwarded(string line) => Assert.Equal(ClientAction.Forward, Client(line).Action);

    [Fact]
    public void A_batch_holding_a_request_is_refused_per_request()
    {
        var m = Client("""[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pay"}},{"jsonrpc":"2.0","method":"notifications/x"},{"jsonrpc":"2.0","id":"b","method":"ping"}]""");
        Assert.Equal(ClientAction.Answer, m.Action);
        Assert.Equal(["1", "\"b\""], Answer(m).EnumerateArray().Select(e => e.GetProperty("id").GetRawText()));
        Assert.All(Answer(m).EnumerateArray(), e => Assert.Equal(-32600, e.GetProperty("error").GetProperty("code").GetInt32()));
        var folded = Client("""[{"jsonrpc":"2.0","id":7,"Method":"tools/call","params":{"name":"pay"}}]""");
        Assert.Equal(7, Answer(folded)[0].GetProperty("id").GetInt32()); // a request to a case-insensitive server
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","clientInfo":{"name":"claude","version":"1"}}}""", "1", "claude")]
    [InlineData("""{"jsonrpc":"2.0","id":"d","method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/clientInfo":{"version":"1","name":"agent-s"}}}}""", "\"d\"", "agent-s")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"server/discover"}""", "1", null)]
    public void A_handshake_names_its_id_and_client(string line, string id, string? client)
    {
        var m = Client(line);
        Assert.Equal(ClientAction.Forward, m.Action);
        Assert.Equal(id, m.HandshakeIdJson);
        Assert.Equal(client, m.ClientName);
    }

    [Fact]
    public void Any_request_of_mcp_2026_07_28_names_its_client_and_a_call_asks_for_a_task_unless_task_is_null()
    {
        var m = Client("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"pay","arguments":{},"task":{"ttl":1000},"_meta":{"io.modelcontextprotocol/clientInfo":{"name":"agent-s"}}}}""");
        Assert.Equal("agent-s", m.ClientName);
        Assert.True(m.Call!.AsksForTask);
        Assert.False(Client("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"pay","task":null}}""").Call!.AsksForTask);
        Assert.Equal("agent-s", Client("""{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/clientInfo":{"name":"agent-s"}}}}""").ClientName);
        Assert.Equal("\"r-1\"", Client("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"r-1","reason":"user"}}""").CancelledIdJson);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":5,"result":{"content":[{"type":"text","text":"ok"}]}}""", "5", false, null, true)]
    [InlineData("""{"jsonrpc":"2.0","id":"a","result":{"content":[],"isError":true}}""", "\"a\"", true, null, true)]
    [InlineData("""{"jsonrpc":"2.0","id":5,"result":{"isError":"yes"}}""", "5", false, null, true)]
    [InlineData("""{"jsonrpc":"2.0","id":5,"result":[]}""", "5", false, null, true)]
    [InlineData("""{"jsonrpc":"2.0","id":5,"error":{"code":-32000,"message":"it broke"}}""", "5", true, "it broke", false)]
    [InlineData("""{"jsonrpc":"2.0","id":5,"error":"it broke"}""", "5", true, null, false)]
    public void A_server_response_is_read_for_its_outcome(string line, string id, bool isError, string? message, bool hasResult)
    {
        var m = Server(line);
        Assert.False(m.NotJson);
        Assert.Equal(new ServerResponse(id, isError, message, hasResult), m.Response);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":9,"method":"sampling/createMessage","params":{}}""", false)] // a request to the client
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}""", false)]
    [InlineData("""{"jsonrpc":"2.0","result":{}}""", false)]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"result":{}}]""", false)]
    [InlineData("server log: starting", true)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{}} trailing""", true)]
    public void Other_server_lines_are_not_responses(string line, bool notJson)
    {
        var m = Server(line);
        Assert.Null(m.Response);
        Assert.Equal(notJson, m.NotJson);
    }
}
