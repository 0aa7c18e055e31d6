using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pacts.Budgets;

namespace Pacts.Tests;

/// <summary>
/// The book's pluggable store and its checkpoints: a book keeps its windows where it is told, a pre-flight adds none, and
/// a checkpoint taken anywhere in a log, restored into a fresh store, gives the rest of the log the verdicts the whole
/// log gives.
/// </summary>
public class BudgetStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Pact Pact = TestPacts.Compile("""
        pact: store
        unboundTools: allow
        bindings:
          - tool: pay
            conditions: []
        budgets:
          - name: outflow
            tools: [pay]
            sum: amount
            max: 100.5
            window: 10s
            per: agent
          - name: calls
            max: 3
            window: 5s
            per: session
        """);

    private sealed record Call(string Agent, string Session, DateTimeOffset At, decimal Amount, bool Records);

    [Fact]
    public void A_book_keeps_its_windows_in_the_store_it_is_given_and_a_preflight_adds_none()
    {
        var store = new CountingStore();
        var book = new BudgetBook(store);
        _ = Apply(book, new Call("a", "s", T0, 10m, Records: false));
        Assert.Equal(0, store.Count);
        Assert.Equal(0, store.Adds);

        _ = Apply(book, new Call("a", "s", T0, 10m, Records: true));
        Assert.Equal(2, store.Count); // one window for `outflow` (agent a), one for `calls` (session s)
        Assert.Equal(2, store.Adds);
        Assert.Equal(2, book.WindowCount);
        var outflow = store.Find(new BudgetKey("store", "outflow", "a"))!;
        Assert.Equal([new BudgetCharge((T0.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10, "10")], outflow.Charges);

        _ = Apply(book, new Call("a", "s", T0.AddSeconds(1), 90.5m, Records: true));
        Assert.Equal(2, store.Adds); // the same windows, found again
        var v = Apply(book, new Call("a", "s", T0.AddSeconds(2), 0.01m, Records: false));
        var breach = Assert.Single(v.Violations, x => x.Budget == "outflow");
        Assert.Equal(("100.5", "0.01"), (breach.Used, breach.Value));
    }

    [Fact]
    public void Record_charges_a_call_that_ran_without_judging_it_again()
    {
        var book = new BudgetBook();
        using var doc = JsonDocument.Parse("""{"amount": 100.5}""");
        book.Record(Pact, new BudgetCall("pay", "a", "s", T0, Records: true), doc.RootElement);
        var v = Apply(book, new Call("a", "s", T0.AddSeconds(1), 0.01m, Records: false));
        var breach = Assert.Single(v.Violations, x => x.Budget == "outflow");
        Assert.Equal(("100.5", "0.01"), (breach.Used, breach.Value));
        Assert.Throws<ArgumentException>(() => book.Record(Pact, new BudgetCall("pay", "a", "s", T0, Records: false), doc.RootElement));
    }

    [Fact]
    public void A_checkpoint_round_trips_clock_charges_and_position()
    {
        var book = new BudgetBook();
        _ = Apply(book, new Call("a", "s", T0, 12.25m, Records: true));
        _ = Apply(book, new Call("b", "s", T0.AddSeconds(1), 1e-7m, Records: true));
        _ = Apply(book, new Call("a", "t", T0.AddSeconds(2), 0m, Records: true)); // a zero charge sets the clock, adds no charge

        using var ms = new MemoryStream();
        book.WriteCheckpoint(ms, "line 3");
        var json = Encoding.UTF8.GetString(ms.ToArray());
        Assert.StartsWith("""{"format":"pacts-budgets/1","position":"line 3","windows":[""", json, StringComparison.Ordinal);

        var store = new MemoryBudgetStore();
        ms.Position = 0;
        Assert.Equal("line 3", BudgetCheckpoint.Read(ms, store));
        Assert.Equal(book.WindowCount, store.Count);
        var a = store.Find(new BudgetKey("store", "outflow", "a"))!;
        var at2 = (T0.AddSeconds(2).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        Assert.Equal(at2, a.ClockMicros);
        Assert.Equal(["12.25"], a.Charges.Select(c => c.Amount));
        Assert.Equal(["0.0000001"], store.Find(new BudgetKey("store", "outflow", "b"))!.Charges.Select(c => c.Amount));

        using var again = new MemoryStream();
        new BudgetBook(store).WriteCheckpoint(again, "line 3");
        Assert.Equal(json, Encoding.UTF8.GetString(again.ToArray())); // written in key order: the same state, the same bytes
    }

    [Theory]
    [InlineData("not json", "not a budget checkpoint")]
    [InlineData("""{"format":"pacts-budgets/2","windows":[]}""", "expected \"format\": \"pacts-budgets/1\"")]
    [InlineData("""{"format":"pacts-budgets/1"}""", "needs a \"windows\" array")]
    [InlineData("""{"format":"pacts-budgets/1","windows":[{"pact":"p","budget":"b"}]}""", "window 0: \"scope\" must be a string")]
    [InlineData("""{"format":"pacts-budgets/1","windows":[{"pact":"p","budget":"b","scope":"","clock":5,"charges":[[6,"1"]]}]}""", "later than the window's clock")]
    [InlineData("""{"format":"pacts-budgets/1","windows":[{"pact":"p","budget":"b","scope":"","clock":9,"charges":[[6,"1"],[5,"1"]]}]}""", "not oldest first")]
    [InlineData("""{"format":"pacts-budgets/1","windows":[{"pact":"p","budget":"b","scope":"","clock":9,"charges":[[6,"-1"]]}]}""", "not a positive number: -1")]
    [InlineData("""{"format":"pacts-budgets/1","windows":[{"pact":"p","budget":"b","scope":"","clock":9,"charges":[[6,"0"]]}]}""", "not a positive number: 0")]
    [InlineData("""{"format":"pacts-budgets/1","windows":[{"pact":"p","budget":"b","scope":"","clock":9.5}]}""", "whole microseconds, not 9.5")]
    [InlineData("""{"format":"pacts-budgets/1","windows":[{"pact":"p","budget":"b","scope":""},{"pact":"p","budget":"b","scope":""}]}""", "window 1: a second window for p/b/")]
    public void A_bad_checkpoint_is_one_clear_error(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => BudgetCheckpoint.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), new MemoryBudgetStore()));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 150)]
    public Property A_checkpoint_anywhere_in_a_log_changes_no_verdict() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            var calls = Enumerable.Range(0, rng.Next(1, 60)).Select(_ => new Call(
                rng.Next(3) == 0 ? "b" : "a",
                rng.Next(2) == 0 ? "s" : "t",
                T0.AddSeconds(rng.Next(0, 40)).AddTicks(rng.Next(0, 3) * 10),
                rng.Next(0, 6000) / 100m,
                rng.Next(4) != 0)).ToList();
            var cut = rng.Next(0, calls.Count + 1);

            var whole = new BudgetBook();
            var expected = calls.Select(c => Summary(Apply(whole, c))).ToList();

            var first = new BudgetBook();
            var actual = calls.Take(cut).Select(c => Summary(Apply(first, c))).ToList();
            using var ms = new MemoryStream();
            first.WriteCheckpoint(ms, cut.ToString(CultureInfo.InvariantCulture));
            ms.Position = 0;
            var store = new MemoryBudgetStore();
            Assert.Equal(cut.ToString(CultureInfo.InvariantCulture), BudgetCheckpoint.Read(ms, store));
            var restored = new BudgetBook(store);
            actual.AddRange(calls.Skip(cut).Select(c => Summary(Apply(restored, c))));

            Assert.Equal(expected, actual);
        });

    private static string Summary(Evaluating.Verdict v) =>
        string.Join(";", v.Violations.Select(x => $"{x.Budget}:{x.Value}/{x.Used}"));

    private static Evaluating.Verdict Apply(BudgetBook book, Call c)
    {
        using var doc = JsonDocument.Parse($$"""{"amount": {{c.Amount.ToString(CultureInfo.InvariantCulture)}}}""");
        return book.Apply(Pact, Pact.Validate("pay", doc.RootElement), new BudgetCall("pay", c.Agent, c.Session, c.At, c.Records), doc.RootElement);
    }

    /// <summary>A store that counts what the book adds, to show the book uses it (and only adds when a call records).</summary>
    private sealed class CountingStore : IBudgetStore
    {
        private readonly MemoryBudgetStore _inner = new();

        public int Adds { get; private set; }

        public int Count => _inner.Count;

        public IEnumerable<KeyValuePair<BudgetKey, BudgetWindow>> Windows => _inner.Windows;

        public BudgetWindow? Find(in BudgetKey key) => _inner.Find(key);

        public void Add(in BudgetKey key, BudgetWindow window)
        {
            Adds++;
            _inner.Add(key, window);
        }
    }
}
