using System.Text;

namespace Pacts.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args is not ["serve", ..])
        {
            // A one-shot command ends long before code generated at run time could pay for itself: YamlDotNet
            // builds its tag-handle pattern with RegexOptions.Compiled, and emitting that regex as IL cost ~12 ms
            // of a ~135 ms `pacts validate-call`. Without dynamic code the same regex is interpreted (identical
            // matches). Set before anything reads the switch. The long-running service keeps dynamic code: its
            // request delegates and JSON run ~10 % faster with it (benchmarks/README.md, "Cold start").
            AppContext.SetSwitch("System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported", false);
        }

        Console.OutputEncoding = new UTF8Encoding(false);
        var context = CliContext.FromConsole();
        var exit = Cli.Run(args, context);
        if (context.FlushOut() is { } failure && exit != (int)ExitCode.Error)
        {
            // The command's own output could not all be written (its reader went away, the disk filled): not a success.
            context.Fail($"cannot write to stdout: {failure}");
            return (int)ExitCode.Error;
        }

        return exit;
    }
}
