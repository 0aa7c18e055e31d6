namespace Pacts.Cli;

/// <summary>The process's streams and terminal facts, injected so every command can run in-process under test.</summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr, Func<Stream> stdin)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Err { get; } = stderr;

    public Func<Stream> OpenStdin { get; } = stdin;

    /// <summary>True when stdout is a terminal and <c>NO_COLOR</c> is unset: only then is colour written.</summary>
    public bool Color { get; init; }

    /// <summary>True when stderr is a terminal: only then is a progress bar drawn.</summary>
    public bool Progress { get; init; }

    public static CliContext FromConsole() => new(Console.Out, Console.Error, Console.OpenStandardInput)
    {
        Color = !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")),
        Progress = !Console.IsErrorRedirected,
    };

    /// <summary>Writes one error line to stderr: what, where, what to do.</summary>
    public ExitCode Fail(string message)
    {
        Err.WriteLine("pacts: error: " + message);
        return ExitCode.Error;
    }
}
