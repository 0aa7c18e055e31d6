using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Pacts.Budgets;
using Pacts.Evaluating;

namespace Pacts.Benchmarks;

/// <summary>
/// One budget check (issue #19): the treasury-v1 calls spread over 1,000 agents, each call charged its <c>amount</c>
/// into its agent's one-minute window (a call every millisecond, so each agent's window holds about 60 charges and
/// every call prunes one), against a hand-written per-key deque with a running exact (<c>decimal</c>) sum in the same
/// run. Both start from the call's stateless verdict, so the figure is the budget step alone. The timed runs never
/// breach (a passing call, key warm); <see cref="Verify"/> first holds both to the same breaches under a tight cap.
/// </summary>
[MemoryDiagnoser]
public class BudgetBenchmarks
{
    private const int Calls = 10_000;
    private const int Agents = 1_000;
    private const long StepMicros = 1_000;
    private const long WindowMicros = 60_000_000;

    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly JsonElement[] _elements = Workload.Elements;
    private readonly string[] _agents = [.. Enumerable.Range(0, Agents).Select(i => "agent-" + i.ToString(CultureInfo.InvariantCulture))];
    private Pact _pact = null!;
    private Verdict[] _verdicts = null!;
    private BudgetBook _book = null!;
    private HandWrittenBudget _hand = null!;
    private long _bookAt;
    private long _handAt;

    /// <summary>The treasury pact with one budget: each agent's outflow, per minute.</summary>
    public static Pact BudgetedPact(string max) =>
        Pact.Compile(File.ReadAllText(Path.Combine(Workload.Dir, "treasury.pact.yaml")) + $"""

            budgets:
              - name: outflow
                tools: [transfer_funds]
                sum: amount
                max: {max}
                window: 1m
                per: agent
            """, "budgeted.pact.yaml").Pact ?? throw new InvalidOperationException("the budgeted pact does not compile");

    [GlobalSetup]
    public void Setup()
    {
        Verify();
        _pact = BudgetedPact("1000000000000000");
        _verdicts = [.. _elements.Select(e => _pact.Validate("transfer_funds", e))];
        _book = new BudgetBook();
        _hand = new HandWrittenBudget(1_000_000_000_000_000m, WindowMicros);
        // Warm every key: a minute of calls, so each window is full and pruning before the timed runs.
        for (var i = 0; i < 60_000; i++)
        {
            _ = EngineCall(i % Calls);
            _ = HandCall(i % Calls);
        }
    }

    /// <summary>Engine and hand-written budget find the same breaches, call for call, under a cap the workload breaches often.</summary>
    public static void Verify()
    {
        var pact = BudgetedPact("20000");
        var book = new BudgetBook();
        var hand = new HandWrittenBudget(20_000m, WindowMicros);
        var breaches = 0;
        for (var i = 0; i < 3 * Calls; i++)
        {
            var e = Workload.Elements[i % Calls];
            var agent = "agent-" + (i % Agents).ToString(CultureInfo.InvariantCulture);
            var at = i * StepMicros;
            var v = book.Apply(pact, pact.Validate("transfer_funds", e), new BudgetCall("transfer_funds", agent, null, T0.AddTicks(at * 10), true), e);
            (decimal, decimal)? engine = v.Violations.FirstOrDefault(x => x.Budget is not null) is { } b
                ? (decimal.Parse(b.Value!, CultureInfo.InvariantCulture), decimal.Parse(b.Used!, CultureInfo.InvariantCulture)) : null;
            var h = hand.Check(agent, at, e);
            if (engine != h)
            {
                throw new InvalidOperationException($"call {i}: the engine's budget breach is {engine}, the hand-written one's {h}");
            }

            breaches += engine is null ? 0 : 1;
        }

        if (breaches == 0)
        {
            throw new InvalidOperationException("the verification cap was never breached: it checks nothing");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public int HandWritten_DequeExactSum()
    {
        var n = 0;
        for (var i = 0; i < Calls; i++)
        {
            n += HandCall(i) ? 1 : 0;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    public int Engine_BudgetBook()
    {
        var n = 0;
        for (var i = 0; i < Calls; i++)
        {
            n += EngineCall(i) ? 1 : 0;
        }

        return n;
    }

    private bool EngineCall(int i)
    {
        _bookAt += StepMicros;
        var call = new BudgetCall("transfer_funds", _agents[i % Agents], null, T0.AddTicks(_bookAt * 10), Records: true);
        return ReferenceEquals(_book.Apply(_pact, _verdicts[i], call, _elements[i]), _verdicts[i]);
    }

    private bool HandCall(int i)
    {
        _handAt += StepMicros;
        return _hand.Check(_agents[i % Agents], _handAt, _elements[i]) is null;
    }

    /// <summary>
    /// What a careful developer would write for this one budget: a dictionary of per-agent deques of (time, amount)
    /// with a running <c>decimal</c> sum, the clock rule, charging the amounts SPEC §10 charges (numbers and decimal
    /// strings, every <c>amount</c> key, negatives as 0), under a lock as the book is.
    /// </summary>
    private sealed class HandWrittenBudget(decimal max, long window)
    {
        private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
        private readonly Lock _lock = new();

        /// <summary>Charges the call (it records); returns the charge and the window total when it breaches.</summary>
        public (decimal Charge, decimal Used)? Check(string agent, long at, JsonElement p)
        {
            var charge = 0m;
            foreach (var prop in p.EnumerateObject())
            {
                if (!prop.NameEquals("amount"u8))
                {
                    continue;
                }

                var v = prop.Value;
                if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) && d > 0)
                {
                    charge += d;
                }
                else if (v.ValueKind == JsonValueKind.String && DecimalString(v.GetString()!) is { } s && s > 0)
                {
                    charge += s;
                }
            }

            lock (_lock)
            {
                if (!_windows.TryGetValue(agent, out var w))
                {
                    w = new Window();
                    _windows[agent] = w;
                }

                var t = Math.Max(w.Clock, at);
                while (w.Charges.TryPeek(out var oldest) && oldest.At <= t - window)
                {
                    w.Total -= oldest.Amount;
                    _ = w.Charges.Dequeue();
                }

                (decimal, decimal)? breach = charge > 0 && w.Total + charge > max ? (charge, w.Total) : null;
                w.Clock = t;
                if (charge > 0)
                {
                    w.Charges.Enqueue((t, charge));
                    w.Total += charge;
                }

                return breach;
            }
        }

        private static readonly System.Buffers.SearchValues<char> DecimalChars = System.Buffers.SearchValues.Create("0123456789.");

        private static decimal? DecimalString(string s)
        {
            var i = s.StartsWith('-') ? 1 : 0;
            var dot = s.IndexOf('.', StringComparison.Ordinal);
            var digits = s.AsSpan(i);
            if (digits.Length == 0 || digits[0] == '.' || digits[^1] == '.' || digits.ContainsAnyExcept(DecimalChars) || (dot >= 0 && s.IndexOf('.', dot + 1) >= 0))
            {
                return null;
            }

            return decimal.Parse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        }

        private sealed class Window
        {
            public Queue<(long At, decimal Amount)> Charges { get; } = new();

            public decimal Total { get; set; }

            public long Clock { get; set; } = long.MinValue;
        }
    }
}
