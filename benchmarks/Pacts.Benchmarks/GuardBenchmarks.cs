using BenchmarkDotNet.Attributes;
using Pacts.Agent;

namespace Pacts.Benchmarks;

/// <summary>Overhead of a guarded tool call (local engine) over the bare call, with and without telemetry.</summary>
[MemoryDiagnoser]
public class GuardBenchmarks
{
    public sealed record Transfer(string Destination, decimal Amount, string Currency);

    private sealed class NullSink : ITelemetrySink
    {
        public Task<(SendOutcome Outcome, string? Detail)> SendAsync(IReadOnlyList<string> events, CancellationToken cancellationToken) =>
            Task.FromResult<(SendOutcome, string?)>((SendOutcome.Delivered, null));
    }

    private static readonly Transfer Call = new("0xA11A000000000000000000000000000000000001", 1200.50m, "USDC");

    private readonly Func<Transfer, CancellationToken, Task<int>> _bare = (_, _) => Task.FromResult(1);
    private Func<Transfer, CancellationToken, Task<int>> _guarded = null!;
    private Func<Transfer, CancellationToken, Task<int>> _guardedWithTelemetry = null!;
    private TelemetryClient _telemetry = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var pact = Pact.Compile("""
            pact: guard-bench
            bindings:
              - tool: transfer_funds
                conditions:
                  - paramPath: destination
                    required: true
                    allowList: ["0xA11A000000000000000000000000000000000001", "0xB22B000000000000000000000000000000000002"]
                  - paramPath: amount
                    required: true
                    maxAmount: 5000
                  - paramPath: currency
                    allowList: [USDC, USDT, DAI]
            """).Pact!;
        _telemetry = new TelemetryClient(new NullSink());
        var options = new GuardOptions { SessionId = "s", AgentId = "a" };
        _guarded = new PactGuard(new LocalValidator(pact), null, options).Wrap("transfer_funds", _bare);
        _guardedWithTelemetry = new PactGuard(new LocalValidator(pact), _telemetry, options).Wrap("transfer_funds", _bare);
        if (await _guarded(Call, CancellationToken.None) != 1 || await _guardedWithTelemetry(Call, CancellationToken.None) != 1)
        {
            throw new InvalidOperationException("the guarded call did not run");
        }
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _telemetry.DisposeAsync();

    [Benchmark(Baseline = true)]
    public Task<int> Bare() => _bare(Call, CancellationToken.None);

    [Benchmark]
    public Task<int> Guarded() => _guarded(Call, CancellationToken.None);

    [Benchmark]
    public Task<int> GuardedWithTelemetry() => _guardedWithTelemetry(Call, CancellationToken.None);
}
