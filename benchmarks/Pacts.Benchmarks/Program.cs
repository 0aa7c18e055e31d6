using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Pacts.Benchmarks;

internal static class Program
{
    private static void Main(string[] args)
    {
        if (args is ["--ingest-inproc", ..])
        {
            ServiceLoad.InProcessAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000).GetAwaiter().GetResult();
            return;
        }

        if (args is ["--ingest-load", ..])
        {
            // --ingest-load N [--store postgres]: the PostgreSQL server in PACTS_CONNECTION, a fresh schema per run.
            var postgres = args.Contains("postgres")
                ? ServiceLoad.PostgresSchema(Environment.GetEnvironmentVariable("PACTS_CONNECTION") ?? throw new InvalidOperationException("--store postgres reads the server from PACTS_CONNECTION"))
                : null;
            ServiceLoad.IngestAsync(args.Length > 1 && char.IsAsciiDigit(args[1][0]) ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000, postgres).GetAwaiter().GetResult();
            return;
        }

        if (args is ["--load", ..])
        {
            ServiceLoad.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3000).GetAwaiter().GetResult();
            return;
        }

        if (args is ["--probe"])
        {
            Probe.Run();
            return;
        }

        if (args is ["--per-rule"])
        {
            Probe.PerRule();
            return;
        }

        if (args is ["--per-condition", ..])
        {
            Probe.PerCondition(args.Length > 1 && args[1] == "raw");
            return;
        }

        if (args is ["--mcp-interleaved", ..])
        {
            McpProxyBenchmarks.Interleaved(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5_000);
            return;
        }

        if (args is ["--process-median", var variant])
        {
            Probe.ProcessMedian(variant);
            return;
        }

        if (args is ["--ab", "budget"])
        {
            Probe.ABBudget();
            return;
        }

        if (args is ["--ab", "wide"])
        {
            Probe.ABWide();
            return;
        }

        if (args is ["--ab", ..])
        {
            // --ab [raw] [passing|failing]: the whole workload, or only the calls the pact passes or fails.
            Probe.AB(args.Contains("raw"), args.Contains("passing") ? true : args.Contains("failing") ? false : null);
            return;
        }

        if (args is ["--spin", var what])
        {
            Probe.Spin(what);
            return;
        }

        if (args is ["--cache-equal"])
        {
            Probe.CacheEqualText();
            return;
        }

        if (args is ["--verify"])
        {
            TreasuryBenchmarks.VerifyAll();
            BudgetBenchmarks.Verify();
            Console.WriteLine("all benchmark answers verified");
            return;
        }

        // Medians beside the means: benchmarks/README.md records medians, and this VM's slow spells skew means.
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.AddColumn(StatisticColumn.Median));
    }
}
