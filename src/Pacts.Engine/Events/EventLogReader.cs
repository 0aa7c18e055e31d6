using System.IO.Compression;
using System.Text.Json;

namespace Pacts.Events;

/// <summary>
/// Streams the records of an event log (SPEC §6): JSONL, or one <c>{"events": [...]}</c> object; <c>.gz</c>
/// files are read through gzip. JSONL is read line by line, so memory does not grow with the log. A record's
/// <see cref="AgentEvent.Params"/> stays valid until the enumeration moves on.
/// </summary>
public static class EventLogReader
{
    /// <summary>Opens a log by path (<c>-</c> is <paramref name="stdin"/>), decompressing <c>.gz</c>.</summary>
    /// <remarks>
    /// A damaged gzip stream throws <see cref="InvalidDataException"/> while it is read. A <em>truncated</em> one
    /// does so only when the host enables the runtime switch <c>System.IO.Compression.UseStrictValidation</c>, as
    /// the <c>pacts</c> tool does; without it .NET ends the stream silently where the data stops. The switch is
    /// process-wide and read once, so it is the host's to set (in its project:
    /// <c>&lt;RuntimeHostConfigurationOption Include="System.IO.Compression.UseStrictValidation" Value="true" /&gt;</c>).
    /// </remarks>
    public static Stream Open(string path, Func<Stream> stdin)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(stdin);
        var raw = path == "-" ? stdin() : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
    }

    /// <summary>
    /// Reads every record of <paramref name="stream"/>; I/O and gzip errors propagate to the caller, and a log that
    /// starts with a UTF-16 or UTF-32 byte order mark or a compression format's magic number (gzip data in a file not
    /// named <c>.gz</c>, zstd, xz, bzip2) throws <see cref="EventLogEncodingException"/>.
    /// </summary>
    public static IEnumerable<LogRecord> Read(Stream stream, string file)
    {
        foreach (var batch in ReadBatches(stream, file, new RecordBatch.Pool()))
        {
            using (batch)
            {
                batch.ParseAll(scanner: null);
                for (var i = 0; i < batch.Count; i++)
                {
                    yield return batch.EntryAt(i).Record!; // without a scanner every entry is a record
                }
            }
        }
    }

    /// <summary>
    /// The log as batches of consecutive records, in order, each still to be parsed (<see cref="RecordBatch.ParseAll"/>):
    /// the line splitting, blank lines, byte order mark and envelope detection happen here, on the caller's
    /// thread; the JSON parsing happens wherever the batch goes.
    /// </summary>
    internal static IEnumerable<RecordBatch> ReadBatches(Stream stream, string file, RecordBatch.Pool pool) =>
        ReadBatches(stream, file, pool, detectEnvelope: true, lineOffset: 0);

    private static IEnumerable<RecordBatch> ReadBatches(Stream stream, string file, RecordBatch.Pool pool, bool detectEnvelope, long lineOffset)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var lines = new LineReader(stream);
        var lineNo = lineOffset;
        var first = true;
        var batch = pool.Rent(file);
        while (lines.TryReadLine(out var line, out var tooLong))
        {
            lineNo++;
            if (tooLong)
            {
                batch.AddRecord(new LogRecord(file, lineNo, LogRecordKind.Malformed, null, $"line longer than {LineReader.MaxLineBytes} bytes"));
            }
            else
            {
                if (lineNo == 1 && line.Span.StartsWith("\uFEFF"u8))
                {
                    line = line[3..]; // a UTF-8 byte order mark is not part of the first event
                }
                else if (lineNo == 1 && Compression(line.Span) is { } compression)
                {
                    // A compressed log not named .gz (piped to stdin, or rotated under another name) would be all malformed lines.
                    throw new EventLogEncodingException(
                        $"it is {compression}-compressed data, not JSON lines; "
                        + (compression == "gzip" ? "name the file *.gz, or decompress it first (gunzip -c)" : "decompress it first"));
                }
                else if (lineNo == 1 && Reading.SourceText.ByteOrderMark(line.Span) is { UnitBytes: > 1, Name: var name })
                {
                    // Every line would be malformed, and malformed lines do not change the exit code: say it once.
                    throw new EventLogEncodingException(
                        $"it is {name} text (it starts with a {name} byte order mark), and event logs are UTF-8 JSON lines; "
                        + $"convert it first, e.g. `iconv -f {name} -t UTF-8` (Windows PowerShell's `>` writes UTF-16: use `Out-File -Encoding utf8`)");
                }

                if (IsBlank(line.Span))
                {
                    continue;
                }

                if (first && detectEnvelope)
                {
                    first = false;
                    RecordBatch? envelope = null;
                    // Parsed over its own copy: the reader's buffer is about to be overwritten, and if this line is
                    // an envelope (one per file; anything after it is reported line by line) its events point into it.
                    var doc = RecordBatch.TryParseJson(line.ToArray(), out _);
                    if (doc is not null && IsEventsEnvelope(doc.RootElement))
                    {
                        envelope = Envelope(doc, file, pool);
                    }
                    else if (doc is null && line.Span.TrimStart(" \t"u8).StartsWith("{"u8))
                    {
                        // A pretty-printed envelope spans lines: read the file whole (it is one request body).
                        var rest = Rest(line, lines);
                        var whole = RecordBatch.TryParseJson(rest, out _);
                        if (whole is not null && IsEventsEnvelope(whole.RootElement))
                        {
                            envelope = Envelope(whole, file, pool);
                        }
                        else
                        {
                            // Not an envelope after all: report the file line by line, without trying again.
                            whole?.Dispose();
                            foreach (var b in ReadBatches(new MemoryStream(rest), file, pool, detectEnvelope: false, lineOffset: lineNo - 1))
                            {
                                yield return b;
                            }
                        }

                        if (envelope is not null)
                        {
                            yield return envelope;
                        }

                        yield break;
                    }
                    else
                    {
                        doc?.Dispose();
                    }

                    if (envelope is not null)
                    {
                        if (batch.Count > 0)
                        {
                            yield return batch;
                            batch = pool.Rent(file);
                        }

                        yield return envelope;
                        continue;
                    }
                }

                batch.AddLine(lineNo, line.Span);
            }

            if (batch.IsFull)
            {
                yield return batch;
                batch = pool.Rent(file);
            }
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
        else
        {
            batch.Dispose();
        }
    }

    private static RecordBatch Envelope(JsonDocument doc, string file, RecordBatch.Pool pool)
    {
        var batch = pool.Rent(file);
        long index = 0;
        _ = Evaluating.JsonStrings.TryGetProperty(doc.RootElement, "events"u8, out var events);
        foreach (var item in events.EnumerateArray())
        {
            index++;
            var kind = EventParser.Parse(item, out var ev, out var reason);
            batch.AddRecord(new LogRecord(file, index, kind, ev, reason));
        }

        batch.Own(doc);
        return batch;
    }

    /// <summary>The compression format whose magic number starts <paramref name="first"/>, if any (none can start a JSON text).</summary>
    private static string? Compression(ReadOnlySpan<byte> first) => first switch
    {
        [0x1F, 0x8B, ..] => "gzip",
        [0x28, 0xB5, 0x2F, 0xFD, ..] => "zstd",
        [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0, ..] => "xz",
        [(byte)'B', (byte)'Z', (byte)'h', >= (byte)'1' and <= (byte)'9', ..] => "bzip2",
        _ => null,
    };

    private static bool IsEventsEnvelope(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && !Evaluating.JsonStrings.TryGetProperty(root, "type"u8, out _)
        && Evaluating.JsonStrings.TryGetProperty(root, "events"u8, out var events) && events.ValueKind == JsonValueKind.Array;

    private static byte[] Rest(ReadOnlyMemory<byte> firstLine, LineReader lines)
    {
        using var buffer = new MemoryStream();
        buffer.Write(firstLine.Span);
        while (lines.TryReadLine(out var line, out _))
        {
            buffer.WriteByte((byte)'\n');
            buffer.Write(line.Span);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Whether a line holds only spaces, tabs and CRs. A loop rather than <c>Trim(" \t\r"u8)</c>: an event's first
    /// byte answers it, and the ReadyToRun code of that call (a generic from another assembly, through a stub) cost
    /// replay's reading thread ~3 % of a run.
    /// </summary>
    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// An event log that is not UTF-8 JSON lines as a whole (a UTF-16 or UTF-32 file, as Windows PowerShell's <c>&gt;</c>
/// writes, or compressed data read as text): thrown while it is read, as for a damaged gzip stream.
/// </summary>
public sealed class EventLogEncodingException : IOException
{
    /// <summary>Creates the exception with its explanation.</summary>
    public EventLogEncodingException(string message)
        : base(message)
    {
    }
}
