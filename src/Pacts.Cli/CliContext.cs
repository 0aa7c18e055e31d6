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

    public static CliContext FromConsole() => new(StandardOutput(), Console.Error, Console.OpenStandardInput)
    {
        Color = !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")),
        Progress = !Console.IsErrorRedirected,
    };

    /// <summary>
    /// Stdout as the commands write it. Redirected to a pipe or a file, it is a buffered stream over file descriptor 1
    /// rather than .NET's console stream, which drops a write to a closed pipe without a word (EPIPE): `pacts replay
    /// --verdicts - | consumer` whose consumer had died read the whole log on for nobody and exited 0 with its verdicts
    /// lost. A plain stream throws, so the command stops with exit 2 and says why. <see cref="FlushOut"/> must run at exit.
    /// </summary>
    private static TextWriter StandardOutput()
    {
        if (!Console.IsOutputRedirected || OperatingSystem.IsWindows())
        {
            return Console.Out;
        }

        var fd1 = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        return new StreamWriter(fd1, new System.Text.UTF8Encoding(false), 1 << 16);
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
