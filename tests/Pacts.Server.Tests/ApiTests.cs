using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Pacts.Server.Tests;

public class ApiTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string Transfer = """{"destination":"0xEEEE000000000000000000000000000000000666","amount":7500,"currency":"USDC"}""";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Health_needs_no_key_and_lists_the_pacts()
    {
        var r = await service.Client(withKey: false).GetFromJsonAsync<JsonElement>("/api/v1/health");
        Assert.Equal("ok", r.GetProperty("status").GetString());
        Assert.Contains(r.GetProperty("pacts").EnumerateArray(), p => p.GetProperty("id").GetString() == "treasury-pact" && p.GetProperty("version").GetInt32() == 4);
        using var head = await service.Client(withKey: false).SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/v1/health"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode); // a load balancer's HEAD check
    }

    [Fact]
    public async Task Every_other_endpoint_needs_a_valid_key()
    {
        var anonymous = service.Client(withKey: false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/v1/pacts/treasury-pact/validate-call", Json("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/v1/telemetry/events", Json("""{"events":[]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/trust/atlas")).StatusCode);
        var forged = service.Client(withKey: false);
        forged.DefaultRequestHeaders.Add("X-Pact-Key", service.Key[..^2] + "xx");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/v1/trust/atlas")).StatusCode);
    }

    [Fact]
    public async Task Validate_call_gives_the_engine_verdict_byte_for_byte()
    {
        var response = await service.Client().PostAsync("/api/v1/pacts/treasury-pact/validate-call", Json($$"""{"tool":"transfer_funds","agentId":"probe-without-history","params":{{Transfer}}}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var expected = PactSet.Load(service.PactsDir).Find("treasury-pact")!.Validate("transfer_funds", Transfer).ToJson();
        Assert.Equal(expected, body);
    }

    [Theory]
    [InlineData("""{"tool":"transfer_funds","params":{"amount":10}}""", "daily-outflow")]
    [InlineData("""{"tool":"transfer_funds","agentId":"a","attemptedAt":"yesterday","params":{"amount":10}}""", "attemptedAt")]
    [InlineData("""{"tool":"transfer_funds","agentId":"a","attemptedAt":17,"params":{"amount":10}}""", "attemptedAt")]
    public async Task A_pre_flight_without_the_budgets_scope_id_or_with_a_bad_time_is_a_400_naming_it(string body, string named)
    {
        var response = await service.Client().PostAsync("/api/v1/pacts/treasury-pact/validate-call", Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(named, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", HttpStatusCode.BadRequest)]
    [InlineData("""{"params":{}}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"tool":"t","params":[1]}""", HttpStatusCode.BadRequest)]
    public async Task Bad_bodies_are_problem_json(string body, HttpStatusCode status)
    {
        var response = await service.Client().PostAsync("/api/v1/pacts/treasury-pact/validate-call", Json(body));
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Strings_escaping_half_a_surrogate_pair_are_judged_stored_and_refused_as_names_never_a_500()
    {
        // Legal JSON that is not text: `\ud800` alone. GetString throws on it; each of these was a 500.
        var client = service.Client();
        var badTool = await client.PostAsync("/api/v1/pacts/treasury-pact/validate-call", Json("""{"tool":"x\ud800","params":{}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, badTool.StatusCode);
        Assert.Contains("`tool` is not valid UTF-8 text", await badTool.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        const string Params = """{"destination":"0xA11A000000000000000000000000000000000001","amount":5,"currency":"USDC","memo":"\ud800","q\udc00":1}""";
        var call = await client.PostAsync("/api/v1/pacts/treasury-pact/validate-call", Json($$"""{"x\ud800":0,"tool":"transfer_funds","agentId":"probe-without-history","params":{{Params}}}"""));
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Assert.Equal(PactSet.Load(service.PactsDir).Find("treasury-pact")!.Validate("transfer_funds", Params).ToJson(), await call.Content.ReadAsStringAsync());

        var session = $"s-{Guid.NewGuid():N}";
        var batch = $$"""
            {"events\u0000":1,"events":[
              {"type":"session_start","sessionId":"{{session}}","agentId":"surrogate-agent","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact","n\udfff":"\ud83d"},
              {"type":"tool_call","sessionId":"{{session}}","agentId":"surrogate-agent","tool":"transfer_funds","params":{{Params}},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}
            ]}
            """;
        var first = await client.PostAsync("/api/v1/telemetry/events", Json(batch));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var ack = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, ack.GetProperty("accepted").GetInt32());
        Assert.Empty(ack.GetProperty("rejected").EnumerateArray());
        Assert.Single(ack.GetProperty("verdicts").EnumerateArray());
        var retry = await (await client.PostAsync("/api/v1/telemetry/events", Json(batch))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, retry.GetProperty("duplicates").GetInt32()); // the canonical form is stable
        Assert.True(service.Factory.Services.GetRequiredService<SqliteLedgerStore>().Verify().Ok);
    }

    [Fact]
    public async Task Invalid_UTF_8_is_judged_in_params_as_replay_judges_it_and_refused_as_a_tool_name()
    {
        var client = service.Client();
        byte[] Body(string before, string after) => [.. Encoding.UTF8.GetBytes(before), 0xFF, .. Encoding.UTF8.GetBytes(after)];
        using var badTool = new ByteArrayContent(Body("""{"tool":"get_""", """balance","params":{}}"""));
        badTool.Headers.ContentType = new("application/json");
        var refused = await client.PostAsync("/api/v1/pacts/treasury-pact/validate-call", badTool);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("`tool` is not valid UTF-8 text", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var parameters = Body("""{"wallet":"0xA""", "\"}");
        using var badParam = new ByteArrayContent([.. """{"tool":"get_balance","params":"""u8, .. parameters, (byte)'}']);
        badParam.Headers.ContentType = new("application/json");
        var judged = await client.PostAsync("/api/v1/pacts/treasury-pact/validate-call", badParam);
        Assert.Equal(HttpStatusCode.OK, judged.StatusCode);
        var expected = PactSet.Load(service.PactsDir).Find("treasury-pact")!.Validate("get_balance", (ReadOnlyMemory<byte>)parameters).ToJson();
        Assert.Equal(expected, await judged.Content.ReadAsStringAsync());
    }

    [Fact]
    public void The_canonical_form_keeps_an_unpaired_surrogate_as_one_lowercase_escape_and_the_rest_as_usual()
    {
        using var doc = JsonDocument.Parse("""{"b":"\uD800 \u00e9 \ud83d\ude00","a\udc00":["x",1.50]}""");
        Assert.Equal("""{"a\udc00":["x",1.50],"b":"\ud800 é \uD83D\uDE00"}""", CanonicalJson.Write(doc.RootElement));
        using var plain = JsonDocument.Parse("""{"b":"é \ud83d\ude00","a":["x",1.50],"c":"é 😀 <\"/>"}""");
        Assert.Equal("""{"a":["x",1.50],"b":"é \uD83D\uDE00","c":"é \uD83D\uDE00 <\"/>"}""", CanonicalJson.Write(plain.RootElement));
    }

    [Fact]
    public async Task Unknown_pact_is_404()
    {
        var response = await service.Client().PostAsync("/api/v1/pacts/nope/validate-call", Json("""{"tool":"t","params":{}}"""));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Ingest_stores_valid_events_rejects_bad_ones_and_acknowledges_retries()
    {
        var session = $"s-{Guid.NewGuid():N}";
        var batch = $$"""
            {"events":[
              {"type":"session_start","sessionId":"{{session}}","agentId":"ingest-agent","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"},
              {"type":"tool_call","sessionId":"{{session}}","agentId":"ingest-agent","tool":"transfer_funds","params":{{Transfer}},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"},
              {"type":"tool_call","sessionId":"{{session}}","agentId":"ingest-agent","tool":"transfer_funds","outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"},
              {"type":"session_end","sessionId":"{{session}}","agentId":"ingest-agent","endedAt":"2026-11-21T08:00:09Z","outcome":"success"}
            ]}
            """;
        var client = service.Client();
        var first = await (await client.PostAsync("/api/v1/telemetry/events", Json(batch))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, first.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(first.GetProperty("rejected").EnumerateArray());
        Assert.Equal(2, rejected.GetProperty("index").GetInt32());
        Assert.Contains("params", rejected.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var verdict = Assert.Single(first.GetProperty("verdicts").EnumerateArray());
        Assert.False(verdict.GetProperty("verdict").GetProperty("valid").GetBoolean());

        var retry = await (await client.PostAsync("/api/v1/telemetry/events", Json(batch))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, retry.GetProperty("duplicates").GetInt32());
        Assert.Equal(first.GetProperty("head").GetProperty("seq").GetInt64(), retry.GetProperty("head").GetProperty("seq").GetInt64());

        var trust = await client.GetFromJsonAsync<JsonElement>("/api/v1/trust/ingest-agent");
        Assert.Equal(1, trust.GetProperty("toolCalls").GetInt32());
        Assert.Equal(0.0, trust.GetProperty("complianceRate").GetDouble());
        Assert.Equal(1, trust.GetProperty("invalidBySeverity").GetProperty("critical").GetInt32());
        Assert.True(service.Factory.Services.GetRequiredService<SqliteLedgerStore>().Verify().Ok);
    }

    [Fact]
    public async Task A_key_scoped_to_agents_ingests_only_their_events_and_reads_only_their_trust()
    {
        var keys = service.Factory.Services.GetRequiredService<KeyStore>();
        var team = $"team-{Guid.NewGuid():N}";
        var scoped = service.Client(withKey: false);
        scoped.DefaultRequestHeaders.Add("X-Pact-Key", keys.Add("team a", AgentScope.Of([team + "/*"])).Key);
        var batch = $$"""
            {"events":[
              {"type":"session_start","sessionId":"{{team}}-1","agentId":"{{team}}/atlas","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"},
              {"type":"tool_call","sessionId":"{{team}}-1","agentId":"{{team}}/atlas","tool":"transfer_funds","params":{{Transfer}},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"},
              {"type":"tool_call","sessionId":"{{team}}-1","agentId":"{{team}}-other","tool":"transfer_funds","params":{{Transfer}},"outcome":"success","attemptedAt":"2026-11-21T08:00:02Z"}
            ]}
            """;
        var answer = await (await scoped.PostAsync("/api/v1/telemetry/events", Json(batch))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, answer.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(answer.GetProperty("rejected").EnumerateArray());
        Assert.Equal(2, rejected.GetProperty("index").GetInt32());
        Assert.Equal($"this key may not send events of agent `{team}-other` (its agents: {team}/*)", rejected.GetProperty("reason").GetString());

        Assert.Equal(1, (await scoped.GetFromJsonAsync<JsonElement>($"/api/v1/trust/{team}/atlas")).GetProperty("toolCalls").GetInt32());
        var other = await scoped.GetAsync($"/api/v1/trust/{team}-other");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Contains("may not act for agent", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // An agent with no events is refused the same way: a scoped key does not learn which agents exist.
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync("/api/v1/trust/nobody-at-all")).StatusCode);

        // A pre-flight as another agent would read its budget state.
        var preflight = await scoped.PostAsync("/api/v1/pacts/treasury-pact/validate-call", Json($$"""{"tool":"transfer_funds","params":{{Transfer}},"agentId":"{{team}}-other"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, preflight.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await scoped.PostAsync("/api/v1/pacts/treasury-pact/validate-call", Json($$"""{"tool":"transfer_funds","params":{{Transfer}},"agentId":"{{team}}/atlas"}"""))).StatusCode);

        // An unscoped key keeps today's meaning.
        Assert.Equal(HttpStatusCode.NotFound, (await service.Client().GetAsync($"/api/v1/trust/{team}-other")).StatusCode);
    }

    [Fact]
    public async Task Metrics_need_no_key_count_pre_flights_and_label_no_agent()
    {
        var agent = $"preflight-{Guid.NewGuid():N}";
        var client = service.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/pacts/treasury-pact/validate-call", Json($$"""{"tool":"transfer_funds","params":{{Transfer}},"agentId":"{{agent}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/pacts/treasury-pact/validate-call", Json($$"""{"tool":"{{agent}}","params":""" + "{}}"))).StatusCode);
        var text = await service.Client(withKey: false).GetStringAsync("/metrics");
        Assert.Contains("pacts_preflight_verdicts_total{pact=\"treasury-pact\",tool=\"transfer_funds\",severity=\"critical\"}", text, StringComparison.Ordinal);
        Assert.Contains("pacts_preflight_verdicts_total{pact=\"treasury-pact\",tool=\"(unbound)\",severity=\"critical\"}", text, StringComparison.Ordinal);
        Assert.DoesNotContain(agent, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retry_in_another_key_order_is_a_duplicate_and_the_ledger_keeps_the_order_first_sent()
    {
        var session = $"order-{Guid.NewGuid():N}";
        var sent = $$$"""{"type":"session_start","sessionId":"{{{session}}}","agentId":"order-agent","startedAt":"2026-11-21T08:00:00Z","metadata":{"z":1,"a":2}}""";
        var reordered = $$$"""{ "metadata": {"a": 2, "z": 1}, "startedAt": "2026-11-21T08:00:00Z", "agentId": "order-agent", "sessionId": "{{{session}}}", "type": "session_start" }""";
        var client = service.Client();
        var first = await (await client.PostAsync("/api/v1/telemetry/events", Json($$"""{"events":[{{sent}}]}"""))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, first.GetProperty("accepted").GetInt32());
        var retry = await (await client.PostAsync("/api/v1/telemetry/events", Json($$"""{"events":[{{reordered}}]}"""))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, retry.GetProperty("duplicates").GetInt32());
        var ledger = service.Factory.Services.GetRequiredService<SqliteLedgerStore>();
        Assert.Equal(sent, ledger.Records().Single(r => r.Body.Contains(session, StringComparison.Ordinal)).Body);
        Assert.True(ledger.Verify().Ok);
    }

    [Fact]
    public async Task Exported_ledger_replays_to_the_recorded_verdicts()
    {
        var session = $"x-{Guid.NewGuid():N}";
        // The last call's extra params are out of sorted order and one is given twice: their violations come in the
        // params' key order, which the stored event must keep for the replay to agree.
        var calls = new[]
        {
            Transfer, """{"destination":"0xA11A000000000000000000000000000000000001","amount":10,"currency":"USDC"}""",
            """{"zeta":1,"destination":"0xA11A000000000000000000000000000000000001","amount":10,"currency":"USDC","alpha":2,"zeta":3}""",
        };
        var events = string.Join(",", calls.Select((c, i) =>
            $$"""{"type":"tool_call","sessionId":"{{session}}","agentId":"export-agent","tool":"transfer_funds","params":{{c}},"outcome":"success","attemptedAt":"2026-11-21T08:00:0{{i}}Z"}"""));
        var batch = $$"""{"events":[{"type":"session_start","sessionId":"{{session}}","agentId":"export-agent","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"},{{events}}]}""";
        Assert.Equal(HttpStatusCode.OK, (await service.Client().PostAsync("/api/v1/telemetry/events", Json(batch))).StatusCode);

        var ledger = service.Factory.Services.GetRequiredService<SqliteLedgerStore>();
        var records = ledger.Records().ToList();
        var log = string.Join("\n", records.Select(r => r.Body));
        var analyzer = new Replay.ReplayAnalyzer(PactSet.Load(service.PactsDir));
        var replayed = Events.EventLogReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(log)), "export.jsonl")
            .Select(analyzer.Process).Where(c => c is not null).Select(c => c!.Verdict.ToJson()).ToList();
        var recorded = records.Where(r => r.Verdict is not null).Select(r => r.Verdict!).ToList();
        Assert.Equal(recorded, replayed);
        Assert.Equal(0, analyzer.Report().Malformed);
    }

    [Fact]
    public async Task Oversized_batches_are_413()
    {
        var events = string.Join(",", Enumerable.Repeat("{}", 1001));
        var response = await service.Client().PostAsync("/api/v1/telemetry/events", Json($$"""{"events":[{{events}}]}"""));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Oversized_bodies_are_413_and_deep_params_are_refused_with_a_reason()
    {
        var client = service.Client();
        var huge = new string('x', 5 * 1024 * 1024);
        var big = await client.PostAsync("/api/v1/telemetry/events", Json($$"""{"events":[{"type":"x","pad":"{{huge}}"}]}"""));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);

        // Params may nest Pact.MaxParamsDepth (64) levels by default, as in replay and the CLI: {"a": [ x64 ]} is 65.
        var deep = new string('[', 64) + new string(']', 64);
        var call = await client.PostAsync("/api/v1/pacts/treasury-pact/validate-call", Json($$$"""{"tool":"transfer_funds","params":{"a":{{{deep}}}}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, call.StatusCode);
        Assert.Contains("deeper", await call.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var nested = new string('[', 64) + new string(']', 64);
        var events = $$$"""{"events":[{"type":"tool_call","sessionId":"d","agentId":"deep","tool":"t","params":{"a":{{{nested}}}},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}]}""";
        var ingest = await (await client.PostAsync("/api/v1/telemetry/events", Json(events))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, ingest.GetProperty("accepted").GetInt32());
        Assert.Contains("deeper", Assert.Single(ingest.GetProperty("rejected").EnumerateArray()).GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("params", 99, "`params` nest deeper than 64 levels")] // params 100 levels: the body was over its old limit (72), failing the batch
    [InlineData("metadata", 127, "the event nests deeper than 128 levels")] // 129 levels: as a log line, malformed, so not stored either
    [InlineData("metadata", 998, "the event nests deeper than 128 levels")]
    public async Task One_event_nested_too_deep_is_rejected_alone_and_its_batch_is_stored(string field, int arrays, string reason)
    {
        // A 400 for the whole batch made an agent's client drop every event in it. Now each event is held to what
        // replay reads (params 64 levels, a line 128), and the rest of the batch is stored.
        var nested = new string('[', arrays) + new string(']', arrays);
        var good = $$"""{"type":"session_start","sessionId":"batch-{{field}}-{{arrays}}","agentId":"deep-batch","startedAt":"2026-11-21T08:00:00Z"}""";
        var deep = field == "params"
            ? $$$"""{"type":"tool_call","sessionId":"d","agentId":"deep-batch","tool":"t","params":{"a":{{{nested}}}},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}"""
            : $$$"""{"type":"session_end","sessionId":"d","agentId":"deep-batch","endedAt":"2026-11-21T08:00:09Z","outcome":"success","metadata":{"a":{{{nested}}}}}""";
        var response = await service.Client().PostAsync("/api/v1/telemetry/events", Json($$"""{"events":[{{good}},{{deep}}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var rejected = Assert.Single(body.GetProperty("rejected").EnumerateArray());
        Assert.Equal(1, rejected.GetProperty("index").GetInt32());
        Assert.Equal(reason, rejected.GetProperty("reason").GetString());
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
    }

    [Theory]
    [InlineData(126, true)] // the event (1), metadata's object (2), 126 arrays: 128 levels
    [InlineData(127, false)]
    public async Task The_service_stores_an_event_exactly_when_replay_reads_it_as_a_line(int arrays, bool stored)
    {
        var nested = new string('[', arrays) + new string(']', arrays);
        var ev = $$$"""{"type":"session_end","sessionId":"deep{{{arrays}}}","agentId":"deep128","endedAt":"2026-11-21T08:00:09Z","outcome":"success","metadata":{"a":{{{nested}}}}}""";
        var body = await (await service.Client().PostAsync("/api/v1/telemetry/events", Json($$"""{"events":[{{ev}}]}"""))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(stored, body.GetProperty("rejected").GetArrayLength() == 0);
        var line = Assert.Single(Pacts.Events.EventLogReader.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(ev)), "x.jsonl"));
        Assert.Equal(stored ? Pacts.Events.LogRecordKind.Event : Pacts.Events.LogRecordKind.Malformed, line.Kind);
    }

    [Fact]
    public async Task A_lower_param_depth_is_a_policy_the_service_holds()
    {
        using var strict = service.Factory.WithWebHostBuilder(b => b.UseSetting("max-param-depth", "8"));
        var client = strict.CreateClient();
        client.DefaultRequestHeaders.Add("X-Pact-Key", service.Key);
        var nested = new string('[', 9) + new string(']', 9); // {"a": [ x9 ]}: 10 levels
        var call = await client.PostAsync("/api/v1/pacts/treasury-pact/validate-call", Json($$$"""{"tool":"get_balance","params":{"a":{{{nested}}}}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, call.StatusCode);
        Assert.Contains("deeper than 8 levels", await call.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var events = $$$"""{"events":[{"type":"tool_call","sessionId":"d8","agentId":"deep8","tool":"t","params":{"a":{{{nested}}}},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}]}""";
        var ingest = await (await client.PostAsync("/api/v1/telemetry/events", Json(events))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("deeper than 8 levels", Assert.Single(ingest.GetProperty("rejected").EnumerateArray()).GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parallel_ingest_leaves_one_linear_chain_that_verifies()
    {
        var ledger = service.Factory.Services.GetRequiredService<SqliteLedgerStore>();
        var before = ledger.Head().Seq;
        await Parallel.ForAsync(0, 16, async (i, ct) =>
        {
            var client = service.Client();
            for (var b = 0; b < 5; b++)
            {
                var json = $$"""{"events":[{"type":"session_start","sessionId":"p{{i}}-{{b}}","agentId":"parallel","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}]}""";
                var r = await client.PostAsync("/api/v1/telemetry/events", Json(json), ct);
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }
        });
        Assert.Equal(before + 80, ledger.Head().Seq);
        Assert.True(ledger.Verify().Ok);
    }
}
