using System.Diagnostics;

namespace Pacts.Cli.Mcp;

/// <summary>What <c>pacts mcp</c> and <c>pacts mcp tools</c> share about the stdio server they talk to.</summary>
internal static class ServerProcess
{
    /// <summary>Starts the server with its stdin and stdout piped (its stderr stays ours); null with the reason when it cannot start.</summary>
    public static Process? Start(string command, IReadOnlyList<string> arguments, out string? error)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        try
        {
            error = null;
            return Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            error = $"cannot start the MCP server `{command}`: {ex.Message}";
            return null;
        }
    }

    /// <summary>One message and its newline, in one write where it is short (one system call for most messages), then a flush.</summary>
    public static void WriteLine(Stream to, ReadOnlySpan<byte> line)
    {
        if (line.Length < 16 * 1024)
        {
            Span<byte> one = stackalloc byte[line.Length + 1];
            line.CopyTo(one);
            one[^1] = (byte)'\n';
            to.Write(one);
        }
        else
        {
            to.Write(line);
            to.Write("\n"u8);
        }

        to.Flush();
    }
}
