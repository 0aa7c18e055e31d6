using System.Globalization;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pacts.Budgets;

namespace Pacts.Tests;

/// <summary>
/// SPEC §10's window, held to a model: for random calls (times out of order, several agents, outcomes that do and do not
/// record), the window total a budget reports is the exact sum of the recorded charges whose budget time lies in
/// <c>(T - window, T]</c>, and dropping every event outside that window (other agents' included) changes nothing.
/// </summary>
public class BudgetWindowPropertyTests
{
    private const long WindowSeconds = 10;
    private const decimal Max = 1_000_000m;

    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Pact Pact = TestPacts.Compile("""
        pact: window-prop
        unboundTools: allow
        bindings:
          - tool: pay
            conditions: []
        budgets:
          - name: outflow
            tools: [pay]
            sum: amount
            max: 1000000
            window: 10s
            per: agent
        """);

    private sealed record Call(string Agent, DateTimeOffset At, decimal Amount, bool Records);

    [Property(MaxTest = 200)]
    public Property A_window_total_is_the_recorded_charges_inside_the_window_and_nothing_else() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            // Whole seconds against a 10 s window, so calls land on the window's edges.
            var calls = Enumerable.Range(0, rng.Next(0, 40)).Select(_ => new Call(
                rng.Next(3) == 0 ? "b" : "a",
                T0.AddSeconds(rng.Next(0, 60)),
                rng.Next(0, 50_000) / 100m,
                rng.Next(4) != 0)).ToList();
            var probeAt = T0.AddSeconds(rng.Next(0, 75));

            // The model: each recording call's budget time is its attemptedAt or the agent's clock, whichever is later.
            var clock = (DateTimeOffset?)null;
            var timed = new List<(Call Call, DateTimeOffset T)>();
            foreach (var c in calls.Where(c => c.Agent == "a"))
            {
                var t = clock > c.At ? clock.Value : c.At;
                if (c.Records)
                {
                    clock = t;
                    timed.Add((c, t));
                }
            }

            var probeT = clock > probeAt ? clock.Value : probeAt;
            var floor = probeT.AddSeconds(-WindowSeconds);
            var inside = timed.Where(x => x.T > floor && x.T <= probeT).ToList();
            var expected = inside.Sum(x => x.Call.Amount);

            Assert.Equal(expected, UsedAt(calls, probeAt));
            Assert.Equal(expected, UsedAt([.. inside.Select(x => x.Call)], probeAt));
        });

    /// <summary>The window total of agent <c>a</c> a pre-flight at <paramref name="probeAt"/> reports after <paramref name="calls"/>.</summary>
    private static decimal UsedAt(IReadOnlyList<Call> calls, DateTimeOffset probeAt)
    {
        var book = new BudgetBook();
        foreach (var c in calls)
        {
            Apply(book, c.Agent, c.At, c.Amount, c.Records);
        }

        // A probe charging the whole max breaches exactly when something is used, and then names the window total.
        var probe = Apply(book, "a", probeAt, Max, records: false);
        var breach = probe.Violations.SingleOrDefault(v => v.Rule == "budget");
        return breach is null ? 0m : decimal.Parse(breach.Used!, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static Evaluating.Verdict Apply(BudgetBook book, string agent, DateTimeOffset at, decimal amount, bool records)
    {
        using var doc = JsonDocument.Parse($$"""{"amount": {{amount.ToString(CultureInfo.InvariantCulture)}}}""");
        return book.Apply(Pact, Pact.Validate("pay", doc.RootElement), new BudgetCall("pay", agent, "s", at, records), doc.RootElement);
    }
}
