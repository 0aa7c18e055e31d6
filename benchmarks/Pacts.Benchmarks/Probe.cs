using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Pacts.Benchmarks;

/// <summary>Rough timings for exploring where time goes; BenchmarkDotNet numbers are the ones we publish.</summary>
internal static class Probe
{
    public static void Run()
    {
        if (File.Exists("/tmp/r200k.jsonl"))
        {
            var bytes = File.ReadAllBytes("/tmp/r200k.jsonl");
            var set = PactSet.Load(Path.Combine(Workload.Dir, "treasury.pact.yaml"));
            for (var round = 0; round < 3; round++)
            {
                var sw1 = Stopwatch.StartNew();
                var n1 = Events.EventLogReader.Read(new MemoryStream(bytes), "x").Count();
                var t1 = sw1.Elapsed;
                sw1.Restart();
                var analyzer = new Replay.ReplayAnalyzer(set);
                foreach (var r in Events.EventLogReader.Read(new MemoryStream(bytes), "x"))
                {
                    _ = analyzer.Process(r);
                }

                var t2 = sw1.Elapsed;
                sw1.Restart();
                new Replay.ReplayAnalyzer(set).ProcessLog(new MemoryStream(bytes), "x");
                Console.WriteLine($"read+parse {n1 / t1.TotalSeconds:F0} ev/s; read+parse+analyze {n1 / t2.TotalSeconds:F0} ev/s; ProcessLog {n1 / sw1.Elapsed.TotalSeconds:F0} ev/s");
            }
        }

        var wide = WidePactBenchmarks.BuildPact(200, 10);
        var sw0 = Stopwatch.StartNew();
        var compiled = Pact.CompileUncached(wide, "wide.json", Reading.PactFormat.Json);
        Console.WriteLine($"wide compile: {sw0.ElapsedMilliseconds} ms, {wide.Length / 1e6:F1} MB, ok={compiled.Success}");
        var pact = Workload.Pact;
        var els = Workload.Elements;
        Time("engine", () => { foreach (var e in els) { _ = pact.Validate("transfer_funds", e); } });
        Time("handwritten", () => { foreach (var e in els) { _ = HandWritten.OnePass(e); } });
        var re = new Regex(@"\A(?:SKU-[0-9]{4})\z", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        var re2 = new Regex(@"\A(?:[A-Za-z0-9 _-]{0,64})\z", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        Time("regex sku x3 + memo", () => { for (var i = 0; i < els.Length; i++) { _ = re.IsMatch("SKU-1234"); _ = re.IsMatch("SKU-1234"); _ = re.IsMatch("SKU-1234"); _ = re2.IsMatch("refund-EMEA 3971_fee_Q4"); } });
        Time("enumerate props x5", () => { foreach (var e in els) { for (var k = 0; k < 5; k++) { foreach (var p in e.EnumerateObject()) { _ = p.NameEquals("amount"u8); } } } });
    }

    private static void Time(string name, Action a)
    {
        for (var i = 0; i < 5; i++) { a(); }
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++) { a(); }
        Console.WriteLine($"{name}: {sw.Elapsed.TotalNanoseconds / 20 / 10000:F0} ns per call");
    }
}
