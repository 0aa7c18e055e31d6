using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Pacts.Benchmarks;

/// <summary>One passing and one failing reference call, pre-parsed, each against the hand-written check.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ReferenceCallBenchmarks
{
    private const string Passing = """{"destination":"0xA11A000000000000000000000000000000000001","amount":1007.18,"currency":"USDC","memo":"refund-EMEA 3971_fee_Q4","items":[{"sku":"SKU-0076","qty":6},{"sku":"SKU-6607","qty":16}]}""";
    private const string Failing = """{"destination":"0x34C1C96AFCB5FD56A4F4CD513ECAAF82469F5444","amount":7500,"currency":"USDC","items":[{"sku":"SKU-6296","qty":2},{"sku":"bad","qty":10}]}""";

    private readonly Pact _pact = Workload.Pact;
    private JsonElement _passing;
    private JsonElement _failing;

    [GlobalSetup]
    public void Setup()
    {
        _passing = JsonDocument.Parse(Passing).RootElement;
        _failing = JsonDocument.Parse(Failing).RootElement;
        var pass = _pact.Validate("transfer_funds", _passing);
        var fail = _pact.Validate("transfer_funds", _failing);
        if (!pass.Valid || fail.Violations.Count != 3 || HandWritten.OnePass(_passing) != (true, 0) || HandWritten.OnePass(_failing) != (false, 3))
        {
            throw new InvalidOperationException("reference calls did not give the expected verdicts");
        }
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("passing")]
    public bool HandWritten_Passing() => HandWritten.OnePass(_passing).Item1;

    [Benchmark]
    [BenchmarkCategory("passing")]
    public bool Engine_Passing() => _pact.Validate("transfer_funds", _passing).Valid;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("failing")]
    public bool HandWritten_Failing() => HandWritten.OnePass(_failing).Item1;

    [Benchmark]
    [BenchmarkCategory("failing")]
    public bool Engine_Failing() => _pact.Validate("transfer_funds", _failing).Valid;
}
