using BenchmarkDotNet.Running;

namespace Pacts.Benchmarks;

internal static class Program
{
    private static void Main(string[] args)
    {
        if (args is ["--probe"])
        {
            Probe.Run();
            return;
        }

        if (args is ["--verify"])
        {
            TreasuryBenchmarks.VerifyAll();
            Console.WriteLine("all benchmark answers verified");
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
