using System.Text;
using System.Text.Json;
using Pacts.Budgets;
using Pacts.Evaluating;

namespace Pacts.Tests;

/// <summary>SPEC §10 budget semantics, one rule at a time, through both ways params arrive.</summary>
public class BudgetBookTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly Pact Pact = TestPacts.Compile("""
        pact: b
        bindings:
          - tool: pay
            conditions:
              - paramPath: amount
                maxAmount: 5000
        budgets:
          - name: outflow
            tools: [pay]
            sum: amount
            max: 100
            window: 1h
            severity: critical
          - name: calls
            max: 2
            window: 1m
            per: session
        """);

    private sealed class Run
    {
        private readonly BudgetBook _parsed = new();
        private readonly BudgetBook _raw = new();

        /// <summary>Applies the call to two books, one with parsed params and one with raw bytes, and checks they agree.</summary>
        public Verdict Call(string tool, string json, DateTimeOffset at, string outcome = "success", string? agent = "a1", string? session = "s1", bool preflight = false)
        {
            var call = new BudgetCall(tool, agent, session, at, !preflight && BudgetCall.OutcomeRecords(outcome));
            using var doc = JsonDocument.Parse(json);
            var parsed = _parsed.Apply(Pact, Pact.Validate(tool, doc.RootElement), call, doc.RootElement);
            var raw = _raw.Apply(Pact, Pact.Validate(tool, doc.RootElement), call, (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(json));
            Assert.Equal(parsed.ToJson(), raw.ToJson());
            return parsed;
        }
    }

    private static string Breaches(Verdict v) =>
        string.Join(",", v.Violations.Where(x => x.Rule == "budget").Select(x => $"{x.Budget}:{x.Value}/{x.Used}"));

    [Fact]
    public void A_breach_names_its_budget_charge_and_window_total_after_the_condition_violations()
    {
        var run = new Run();
        Assert.True(run.Call("pay", """{"amount": 60}""", T0).Valid);
        var v = run.Call("pay", """{"amount": "6000.5"}""", T0.AddMinutes(1), session: "s2");
        Assert.Equal(["amount:maxAmount", "amount:budget"], v.Summary());
        var breach = v.Violations[1];
        Assert.Equal(("outflow", "6000.5", "60", Severity.Critical), (breach.Budget, breach.Value, breach.Used, breach.Severity));
        Assert.Contains("\"budget\":\"outflow\",\"used\":60", v.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_window_is_open_below_and_closed_above()
    {
        var run = new Run();
        Assert.True(run.Call("pay", """{"amount": 100}""", T0).Valid);
        Assert.Equal("outflow:1/100", Breaches(run.Call("pay", """{"amount": 1}""", T0.AddHours(1).AddTicks(-10), session: "s2")));
        Assert.Equal("", Breaches(run.Call("pay", """{"amount": 1}""", T0.AddHours(1), session: "s3"))); // the first charge left at T0 + 1h exactly
    }

    [Fact]
    public void Only_success_records_and_a_breaching_success_still_records()
    {
        var run = new Run();
        Assert.True(run.Call("pay", """{"amount": 90}""", T0, outcome: "denied").Valid);
        Assert.True(run.Call("pay", """{"amount": 90}""", T0, outcome: "error", session: "s2").Valid);
        Assert.True(run.Call("pay", """{"amount": 90}""", T0, session: "s3").Valid);
        Assert.Equal("outflow:20/90", Breaches(run.Call("pay", """{"amount": 20}""", T0, session: "s4")));
        Assert.Equal("outflow:1/110", Breaches(run.Call("pay", """{"amount": 1}""", T0, session: "s5"))); // the breach above moved money
    }

    [Fact]
    public void A_late_event_is_charged_at_the_latest_time_seen()
    {
        var run = new Run();
        Assert.True(run.Call("pay", """{"amount": 100}""", T0.AddHours(2)).Valid);
        // An hour and a half earlier by its own clock, but time within the budget never runs backwards.
        Assert.Equal("outflow:1/100", Breaches(run.Call("pay", """{"amount": 1}""", T0.AddMinutes(30), session: "s2")));
    }

    [Fact]
    public void Count_budgets_charge_one_per_call_per_scope_and_a_zero_charge_never_breaches()
    {
        var run = new Run();
        Assert.True(run.Call("other", "{}", T0).Valid);
        Assert.True(run.Call("other", "{}", T0).Valid);
        var third = run.Call("other", "{}", T0);
        Assert.Equal("calls:1/2", Breaches(third));
        Assert.Equal("", third.Violations[0].ParamPath);
        Assert.True(run.Call("other", "{}", T0, session: "elsewhere").Valid);
        Assert.Equal("", Breaches(run.Call("pay", """{"amount": "x"}""", T0, agent: "a2", session: "s9"))); // not an amount: charged 0
    }

    [Fact]
    public void Amounts_past_the_exact_range_cannot_stall_a_window_or_slip_under_its_cap()
    {
        // Before SPEC §4's bound reached budgets, these two charges made the window total a two-billion-digit number.
        var run = new Run();
        Assert.True(run.Call("pay", """{"amount": 1e-999999999}""", T0).Valid);
        var huge = run.Call("pay", """{"amount": 1e999999999}""", T0.AddMinutes(1), session: "s2");
        Assert.Equal("outflow:1E+1000/1E-1000", Breaches(huge)); // charged the ceiling, above every cap: never a pass
        var after = run.Call("pay", """{"amount": 1}""", T0.AddMinutes(2), session: "s3");
        Assert.Equal("outflow:1/1." + new string('0', 999) + new string('0', 1000) + "1E+1000", Breaches(after)); // the money moved
        Assert.Equal("", Breaches(run.Call("pay", """{"amount": 1}""", T0.AddHours(2), session: "s4"))); // and left the window
    }

    [Fact]
    public void A_pre_flight_records_nothing_and_needs_the_scope_ids_its_budgets_count_by()
    {
        var run = new Run();
        Assert.True(run.Call("pay", """{"amount": 100}""", T0).Valid);
        Assert.Equal("outflow:1/100", Breaches(run.Call("pay", """{"amount": 1}""", T0, session: "s2", preflight: true)));
        Assert.Equal("outflow:1/100", Breaches(run.Call("pay", """{"amount": 1}""", T0, session: "s2", preflight: true)));
        var e = Assert.Throws<BudgetScopeException>(() => run.Call("pay", """{"amount": 1}""", T0, agent: null, preflight: true));
        Assert.Equal("outflow", e.Budget);
        Assert.Contains("agent id", e.Message, StringComparison.Ordinal);
        Assert.Equal("calls", Assert.Throws<BudgetScopeException>(() => run.Call("other", "{}", T0, session: null, preflight: true)).Budget);
    }

    [Fact]
    public void Sums_add_every_location_of_a_wildcard_path()
    {
        var pact = TestPacts.Compile("""
            pact: w
            bindings:
              - tool: t
                conditions:
                  - paramPath: "lines[*].price"
                    required: true
            budgets:
              - name: lines
                sum: "lines[*].price"
                max: 1000.50
                window: 1d
                per: pact
            """);
        var book = new BudgetBook();
        using var doc = JsonDocument.Parse("""{"lines": [{"price": 500}, {"price": "500.50"}, {"price": -3}, {"price": true}]}""");
        var call = new BudgetCall("t", null, null, T0, Records: true);
        Assert.True(book.Apply(pact, pact.Validate("t", doc.RootElement), call, doc.RootElement).Valid);
        using var next = JsonDocument.Parse("""{"lines": [{"price": 0.01}]}""");
        var v = book.Apply(pact, pact.Validate("t", next.RootElement), call, next.RootElement);
        Assert.Equal("lines:0.01/1000.5", Breaches(v));
        Assert.Equal("lines[*].price", v.Violations[0].ParamPath);
    }

    [Fact]
    public void Memory_holds_one_window_per_scope_key_and_only_charges_inside_it()
    {
        var book = new BudgetBook();
        for (var i = 0; i < 1000; i++)
        {
            using var doc = JsonDocument.Parse("""{"amount": 1}""");
            var call = new BudgetCall("pay", "agent" + (i % 10), "s" + (i % 10), T0.AddMinutes(i), Records: true);
            _ = book.Apply(Pact, Pact.Validate("pay", doc.RootElement), call, doc.RootElement);
        }

        Assert.Equal(20, book.WindowCount); // ten agents for `outflow`, ten sessions for `calls`
    }
}
