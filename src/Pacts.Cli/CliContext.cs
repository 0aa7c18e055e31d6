namespace Pacts.Cli;

/// <summary>The process's streams and terminal facts, injected so every command can run in-process under test.</summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr, Func<Stream> stdin)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Err { get; } = stderr;

    public Func<Stream> OpenStdin { get; } = stdin;

    /// <summary>Stdout as a byte stream, for the proxy that forwards messages byte for byte (<c>pacts mcp</c>).</summary>
    public Func<Stream> OpenStdout { get; init; } = Console.OpenStandardOutput;

    /// <summary>True when stdout is a terminal and <c>NO_COLOR</c> is unset: only then is colour written.</summary>
    public bool Color { get; init; }

    /// <summary>True when stderr is a terminal: only then is a progress bar drawn.</summary>
    public bool Progress { get; init; }

    public static CliContext FromConsole() => new(StandardOutput(), Console.Error, Console.OpenStandardInput)
    {
        Color = !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")),
        Progress = !Console.IsErrorRedirected,
    };

    /// <summary>
    /// Stdout as the commands write it. Redirected to a pipe or a file, it is a buffered writer over
    /// <see cref="StdoutStream"/> (fd 1 through <c>write(2)</c>) rather than .NET's console stream, which drops a write to
    /// a closed pipe without a word, or a <see cref="FileStream"/>, which writes a redirected file at a position of its
    /// own and so overwrites what the shell wrote before. <see cref="FlushOut"/> must run at exit.
    /// </summary>
    private static TextWriter StandardOutput()
    {
        if (!Console.IsOutputRedirected || OperatingSystem.IsWindows())
        {
            return Console.Out;
        }

        return new StreamWriter(new StdoutStream(), new System.Text.UTF8Encoding(false), 1 << 16);
    }

    /// <summary>Writes out what stdout still buffers; the error's text when that fails (the reader went away, the disk is full).</summary>
    public string? FlushOut()
    {
        try
        {
            Out.Flush();
            return null;
        }
        catch (IOException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Writes one error line to stderr: what, where, what to do.</summary>
    public ExitCode Fail(string message)
    {
        Err.WriteLine("pacts: error: " + message);
        return ExitCode.Error;
    }
}
