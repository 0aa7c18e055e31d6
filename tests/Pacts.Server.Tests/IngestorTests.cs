using System.Text.Json;
using Pacts.Evaluating;

namespace Pacts.Server.Tests;

/// <summary>Ingestion without HTTP: a parsed batch in, accepted entries, verdicts and rejections out, into a real store.</summary>
public class IngestorTests
{
    private const string Bad = """{"destination":"0xEEEE000000000000000000000000000000000666","amount":7500,"currency":"USDC"}""";

    private static readonly PactSet Loaded = PactSet.Load(Pacts.Testing.Shared.RepoPaths.ExamplePacts);

    private static string Start(string session, string? pact) => pact is null
        ? $$"""{"type":"session_start","sessionId":"{{session}}","agentId":"a","startedAt":"2026-11-21T08:00:00Z"}"""
        : $$"""{"type":"session_start","sessionId":"{{session}}","agentId":"a","startedAt":"2026-11-21T08:00:00Z","pactId":"{{pact}}"}""";

    private static string Call(string session, string? pact = null, string parameters = Bad, int second = 1) => pact is null
        ? $$"""{"type":"tool_call","sessionId":"{{session}}","agentId":"a","tool":"transfer_funds","params":{{parameters}},"outcome":"success","attemptedAt":"2026-11-21T08:00:{{second:00}}Z"}"""
        : $$"""{"type":"tool_call","sessionId":"{{session}}","agentId":"a","tool":"transfer_funds","params":{{parameters}},"outcome":"success","attemptedAt":"2026-11-21T08:00:{{second:00}}Z","pactId":"{{pact}}"}""";

    private static async Task<IngestResult> Ingest(Ingestor ingestor, int maxParamDepth, params string[] events)
    {
        using var doc = JsonDocument.Parse("[" + string.Join(",", events) + "]");
        return await ingestor.IngestAsync(doc.RootElement, Loaded, maxParamDepth);
    }

    [Fact]
    public async Task Calls_bind_to_their_own_pact_else_their_sessions_latest_start_in_this_batch_or_an_earlier_one()
    {
        using var t = new TempLedger();
        var ingestor = new Ingestor(t.Ledger);
        await Ingest(ingestor, Pact.MaxParamsDepth, Start("earlier", "treasury-pact"));

        var result = await Ingest(
            ingestor, Pact.MaxParamsDepth,
            Call("earlier"), // 0: bound through the store
            Start("here", "treasury-pact"), Call("here"), // 1, 2: bound in the batch
            Start("here", null), Call("here", second: 2), // 3, 4: the later start names no pact: unevaluated
            Call("nowhere"), // 5: no start anywhere: unevaluated
            Call("here", "unknown-pact")); // 6: its own id, naming no loaded pact: stored, not judged
        Assert.Equal(new[] { 0, 2 }, result.Verdicts.Select(v => v.Index));
        Assert.All(result.Verdicts, v => Assert.Equal("treasury-pact", v.PactId));
        Assert.Equal(Loaded.Find("treasury-pact")!.Validate("transfer_funds", Bad).ToJson(), result.Verdicts[0].VerdictJson);
        Assert.Equal(new[] { "treasury-pact", "treasury-pact", "treasury-pact", null, null, null, "unknown-pact" }, result.Accepted.Select(e => e.PactId));
        Assert.Equal(new[] { true, false, true, false, false, false, false }, result.Accepted.Select(e => e.Verdict is not null));
        Assert.Equal(Severity.Critical, result.Worst);
        Assert.Empty(result.Rejected);
        Assert.Equal((8L, (await t.Ledger.HeadAsync()).Hash), result.Head);
    }

    [Fact]
    public async Task Bad_events_are_rejected_by_index_and_the_rest_stored_and_a_retry_is_counted_as_duplicates()
    {
        using var t = new TempLedger();
        var ingestor = new Ingestor(t.Ledger);
        var deep = "{\"a\":" + new string('[', 8) + new string(']', 8) + "}"; // 9 levels
        string[] batch = [Start("s", "treasury-pact"), """{"type":"tool_call","sessionId":"s"}""", """{"type":"nope"}""", Call("s", parameters: deep)];
        var first = await Ingest(ingestor, 8, batch);
        Assert.Equal(
            new[] { (1, "missing field `agentId`"), (2, "unknown event type `nope`"), (3, "params nest deeper than 8 levels") },
            first.Rejected.Select(r => (r.Index, r.Reason)));
        Assert.Single(first.Accepted);
        Assert.Equal(0, first.Duplicates);
        Assert.Null(first.Worst);

        var retry = await Ingest(ingestor, 8, batch);
        Assert.Equal(1, retry.Duplicates);
        Assert.Equal(first.Head, retry.Head);
    }

    private const string Sweep = """{"destination":"0xA11A000000000000000000000000000000000001","amount":30000,"currency":"USDC"}""";

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static string Budgets(IngestResult r) =>
        string.Join(";", r.Verdicts.Select(v => string.Join(",", Verdict.FromJson(v.VerdictJson)!.Violations.Where(x => x.Rule == "budget").Select(x => $"{x.Budget}:{x.Value}/{x.Used}"))));

    [Fact]
    public async Task A_budget_survives_a_restart_and_a_retry_after_it_is_not_charged_again()
    {
        using var t = new TempLedger();
        var first = new Ingestor(t.Ledger);
        var sent = new[] { Start("r", "treasury-pact"), Call("r", parameters: Sweep, second: 1) };
        Assert.Equal("", Budgets(await Ingest(first, Pact.MaxParamsDepth, sent)));
        first.Dispose();

        // A new process over the same ledger: the first sweep is still in the window, and a retry of it charges nothing.
        using var store = new SqliteLedgerStore(t.Dir);
        using var restarted = new Ingestor(store);
        using (var doc = JsonDocument.Parse("[" + string.Join(",", sent) + "]"))
        {
            var retry = await restarted.IngestAsync(doc.RootElement, Loaded, Pact.MaxParamsDepth);
            Assert.Equal(2, retry.Duplicates);
        }

        var second = await Ingest(restarted, Pact.MaxParamsDepth, Call("r", parameters: Sweep, second: 2));
        Assert.Equal("daily-outflow:30000/30000", Budgets(second));
    }

    [Fact]
    public async Task A_call_timed_beyond_the_clock_skew_is_rejected_with_the_reason_and_never_sets_a_budget_clock()
    {
        using var t = new TempLedger();
        var now = DateTimeOffset.Parse("2026-11-21T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        using var ingestor = new Ingestor(t.Ledger, new FixedTime(now));
        using var doc = JsonDocument.Parse("[" + string.Join(",", Start("k", "treasury-pact"), Call("k", parameters: Sweep, second: 30), Call("k", parameters: Sweep, second: 31)) + "]");
        var result = await ingestor.IngestAsync(doc.RootElement, Loaded, Pact.MaxParamsDepth, TimeSpan.FromSeconds(30));
        var rejection = Assert.Single(result.Rejected);
        Assert.Equal(2, rejection.Index);
        Assert.Equal("attemptedAt 2026-11-21T08:00:31Z lies more than 30 s after the service's clock (2026-11-21T08:00:00Z); check the client's clock", rejection.Reason);
        Assert.Equal(2, result.Accepted.Count);
        Assert.Equal("", Budgets(result));
    }

    // Group commit: a batch is judged while the one before it still waits for its commit (the ledger file held by
    // another writer here), and still binds to the session that batch starts, and is charged once.
    [Fact]
    public async Task A_batch_judged_while_the_one_before_waits_for_its_commit_sees_that_one()
    {
        using var t = new TempLedger();
        var ingestor = new Ingestor(t.Ledger);
        Task<IngestResult> first, second;
        using (var blocker = t.Ledger.Open())
        {
            using (var begin = blocker.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                begin.ExecuteNonQuery(); // the ledger's writer now waits (busy_timeout) for this connection
            }

            using var a = JsonDocument.Parse("[" + Start("queued", "treasury-pact") + "]");
            using var b = JsonDocument.Parse("[" + Call("queued") + "]");
            first = ingestor.IngestAsync(a.RootElement, Loaded, Pact.MaxParamsDepth);
            second = ingestor.IngestAsync(b.RootElement, Loaded, Pact.MaxParamsDepth);
            await Task.Delay(200);
            Assert.False(first.IsCompleted); // not durable, so not answered
            using var rollback = blocker.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
        }

        var (r1, r2) = (await first, await second);
        Assert.Single(r1.Accepted);
        var verdict = Assert.Single(r2.Verdicts); // bound through the queued session_start
        Assert.Equal("treasury-pact", verdict.PactId);
        Assert.Equal(r1.Head.Seq + 1, r2.Head.Seq);
        Assert.True(t.Ledger.Verify().Ok);
    }

    [Fact]
    public async Task Concurrent_appends_land_in_call_order_in_fewer_commits_than_batches()
    {
        using var t = new TempLedger();
        var batches = Enumerable.Range(0, 50).Select(i => (IReadOnlyList<LedgerEntry>)[new LedgerEntry(Start($"g{i}", "treasury-pact"), null)]).ToList();
        var commitsBefore = t.Ledger.Commits;
        var tasks = batches.Select(b => t.Ledger.AppendAsync(b)).ToList(); // all queued before any is awaited
        var answers = await Task.WhenAll(tasks);
        Assert.Equal(Enumerable.Range(1, 50).Select(n => (long)n), answers.Select(a => a.Head.Seq));
        Assert.True(t.Ledger.Commits - commitsBefore < 50, $"{t.Ledger.Commits - commitsBefore} commits for 50 batches");
        Assert.Equal(batches.Select(b => b[0].Body), t.Ledger.Records().Select(r => r.Body));
        Assert.True(t.Ledger.Verify().Ok);
    }

    private static string Transfer(int amount) => $$"""{"destination":"0xA11A000000000000000000000000000000000001","amount":{{amount}},"currency":"USDC"}""";

    // A failed commit drops the budget book (it was charged for calls that were not stored); the rebuild must wait for
    // the batches judged after the failed one and still on their way to the ledger, or it would lose their charges.
    [Fact]
    public async Task After_a_failed_commit_the_budgets_are_rebuilt_only_once_the_batches_queued_behind_it_are_stored()
    {
        using var t = new TempLedger();
        var store = new GatedStore(t.Ledger);
        using var ingestor = new Ingestor(store);
        await Ingest(ingestor, Pact.MaxParamsDepth, Start("f", "treasury-pact"));

        var failing = store.HoldNext();
        var failed = Ingest(ingestor, Pact.MaxParamsDepth, Call("f", parameters: Transfer(30000), second: 1));
        var queuing = store.HoldNext();
        var queued = Ingest(ingestor, Pact.MaxParamsDepth, Call("f", parameters: Transfer(10000), second: 2));
        for (var waited = 0; store.Entered < 3 && waited < 10_000; waited += 10)
        {
            await Task.Delay(10); // both judged and waiting for their commits
        }

        Assert.Equal(3, store.Entered);
        failing.SetResult(false);
        await Assert.ThrowsAsync<IOException>(() => failed);

        var next = Ingest(ingestor, Pact.MaxParamsDepth, Call("f", parameters: Transfer(45000), second: 3));
        await Task.Delay(200);
        Assert.False(next.IsCompleted); // the rebuild waits for the 10000 still queued
        queuing.SetResult(true);
        Assert.Equal("", Budgets(await queued));

        // 10000 stored + 45000: past the 50000 cap. (Rebuilt while the 10000 was still queued, it would pass at used 0.)
        Assert.Equal("daily-outflow:45000/10000", Budgets(await next));
    }
}
