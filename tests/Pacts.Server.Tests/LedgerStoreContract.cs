namespace Pacts.Server.Tests;

/// <summary>
/// What every <see cref="ILedgerStore"/> promises, run against each implementation by a subclass that says how to make
/// a fresh, empty store (<see cref="SqliteLedgerStoreTests"/>; a PostgreSQL store subclasses this the same way).
/// </summary>
public abstract class LedgerStoreContract : IDisposable
{
    private const string Good = """{"destination":"0xA11A000000000000000000000000000000000001","amount":10,"currency":"USDC"}""";
    private const string Bad = """{"destination":"0xEEEE000000000000000000000000000000000666","amount":7500,"currency":"USDC"}""";

    private static readonly Pact Treasury = PactSet.Load(Pacts.Testing.Shared.RepoPaths.ExamplePacts).Find("treasury-pact")!;

    private readonly List<ILedgerStore> _made = [];

    /// <summary>A new, empty store; each is handed to <see cref="Release"/> when its test ends.</summary>
    protected abstract ILedgerStore Create();

    /// <summary>Disposes a store <see cref="Create"/> made and removes its storage.</summary>
    protected abstract void Release(ILedgerStore store);

    private ILedgerStore Store()
    {
        var store = Create();
        _made.Add(store);
        return store;
    }

    private static LedgerEntry Start(string session, string agent, string? pact, int second = 0) => new(
        pact is null
            ? $$"""{"type":"session_start","sessionId":"{{session}}","agentId":"{{agent}}","startedAt":"2026-11-21T08:00:{{second:00}}Z"}"""
            : $$"""{"type":"session_start","sessionId":"{{session}}","agentId":"{{agent}}","startedAt":"2026-11-21T08:00:{{second:00}}Z","pactId":"{{pact}}"}""",
        null);

    private static LedgerEntry Call(string session, string agent, string parameters, int second) => new(
        $$"""{"type":"tool_call","sessionId":"{{session}}","agentId":"{{agent}}","tool":"transfer_funds","params":{{parameters}},"outcome":"success","attemptedAt":"2026-11-21T08:00:{{second:00}}Z"}""",
        Treasury.Validate("transfer_funds", parameters).ToJson(), "treasury-pact");

    private static async Task<List<LedgerRecord>> Chain(ILedgerStore store)
    {
        var records = new List<LedgerRecord>();
        await foreach (var r in store.RecordsAsync())
        {
            records.Add(r);
        }

        return records;
    }

    [Fact]
    public async Task An_empty_store_has_the_genesis_head_and_no_records()
    {
        var store = Store();
        Assert.Equal((0L, SqliteLedgerStore.Genesis), await store.HeadAsync());
        Assert.Empty(await Chain(store));
        Assert.True((await store.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task Appended_entries_read_back_in_order_as_one_chain_ending_at_the_head()
    {
        var store = Store();
        LedgerEntry[] first = [Start("s1", "a", "treasury-pact"), Call("s1", "a", Good, 1)];
        LedgerEntry[] second = [Call("s1", "a", Bad, 2)];
        var (results, head1) = await store.AppendAsync(first);
        Assert.Equal(new[] { (1L, true), (2L, true) }, results);
        var (_, head2) = await store.AppendAsync(second);

        var chain = await Chain(store);
        Assert.Equal(new[] { 1L, 2L, 3L }, chain.Select(r => r.Seq));
        Assert.Equal(first.Concat(second).Select(e => e.Body), chain.Select(r => r.Body)); // the bytes as given, not normalised
        Assert.Equal(first.Concat(second).Select(e => e.Verdict), chain.Select(r => r.Verdict));
        Assert.Equal(SqliteLedgerStore.Genesis, chain[0].PrevHash);
        Assert.All(chain.Skip(1).Zip(chain), p => Assert.Equal(p.Second.Hash, p.First.PrevHash));
        Assert.Equal((2L, chain[1].Hash), head1);
        Assert.Equal((3L, chain[2].Hash), head2);
        Assert.Equal(head2, await store.HeadAsync());
        Assert.True((await store.VerifyAsync(head1)).Ok);
    }

    [Fact]
    public async Task A_retry_is_acknowledged_by_event_hash_and_not_stored_again_even_in_another_key_order()
    {
        var store = Store();
        var start = Start("s1", "a", "treasury-pact");
        var (_, head) = await store.AppendAsync([start, Call("s1", "a", Good, 1)]);
        var reordered = new LedgerEntry("""{ "pactId": "treasury-pact", "startedAt": "2026-11-21T08:00:00Z", "agentId": "a", "sessionId": "s1", "type": "session_start" }""", null);
        var (results, after) = await store.AppendAsync([Call("s1", "a", Good, 1), reordered, Start("s2", "a", null)]);
        Assert.Equal(new[] { (2L, false), (1L, false), (3L, true) }, results);
        Assert.Equal(3L, after.Seq);
        Assert.Equal(start.Body, (await Chain(store))[0].Body); // the form first sent is the one kept
        Assert.Equal(head.Hash, (await Chain(store))[1].Hash);
    }

    [Fact]
    public async Task The_session_pact_is_that_of_the_latest_stored_session_start()
    {
        var store = Store();
        Assert.Null(await store.SessionPactAsync("s1"));
        await store.AppendAsync([Start("s1", "a", "treasury-pact"), Start("s2", "a", "other-pact", 1)]);
        Assert.Equal("treasury-pact", await store.SessionPactAsync("s1"));
        Assert.Equal("other-pact", await store.SessionPactAsync("s2"));
        await store.AppendAsync([Start("s1", "a", "other-pact", 2)]);
        Assert.Equal("other-pact", await store.SessionPactAsync("s1"));
        await store.AppendAsync([Start("s1", "a", null, 3)]); // a later start naming no pact unbinds the session
        Assert.Null(await store.SessionPactAsync("s1"));
        Assert.Null(await store.SessionPactAsync("s3"));
    }

    [Fact]
    public async Task The_trust_summary_counts_every_append_as_it_happens()
    {
        var store = Store();
        Assert.Null(await store.TrustAsync("a"));
        await store.AppendAsync([Start("s1", "a", "treasury-pact"), Call("s1", "a", Good, 1)]);
        var one = (await store.TrustAsync("a"))!;
        Assert.Equal((1L, 1L, 1L, 0L), (one.ToolCalls, one.Evaluated, one.Valid, one.Critical));
        Assert.Empty(one.TopParamPaths);

        var unjudged = new LedgerEntry("""{"type":"tool_call","sessionId":"s9","agentId":"a","tool":"t","params":{},"outcome":"success","attemptedAt":"2026-11-21T08:00:05Z"}""", null);
        await store.AppendAsync([Call("s1", "a", Bad, 2), unjudged, Start("s2", "b", null)]);
        var two = (await store.TrustAsync("a"))!;
        Assert.Equal((3L, 2L, 1L, 1L, 0L, 0L), (two.ToolCalls, two.Evaluated, two.Valid, two.Critical, two.Major, two.Minor));
        Assert.Contains(two.TopParamPaths, p => p.ParamPath == "destination" && p.Count == 1);
        Assert.Equal("2026-11-21T08:00:05.0000000Z", two.LastEventAt);
        Assert.Equal(0L, (await store.TrustAsync("b"))!.ToolCalls);

        await store.AppendAsync([Call("s1", "a", Bad, 2)]); // a retry counts nothing
        Assert.Equal(3L, (await store.TrustAsync("a"))!.ToolCalls);
        Assert.True((await store.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task Concurrent_appends_make_one_linear_chain()
    {
        var store = Store();
        await Parallel.ForAsync(0, 8, async (i, ct) =>
        {
            for (var b = 0; b < 5; b++)
            {
                await store.AppendAsync([Start($"p{i}-{b}", "parallel", "treasury-pact")], ct);
            }
        });
        Assert.Equal(Enumerable.Range(1, 40).Select(n => (long)n), (await Chain(store)).Select(r => r.Seq));
        Assert.True((await store.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task A_body_is_kept_byte_for_byte_with_its_key_order_escapes_and_exact_numbers()
    {
        var store = Store();
        // No JSON normalisation (a jsonb column would reorder keys, drop the escapes and round the numbers).
        const string body = """{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{"z":1.50000000000000000000001,"a":"caf\u00e9 \"q\" \ud83d\ude00","big":1e400,"n":-0.0,"k":{ "y" : [ 1,2 ] }},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""";
        await store.AppendAsync([new LedgerEntry(body, null)]);
        Assert.Equal(body, (await Chain(store)).Single().Body);
        Assert.True(await store.ContainsAsync(body));
        Assert.True((await store.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task Verification_against_an_earlier_head_catches_a_ledger_that_ends_before_it()
    {
        var store = Store();
        var (_, head) = await store.AppendAsync([Start("s1", "a", "treasury-pact"), Call("s1", "a", Good, 1)]);
        Assert.True((await store.VerifyAsync(head)).Ok);
        Assert.True((await store.VerifyAsync((0, SqliteLedgerStore.Genesis))).Ok);
        var beyond = await store.VerifyAsync((head.Seq + 1, head.Hash));
        Assert.False(beyond.Ok);
        Assert.Contains("removed from its end", beyond.Problem, StringComparison.Ordinal);
        var rewritten = await store.VerifyAsync((head.Seq, new string('f', 64)));
        Assert.False(rewritten.Ok);
        Assert.Contains("rewritten", rewritten.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_are_stored_listed_looked_up_only_while_live_and_revoked_once()
    {
        var store = Store();
        var created = new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
        byte[] hash = [1, 2, 3, 4];
        await store.AddKeyAsync(new ApiKeyInfo("k1", "first", created, null), hash);
        await store.AddKeyAsync(new ApiKeyInfo("k2", "second", created.AddMinutes(1), null), [5, 6]);
        Assert.Equal(new[] { "k1", "k2" }, (await store.KeysAsync()).Select(k => k.Id));
        Assert.Equal(hash, (await store.LiveKeyAsync("k1"))!.Hash);
        Assert.True((await store.LiveKeyAsync("k1"))!.Agents.IsEveryone);
        Assert.Null(await store.LiveKeyAsync("nope"));

        Assert.True(await store.RevokeKeyAsync("k1", created.AddHours(1)));
        Assert.False(await store.RevokeKeyAsync("k1", created.AddHours(2)));
        Assert.False(await store.RevokeKeyAsync("nope", created));
        Assert.Null(await store.LiveKeyAsync("k1"));
        var k1 = (await store.KeysAsync()).Single(k => k.Id == "k1");
        Assert.Equal(("first", created, created.AddHours(1)), (k1.Description, k1.Created, k1.Revoked!.Value));
        Assert.Equal(new byte[] { 5, 6 }, (await store.LiveKeyAsync("k2"))!.Hash);
    }

    [Fact]
    public async Task An_agents_recent_tool_calls_are_the_last_before_a_record_oldest_first()
    {
        var store = Store();
        var entries = new List<LedgerEntry> { Start("r1", "recent", "treasury-pact") };
        const string Parameters = """{"destination":"0xA11A000000000000000000000000000000000001","amount":1,"currency":"USDC"}""";
        for (var i = 0; i < 5; i++)
        {
            entries.Add(Call("r1", i % 2 == 0 ? "recent" : "other", Parameters, i + 1));
        }

        var (results, _) = await store.AppendAsync(entries);
        var recent = await store.RecentToolCallsAsync("recent", results[^1].Seq, 10);
        Assert.Equal([results[1].Seq, results[3].Seq], recent.Select(r => r.Seq)); // its tool calls only, before record 5
        Assert.Equal(entries[1].Verdict, recent[0].Verdict);
        Assert.Single(await store.RecentToolCallsAsync("recent", results[^1].Seq, 1));
        Assert.Empty(await store.RecentToolCallsAsync("nobody", long.MaxValue, 10));
    }

    [Fact]
    public async Task A_key_keeps_its_agent_scope()
    {
        var store = Store();
        var created = new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
        await store.AddKeyAsync(new ApiKeyInfo("k1", "team a", created, null) { Agents = AgentScope.Of(["team-a/*", "atlas"]) }, [1]);
        await store.AddKeyAsync(new ApiKeyInfo("k2", "everyone", created, null), [2]);
        Assert.Equal(["team-a/*", "atlas"], (await store.LiveKeyAsync("k1"))!.Agents.Patterns);
        Assert.True((await store.LiveKeyAsync("k2"))!.Agents.IsEveryone);
        Assert.Equal(["team-a/*", "atlas"], (await store.KeysAsync()).Single(k => k.Id == "k1").Agents.Patterns);
        Assert.True((await store.KeysAsync()).Single(k => k.Id == "k2").Agents.IsEveryone);
    }

    public void Dispose()
    {
        foreach (var store in _made)
        {
            Release(store);
        }

        GC.SuppressFinalize(this);
    }
}
