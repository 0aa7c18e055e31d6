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

    /// <summary>What the last <see cref="ReadLineAsync"/> that returned null met: the end, or a line over the bound.</summary>
    public bool Oversized { get; private set; }

    /// <summary>The next line without its <c>\n</c>, valid until the next call; null at the end of the stream (a last line without <c>\n</c> is still a line).</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancel)
    {
        while (true)
        {
            var at = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (at - _start > maxLine)
            {
                Oversized = true; // a whole line arrived in one read, but it is over the bound all the same
                return null;
            }

            if (at >= 0)
            {
                var line = _buffer.AsMemory(_start, at - _start);
                _start = at + 1;
                return line;
            }

            if (_end - _start > maxLine)
            {
                Oversized = true;
                return null;
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

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancel).ConfigureAwait(false);
            if (read == 0)
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

            _end += read;
        }
    }
}
