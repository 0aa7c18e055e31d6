using System.Buffers;
using System.Text.Json;

namespace Pacts.Events;

/// <summary>
/// Reads a <c>{"events": [...]}</c> envelope that is not one short line — pretty-printed over many lines, or one line
/// longer than <see cref="LineReader.MaxLineBytes"/> — as a stream: each event is cut out of the array as soon as it
/// is complete and handed on like a JSONL line, so memory holds one event, not the file. Until the <c>events</c> array
/// opens, the object is read with <see cref="Utf8JsonReader"/> and every byte is kept: an object that turns out not to
/// be an envelope (a <c>type</c> key before <c>events</c>, no <c>events</c> array, invalid JSON, or more than
/// <see cref="LineReader.MaxLineBytes"/> before the array) is then read again as JSON lines, from its first line, as it
/// always was. After the envelope closes, the rest of the file is JSON lines again, numbered by physical line.
/// </summary>
/// <remarks>
/// Inside the array the streamer only finds where each event ends (brackets, strings and their escapes), as the line
/// reader finds where a line ends; each event is then parsed on its own, as a line is, so a damaged event is one
/// malformed record and the next one is read. An event longer than <see cref="LineReader.MaxLineBytes"/> is one
/// malformed record, passed over without being held. Where the array itself breaks off (a truncated file, two events
/// with no comma between them), the events before the break are kept and one malformed record says where; after such
/// a break nothing more of the file is read. Keys after the array are passed over: a <c>type</c> among them does not
/// undo the envelope, whose events have been read by then. Events are numbered by their index in the array (SPEC §6).
/// </remarks>
internal sealed class EnvelopeStreamer
{
    private const int MaxEventBytes = LineReader.MaxLineBytes;
    private const string Name = "`{\"events\": [...]}`";

    private static readonly SearchValues<byte> Structure = SearchValues.Create("\"\\{}[]"u8);
    private static readonly SearchValues<byte> StringEnd = SearchValues.Create("\"\\"u8);
    private static readonly SearchValues<byte> ScalarEnd = SearchValues.Create(",]} \t\r\n\"{["u8);

    private readonly Stream _source;
    private readonly string _file;
    private byte[] _buffer = new byte[64 * 1024];
    private int _pos;     // the first byte still needed: all of them before the array opens, then the event being read
    private int _scan;    // how far the splitter has looked (from _pos on)
    private int _end;
    private bool _eof;
    private long _droppedNewlines;
    private int _closedAt;

    // Before the array: the header's reader.
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 256 });
    private Header _header = Header.Start;
    private int _skipDepth;
    private bool _eventsKey;
    private bool _committed;

    // In and after the array: the splitter.
    private Expect _expect = Expect.EventOrEnd;
    private bool _inEvent;
    private bool _scalar;
    private bool _afterArray;
    private bool _oversized;
    private int _depth;
    private bool _inString;
    private bool _escaped;
    private long _index;

    private EnvelopeStreamer(Stream source, string file) => (_source, _file) = (source, file);

    private enum Header
    {
        Start,
        Keys,
        Value,
        Skip,
    }

    private enum Expect
    {
        EventOrEnd,
        Event,
        CommaOrEnd,
    }

    private enum Outcome
    {
        NeedMore,
        Split,
        BatchFull,
        NotEnvelope,
        Closed,
        Broken,
    }

    /// <summary>
    /// The records of <paramref name="source"/>, whose first line (line <paramref name="lineOffset"/> + 1) starts a JSON
    /// object; <paramref name="jsonLines"/> reads whatever is JSON lines (the file itself when it is not an envelope, or
    /// what follows the envelope), given the stream and the number of lines before it.
    /// </summary>
    public static IEnumerable<RecordBatch> Read(Stream source, string file, long lineOffset, RecordBatch.Pool pool, Func<Stream, long, IEnumerable<RecordBatch>> jsonLines)
    {
        var streamer = new EnvelopeStreamer(source, file);
        var batch = pool.Rent(file);
        while (true)
        {
            var outcome = streamer._committed ? streamer.Split(batch) : streamer.ReadHeader();
            switch (outcome)
            {
                case Outcome.Split:
                    continue;
                case Outcome.NeedMore:
                    if (!streamer.Fill())
                    {
                        outcome = streamer._committed ? streamer.EndOfData(batch) : Outcome.NotEnvelope;
                        goto default;
                    }

                    continue;
                case Outcome.BatchFull:
                    yield return batch;
                    batch = pool.Rent(file);
                    continue;
                default:
                    if (outcome == Outcome.NotEnvelope)
                    {
                        batch.Dispose();
                        foreach (var b in jsonLines(streamer.Unread(0), lineOffset))
                        {
                            yield return b;
                        }

                        yield break;
                    }

                    if (batch.Count > 0)
                    {
                        yield return batch;
                    }
                    else
                    {
                        batch.Dispose();
                    }

                    if (outcome == Outcome.Closed)
                    {
                        // The rest of the line that closes the envelope, and every line after it, as JSON lines.
                        var linesBefore = lineOffset + streamer._droppedNewlines + System.MemoryExtensions.Count(streamer._buffer.AsSpan(0, streamer._closedAt), (byte)'\n');
                        foreach (var b in jsonLines(streamer.Unread(streamer._closedAt), linesBefore))
                        {
                            yield return b;
                        }
                    }

                    yield break;
            }
        }
    }

    /// <summary>
    /// Reads the object's keys up to its <c>events</c> array with <see cref="Utf8JsonReader"/>, which checks every byte:
    /// NotEnvelope as soon as the object shows it is not one; Split once the array opens.
    /// </summary>
    private Outcome ReadHeader()
    {
        var reader = new Utf8JsonReader(_buffer.AsSpan(_pos, _end - _pos), _eof, _state);
        try
        {
            while (reader.Read())
            {
                switch (_header)
                {
                    case Header.Start:
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            return Outcome.NotEnvelope;
                        }

                        _header = Header.Keys;
                        break;
                    case Header.Keys:
                        // A property name, or the end of an object with no `events` array; `type` makes it an event,
                        // however it is laid out.
                        if (reader.TokenType != JsonTokenType.PropertyName || Json.NameMatch.Matches(reader.ValueSpan, "type"u8))
                        {
                            return Outcome.NotEnvelope;
                        }

                        _eventsKey = Json.NameMatch.Matches(reader.ValueSpan, "events"u8);
                        _header = Header.Value;
                        break;
                    case Header.Value:
                        if (_eventsKey)
                        {
                            if (reader.TokenType != JsonTokenType.StartArray)
                            {
                                return Outcome.NotEnvelope;
                            }

                            _pos += (int)reader.BytesConsumed;
                            _scan = _pos;
                            _committed = true;
                            return Outcome.Split;
                        }

                        (_header, _skipDepth) = reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray
                            ? (Header.Skip, reader.CurrentDepth)
                            : (Header.Keys, 0);
                        break;
                    default:
                        if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray && reader.CurrentDepth == _skipDepth)
                        {
                            _header = Header.Keys;
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            return Outcome.NotEnvelope;
        }

        _state = reader.CurrentState;
        _pos += (int)reader.BytesConsumed;
        return Outcome.NeedMore;
    }

    /// <summary>Cuts events out of the array, then passes over the rest of the object, as far as the bytes at hand go.</summary>
    private Outcome Split(RecordBatch batch)
    {
        while (true)
        {
            if (_inEvent)
            {
                if (!ScanValue(out var end))
                {
                    if (!_oversized && _scan - _pos >= MaxEventBytes)
                    {
                        batch.AddRecord(new LogRecord(_file, ++_index, LogRecordKind.Malformed, null, $"event longer than {MaxEventBytes} bytes"));
                        _oversized = true;
                    }

                    if (_oversized)
                    {
                        _pos = _scan; // none of it is kept
                    }

                    return Outcome.NeedMore;
                }

                if (!_oversized)
                {
                    batch.AddLine(++_index, _buffer.AsSpan(_pos, end - _pos));
                }

                (_inEvent, _oversized, _pos, _scan, _expect) = (false, false, end, end, Expect.CommaOrEnd);
                if (batch.IsFull)
                {
                    return Outcome.BatchFull;
                }

                continue;
            }

            if (_afterArray)
            {
                if (!ScanValue(out var end))
                {
                    _pos = _scan;
                    return Outcome.NeedMore;
                }

                _closedAt = end;
                return Outcome.Closed;
            }

            var next = _buffer.AsSpan(_pos, _end - _pos).IndexOfAnyExcept(" \t\r\n"u8);
            if (next < 0)
            {
                _pos = _scan = _end;
                return Outcome.NeedMore;
            }

            _pos = _scan = _pos + next;
            var b = _buffer[_pos];
            if (b == ']')
            {
                if (_expect == Expect.Event)
                {
                    batch.AddRecord(new LogRecord(_file, _index + 1, LogRecordKind.Malformed, null, $"the {Name} array has a `,` with no event after it"));
                }

                // The array is read; what is left of the object (its other keys) is passed over to its closing brace.
                (_pos, _afterArray, _depth, _inString, _escaped, _scalar) = (_pos + 1, true, 1, false, false, false);
                _scan = _pos;
                continue;
            }

            if (_expect == Expect.CommaOrEnd ? b != ',' : b == ',')
            {
                return Break(batch, $"the {Name} array breaks off after its event {_index}: expected {(_expect == Expect.CommaOrEnd ? "`,` or `]`" : "an event")}, not {Shown(b)}; the rest of the file is not read");
            }

            if (b == ',')
            {
                (_pos, _expect) = (_pos + 1, Expect.Event);
                _scan = _pos;
                continue;
            }

            (_inEvent, _scalar, _depth, _inString, _escaped) = (true, b is not ((byte)'{' or (byte)'[' or (byte)'"'), 0, false, false);
        }
    }

    /// <summary>
    /// Scans on from <see cref="_scan"/> for the end of the value being read (an event, or, after the array, the rest of
    /// the object): true with the offset just past it, false when the bytes at hand end first.
    /// </summary>
    private bool ScanValue(out int end)
    {
        var i = _scan;
        if (_scalar)
        {
            // A number, a literal or a stray word: it ends where a delimiter starts (and at least one byte on).
            var k = _buffer.AsSpan(i, _end - i).IndexOfAny(ScalarEnd);
            if (k < 0 && !_eof)
            {
                (_scan, end) = (_end, 0);
                return false;
            }

            end = _scan = k < 0 ? _end : Math.Max(i + k, _pos + 1);
            return true;
        }

        while (i < _end)
        {
            if (_escaped)
            {
                (_escaped, i) = (false, i + 1);
                continue;
            }

            var span = _buffer.AsSpan(i, _end - i);
            var k = _inString ? span.IndexOfAny(StringEnd) : span.IndexOfAny(Structure);
            if (k < 0)
            {
                i = _end;
                break;
            }

            i += k;
            switch (_buffer[i])
            {
                case (byte)'\\':
                    _escaped = _inString; // outside a string it is a damaged event's business, not the splitter's
                    break;
                case (byte)'"':
                    _inString = !_inString;
                    break;
                case (byte)'{' or (byte)'[':
                    _depth++;
                    break;
                default:
                    _depth--;
                    break;
            }

            i++;
            if (_depth <= 0 && !_inString)
            {
                end = _scan = i;
                return true;
            }
        }

        (_scan, end) = (i, 0);
        return false;
    }

    /// <summary>What the end of the file means where the splitter is.</summary>
    private Outcome EndOfData(RecordBatch batch)
    {
        if (_oversized)
        {
            return Outcome.Broken; // its record says it was too long
        }

        var where = _inEvent ? $"inside event {_index + 1} of the {Name} array"
            : _afterArray ? $"before the {Name} object closes (after its events)"
            : $"before the {Name} array closes";
        return Break(batch, "the file ends " + where);
    }

    private Outcome Break(RecordBatch batch, string reason)
    {
        batch.AddRecord(new LogRecord(_file, _index + 1, LogRecordKind.Malformed, null, reason));
        return Outcome.Broken;
    }

    private static string Shown(byte b) => b is > 0x20 and < 0x7F ? $"`{(char)b}`" : $"byte 0x{b:X2}";

    /// <summary>
    /// Reads more of the source: false at its end, or, before the array opens, when what must be kept would pass
    /// <see cref="MaxEventBytes"/>. Once the array is open, only the event being read is kept.
    /// </summary>
    private bool Fill()
    {
        if (_eof)
        {
            return false;
        }

        if (_committed && _pos > 0)
        {
            _droppedNewlines += System.MemoryExtensions.Count(_buffer.AsSpan(0, _pos), (byte)'\n');
            Buffer.BlockCopy(_buffer, _pos, _buffer, 0, _end - _pos);
            (_end, _scan, _pos) = (_end - _pos, _scan - _pos, 0);
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length > MaxEventBytes)
            {
                return false;
            }

            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxEventBytes + (64 * 1024)));
        }

        var n = _source.Read(_buffer, _end, _buffer.Length - _end);
        _end += n;
        _eof = n == 0;
        return true;
    }

    /// <summary>What has not been taken from the source, from <paramref name="at"/> in the buffer on.</summary>
    private PrefixedStream Unread(int at) => new(_buffer, at, _end - at, _eof ? Stream.Null : _source);
}

/// <summary>Some bytes already read, then the rest of a stream: read-only, forward only. The bytes are let go once read.</summary>
internal sealed class PrefixedStream(byte[] head, int offset, int count, Stream tail) : Stream
{
    private byte[]? _head = head;
    private int _offset = offset;
    private int _count = count;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_count == 0)
        {
            return tail.Read(buffer);
        }

        var n = Math.Min(_count, buffer.Length);
        _head.AsSpan(_offset, n).CopyTo(buffer);
        (_offset, _count) = (_offset + n, _count - n);
        if (_count == 0)
        {
            _head = null; // a line reader's buffer can be 64 MB
        }

        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
