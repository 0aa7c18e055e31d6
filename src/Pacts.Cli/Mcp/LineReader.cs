namespace Pacts.Cli.Mcp;

/// <summary>
/// Reads newline-delimited messages (MCP's stdio transport) from a stream as raw bytes, so a message is forwarded
/// exactly as it came (no decoding, a trailing <c>\r</c> kept), with a bound on a line's length.
/// </summary>
internal sealed class LineReader(Stream stream, int maxLine)
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>What the last read that returned null met: the end, or a line over the bound.</summary>
    public bool Oversized { get; private set; }

    /// <summary>The next line without its <c>\n</c>, valid until the next call; null at the end of the stream (a last line without <c>\n</c> is still a line).</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancel)
    {
        while (true)
        {
            if (Next(out var line))
            {
                return line;
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancel).ConfigureAwait(false);
            if (read == 0)
            {
                return Last();
            }

            _end += read;
        }
    }

    /// <summary>As <see cref="ReadLineAsync"/>, blocking the calling thread (a pump with a thread of its own).</summary>
    public ReadOnlyMemory<byte>? ReadLine()
    {
        while (true)
        {
            if (Next(out var line))
            {
                return line;
            }

            var read = stream.Read(_buffer.AsSpan(_end));
            if (read == 0)
            {
                return Last();
            }

            _end += read;
        }
    }

    /// <summary>True with the next line (or null for a line over the bound) when the buffer decides it; else makes room to read.</summary>
    private bool Next(out ReadOnlyMemory<byte>? line)
    {
        var at = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
        if (at - _start > maxLine || (at < 0 && _end - _start > maxLine))
        {
            Oversized = true; // a whole line may arrive in one read, but it is over the bound all the same
            line = null;
            return true;
        }

        if (at >= 0)
        {
            line = _buffer.AsMemory(_start, at - _start);
            _start = at + 1;
            return true;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            (_end, _start) = (_end - _start, 0);
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        line = null;
        return false;
    }

    /// <summary>At the end of the stream: the last line without a newline, if any (null past the bound).</summary>
    private ReadOnlyMemory<byte>? Last()
    {
        if (_end - _start > maxLine)
        {
            Oversized = true;
            return null;
        }

        if (_end > _start)
        {
            var last = _buffer.AsMemory(_start, _end - _start);
            _start = _end;
            return last;
        }

        return null;
    }
}
