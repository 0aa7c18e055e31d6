namespace Pacts.Events;

/// <summary>
/// Splits a byte stream into physical lines on LF (a CR before the LF is dropped; a lone CR is data, as
/// SPEC §6 numbers lines by LF or CRLF). Memory is one buffer as large as the longest line, capped at
/// <see cref="MaxLineBytes"/>; longer lines are reported as too long and skipped, never held whole.
/// </summary>
internal sealed class LineReader(Stream stream)
{
    public const int MaxLineBytes = 64 * 1024 * 1024;

    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>
    /// When above 0, a line that reaches this many bytes is not read to its end: <see cref="TryReadLine"/> reports it as
    /// too long with what it holds so far and stays on it, for the caller to read on with <see cref="Remaining"/> (an
    /// envelope too long to hold as a line) or to read as a line after all, by calling it again with this set to 0.
    /// </summary>
    public int StopAt { get; set; }

    /// <summary>Everything not yet read as a line but its first <paramref name="skip"/> bytes, then the rest of the stream; this reader is done with it.</summary>
    public Stream Remaining(int skip = 0)
    {
        var rest = new PrefixedStream(_buffer, _start + skip, _end - _start - skip, _eof ? Stream.Null : stream);
        _eof = true;
        _start = _end;
        return rest;
    }

    /// <summary>Reads the next line; false at the end. <paramref name="tooLong"/> marks a skipped over-long line.</summary>
    public bool TryReadLine(out ReadOnlyMemory<byte> line, out bool tooLong)
    {
        tooLong = false;
        var scanFrom = _start;
        while (true)
        {
            var nl = _buffer.AsSpan(scanFrom, _end - scanFrom).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                var lineEnd = scanFrom + nl;
                line = Trim(_buffer.AsMemory(_start, lineEnd - _start));
                _start = lineEnd + 1;
                return true;
            }

            if (_eof)
            {
                if (_start == _end)
                {
                    line = default;
                    return false;
                }

                line = Trim(_buffer.AsMemory(_start, _end - _start));
                _start = _end;
                return true;
            }

            scanFrom = _end;
            if (_end - _start >= (StopAt > 0 ? StopAt : MaxLineBytes))
            {
                tooLong = true;
                if (StopAt > 0)
                {
                    line = _buffer.AsMemory(_start, _end - _start);
                    return true;
                }

                SkipRestOfLine();
                line = default;
                return true;
            }

            Fill(ref scanFrom);
        }
    }

    private static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> line) =>
        line.Length > 0 && line.Span[^1] == (byte)'\r' ? line[..^1] : line;

    private void Fill(ref int scanFrom)
    {
        if (_start > 0)
        {
            // Move the partial line to the front.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            scanFrom -= _start;
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxLineBytes + 1));
        }

        var n = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0)
        {
            _eof = true;
        }

        _end += n;
    }

    private void SkipRestOfLine()
    {
        _start = _end = 0;
        while (true)
        {
            var n = stream.Read(_buffer, 0, _buffer.Length);
            if (n == 0)
            {
                _eof = true;
                return;
            }

            var nl = _buffer.AsSpan(0, n).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                _start = nl + 1;
                _end = n;
                return;
            }
        }
    }
}
