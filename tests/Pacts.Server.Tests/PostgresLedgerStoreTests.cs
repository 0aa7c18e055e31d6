using Pacts.Evaluating;

namespace Pacts.Server.Tests;

/// <summary>The store contract, run against the PostgreSQL store on a real server (<see cref="Pacts.Testing.Shared.PostgresCluster"/>), a fresh schema per store.</summary>
public sealed class PostgresLedgerStoreTests : LedgerStoreContract
{
    protected override ILedgerStore Create() => new PostgresLedgerStore(Pacts.Testing.Shared.PostgresCluster.NewSchema());

    protected override void Release(ILedgerStore store)
    {
        var pg = (PostgresLedgerStore)store;
        pg.Dispose();
        Pacts.Testing.Shared.PostgresCluster.DropSchema(pg.ConnectionString);
    }
}

/// <summary>What only a shared database can show: several instances on one PostgreSQL ledger.</summary>
public sealed class PostgresInstancesTests : IDisposable
{
    private readonly string _connection = Pacts.Testing.Shared.PostgresCluster.NewSchema();
    private readonly List<PostgresLedgerStore> _instances = [];

    private string? _database;

    private PostgresLedgerStore Instance()
    {
        var store = new PostgresLedgerStore(_connection);
        _instances.Add(store);
        return store;
    }

    /// <summary>
    /// An instance on a database of this test's own: advisory locks are the database's, shared by every schema in it, so
    /// a test that reads who holds or waits for the ingest lock would see the instances of tests running beside it.
    /// </summary>
    private PostgresLedgerStore Alone()
    {
        _database ??= Pacts.Testing.Shared.PostgresCluster.NewDatabase();
        var store = new PostgresLedgerStore(_database);
        _instances.Add(store);
        return store;
    }

    private static LedgerEntry Start(string session) =>
        new($$"""{"type":"session_start","sessionId":"{{session}}","agentId":"fleet","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}""", null);

    [Fact]
    public async Task Instances_appending_at_once_extend_one_chain_in_one_order_with_one_summary()
    {
        var a = Instance();
        var b = Instance(); // the second start finds the schema migrated and migrates nothing
        var heads = new System.Collections.Concurrent.ConcurrentBag<(long, string)>();
        await Parallel.ForAsync(0, 16, async (i, ct) =>
        {
            var store = i % 2 == 0 ? a : b;
            for (var n = 0; n < 10; n++)
            {
                var (results, head) = await store.AppendAsync([Start($"i{i}-{n}-x"), Start($"i{i}-{n}-y")], ct);
                Assert.All(results, r => Assert.True(r.Stored));
                heads.Add(head);
            }
        });

        var records = new List<LedgerRecord>();
        await foreach (var r in a.RecordsAsync())
        {
            records.Add(r);
        }

        Assert.Equal(Enumerable.Range(1, 320).Select(n => (long)n), records.Select(r => r.Seq));
        Assert.Equal(await a.HeadAsync(), await b.HeadAsync());
        Assert.Equal(320, heads.Max(h => h.Item1));
        Assert.True((await b.VerifyAsync()).Ok);
        Assert.True(a.Commits + b.Commits <= 160); // batches from one instance shared transactions
        Assert.Equal(0L, (await a.TrustAsync("fleet"))!.ToolCalls);
        Assert.Equal("2026-11-21T08:00:00.0000000Z", (await b.TrustAsync("fleet"))!.LastEventAt);
    }

    [Fact]
    public async Task An_agent_spreading_calls_across_instances_gets_one_budget_not_one_per_instance()
    {
        // daily-outflow: at most 50000 per agent in 24 h. Sixteen transfers of 5000, sent to two instances at once:
        // ten pass in ledger order, whichever instance took them; with a book per instance, each would pass eight.
        var pacts = PactSet.Load(Pacts.Testing.Shared.RepoPaths.ExamplePacts);
        using var a = new Ingestor(Instance());
        using var b = new Ingestor(Instance());
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        string Batch(int i) => $$"""
            [{"type":"tool_call","sessionId":"spread-{{i}}","agentId":"spreader","tool":"transfer_funds","pactId":"treasury-pact",
              "params":{"destination":"0xA11A000000000000000000000000000000000001","amount":5000,"currency":"USDC"},
              "outcome":"success","attemptedAt":"{{start.AddSeconds(i):yyyy-MM-ddTHH:mm:ssZ}}"}]
            """;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            using var doc = System.Text.Json.JsonDocument.Parse(Batch(i));
            var result = await (i % 2 == 0 ? a : b).IngestAsync(doc.RootElement, pacts, 64);
            Assert.Single(result.Verdicts);
        })));

        var verdicts = new List<Verdict>();
        await foreach (var r in _instances[0].RecordsAsync())
        {
            verdicts.Add(Verdict.FromJson(r.Verdict!)!);
        }

        Assert.Equal(16, verdicts.Count);
        Assert.All(verdicts.Take(10), v => Assert.True(v.Valid));
        Assert.All(verdicts.Skip(10), v => Assert.Contains(v.Violations, x => x.Rule == "budget"));

        // A pre-flight on either instance sees the fleet's total.
        using var call = System.Text.Json.JsonDocument.Parse("""{"destination":"0xA11A000000000000000000000000000000000001","amount":1,"currency":"USDC"}""");
        var pact = pacts.Find("treasury-pact")!;
        foreach (var ingestor in new[] { a, b })
        {
            var preflight = await ingestor.PreflightAsync(pact, pacts, "transfer_funds", call.RootElement, "spreader", null, DateTimeOffset.UtcNow);
            Assert.False(preflight.Valid);
        }
    }

    [Fact]
    public async Task The_ingest_lock_has_one_holder_and_the_holder_sees_who_waits()
    {
        var a = Alone();
        var b = Alone();
        var held = await a.LockIngestAsync();
        Assert.Equal(IngestLockState.Held, await a.IngestLockStateAsync(held));
        var second = b.LockIngestAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await a.IngestLockStateAsync(held) != IngestLockState.Wanted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the waiting instance never showed in pg_locks");
            await Task.Delay(20);
        }

        Assert.False(second.IsCompleted);
        await held.DisposeAsync();
        await using (var taken = await second.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.Equal(IngestLockState.Held, await b.IngestLockStateAsync(taken));
        }
    }

    [Fact]
    public async Task A_lock_whose_connection_was_cut_is_let_go_and_the_next_holder_takes_it()
    {
        var a = Alone();
        var b = Alone();
        var held = await a.LockIngestAsync();
        Sql($"SELECT pg_terminate_backend({((PostgresLedgerStore.HeldLock)held).ProcessId})"); // a network cut, a restarted server
        Assert.Equal(IngestLockState.Lost, await a.IngestLockStateAsync(held)); // the session that held it is gone, and the lock with it
        await held.DisposeAsync(); // on a dead connection: nothing to release, no error
        await using var taken = await b.LockIngestAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(IngestLockState.Held, await b.IngestLockStateAsync(taken));
    }

    // An instance whose lock connection is cut while its batches wait for their commit must not go on judging as if it
    // still held the lock: another instance may take it and charge the budget meanwhile. Within MaxLockHold it lets the
    // dead lock go, takes it again and reads what the others appended.
    [Fact]
    public async Task An_instance_that_lost_the_ingest_lock_takes_it_again_and_sees_what_others_charged_meanwhile()
    {
        var pacts = PactSet.Load(Pacts.Testing.Shared.RepoPaths.ExamplePacts);
        var gated = new GatedSharedStore(Instance());
        using var a = new Ingestor(gated);
        using var b = new Ingestor(Instance());
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        string Call(string session, int second) => $$"""
            {"type":"tool_call","sessionId":"{{session}}","agentId":"cut","tool":"transfer_funds","pactId":"treasury-pact",
             "params":{"destination":"0xA11A000000000000000000000000000000000001","amount":5000,"currency":"USDC"},
             "outcome":"success","attemptedAt":"{{start.AddSeconds(second):yyyy-MM-ddTHH:mm:ssZ}}"}
            """;
        async Task<IngestResult> Ingest(Ingestor ingestor, params string[] events)
        {
            using var doc = System.Text.Json.JsonDocument.Parse("[" + string.Join(",", events) + "]");
            return await ingestor.IngestAsync(doc.RootElement, pacts, Pact.MaxParamsDepth);
        }

        var gate = gated.HoldNext();
        var first = Ingest(a, Call("a1", 0)); // judged under a's lock, then held before its commit: a keeps the lock
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (gated.Entered == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the first batch never reached its commit");
            await Task.Delay(10);
        }

        Sql($"SELECT pg_terminate_backend({((PostgresLedgerStore.HeldLock)gated.LastLock!).ProcessId})");
        var others = await Ingest(b, [.. Enumerable.Range(1, 10).Select(i => Call("b", i))]); // b takes the freed lock: 50000 of 50000
        Assert.All(others.Verdicts, v => Assert.True(Verdict.FromJson(v.VerdictJson)!.Valid));
        await Task.Delay(Ingestor.MaxLockHold * 3);
        var second = Ingest(a, Call("a2", 20)); // a looks at its lock, finds it gone, waits for its first batch to drain
        gate.SetResult(true);
        await first;
        var verdict = Verdict.FromJson(Assert.Single((await second).Verdicts).VerdictJson)!;
        var budget = Assert.Single(verdict.Violations, x => x.Rule == "budget"); // on top of b's 50000 and a's first 5000
        Assert.Equal("daily-outflow:5000/55000", $"{budget.Budget}:{budget.Value}/{budget.Used}");
        Assert.True((await gated.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task A_retry_sent_to_another_instance_is_acknowledged_not_stored_again()
    {
        var a = Instance();
        var b = Instance();
        var (first, _) = await a.AppendAsync([Start("once")]);
        var (again, head) = await b.AppendAsync([Start("once")]);
        Assert.Equal(first[0].Seq, again[0].Seq);
        Assert.False(again[0].Stored);
        Assert.Equal(1L, head.Seq);
        Assert.True(await b.ContainsAsync(Start("once").Body));
    }

    [Fact]
    public async Task Keys_added_on_one_instance_are_live_on_every_other()
    {
        var a = Instance();
        var b = Instance();
        await a.AddKeyAsync(new ApiKeyInfo("k1", "shared", DateTimeOffset.UnixEpoch, null), [7]);
        Assert.Equal(new byte[] { 7 }, (await b.LiveKeyAsync("k1"))!.Hash);
        Assert.True(await b.RevokeKeyAsync("k1", DateTimeOffset.UnixEpoch.AddDays(1)));
        Assert.Null(await a.LiveKeyAsync("k1"));
    }

    [Fact]
    public async Task An_altered_or_removed_record_is_named_by_verification()
    {
        var store = Instance();
        await store.AppendAsync([Start("v1"), Start("v2"), Start("v3")]);
        Sql("UPDATE events SET body = replace(body, 'v2', 'vX') WHERE seq = 2");
        var altered = await store.VerifyAsync();
        Assert.False(altered.Ok);
        Assert.Equal(2L, altered.FirstBadSeq);
        Sql("UPDATE events SET body = replace(body, 'vX', 'v2') WHERE seq = 2");
        Assert.True((await store.VerifyAsync()).Ok);
        Sql("DELETE FROM events WHERE seq = 2");
        Assert.Contains("record 2 is missing", (await store.VerifyAsync()).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_newer_than_this_build_is_refused_with_one_clear_error()
    {
        Instance().Dispose();
        Sql($"INSERT INTO pacts_migrations (version) VALUES ({PostgresLedgerStore.SchemaVersion + 1})");
        var ex = Assert.Throws<LedgerUnavailableException>(() => new PostgresLedgerStore(_connection));
        Assert.Contains($"its schema is version {PostgresLedgerStore.SchemaVersion + 1}, newer than this pacts knows", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_server_is_one_clear_error_naming_it_without_the_password()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port; // free now, nobody listening once closed
        }

        var ex = Assert.Throws<LedgerUnavailableException>(() => new PostgresLedgerStore($"Host=127.0.0.1;Port={port};Username=u;Password=secret;Timeout=3"));
        Assert.StartsWith($"the ledger at postgres://127.0.0.1:{port}/u is unavailable: ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    private void Sql(string sql)
    {
        using var c = new Npgsql.NpgsqlConnection(_connection);
        c.Open();
        using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var store in _instances)
        {
            store.Dispose();
        }

        Pacts.Testing.Shared.PostgresCluster.DropSchema(_connection);
        if (_database is not null)
        {
            Pacts.Testing.Shared.PostgresCluster.DropDatabase(_database);
        }
    }
}
