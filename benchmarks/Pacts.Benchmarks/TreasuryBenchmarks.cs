using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Pacts.Benchmarks;

/// <summary>
/// treasury-v1: all 10,000 calls per invocation (OperationsPerInvoke), so the reported mean is per call.
/// Each category has its hand-written baseline in the same run, so results read as ratios.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TreasuryBenchmarks
{
    private const int Calls = 10_000;

    private readonly Pact _pact = Workload.Pact;
    private readonly System.Text.Json.JsonElement[] _elements = Workload.Elements;
    private readonly byte[][] _raw = Workload.RawParams;

    [GlobalSetup]
    public void Setup() => VerifyAll();

    /// <summary>Every implementation must find exactly 1,013 invalid calls and 1,389 violations before it is timed.</summary>
    public static void VerifyAll()
    {
        var pact = Workload.Pact;
        Workload.Verify("engine (pre-parsed)", i => Count(pact.Validate("transfer_funds", Workload.Elements[i])));
        Workload.Verify("engine (raw UTF-8)", i => Count(pact.Validate("transfer_funds", (ReadOnlyMemory<byte>)Workload.RawParams[i])));
        Workload.Verify("hand-written one pass", i => HandWritten.OnePass(Workload.Elements[i]));
        Workload.Verify("hand-written Utf8JsonReader", i => HandWritten.Reader(Workload.RawParams[i]));
        Workload.Verify("hand-written JsonDocument.Parse", i => HandWritten.ParseEachCall(Workload.RawParams[i]));
    }

    private static (bool, int) Count(Evaluating.Verdict v) => (v.Valid, v.Violations.Count);

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    [BenchmarkCategory("pre-parsed")]
    public int HandWritten_OnePass()
    {
        var n = 0;
        foreach (var e in _elements)
        {
            n += HandWritten.OnePass(e).Item1 ? 1 : 0;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    [BenchmarkCategory("pre-parsed")]
    public int Engine_PreParsed()
    {
        var n = 0;
        foreach (var e in _elements)
        {
            n += _pact.Validate("transfer_funds", e).Valid ? 1 : 0;
        }

        return n;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    [BenchmarkCategory("raw UTF-8")]
    public int HandWritten_Utf8JsonReader()
    {
        var n = 0;
        foreach (var b in _raw)
        {
            n += HandWritten.Reader(b).Item1 ? 1 : 0;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    [BenchmarkCategory("raw UTF-8")]
    public int HandWritten_JsonDocumentParse()
    {
        var n = 0;
        foreach (var b in _raw)
        {
            n += HandWritten.ParseEachCall(b).Item1 ? 1 : 0;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    [BenchmarkCategory("raw UTF-8")]
    public int Engine_RawUtf8()
    {
        var n = 0;
        foreach (var b in _raw)
        {
            n += _pact.Validate("transfer_funds", (ReadOnlyMemory<byte>)b).Valid ? 1 : 0;
        }

        return n;
    }
}
