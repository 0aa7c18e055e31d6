using System.IO.Compression;
using System.Text.Json;

namespace Pacts.Events;

/// <summary>
/// Streams the records of an event log (SPEC §6): JSONL, or one <c>{"events": [...]}</c> object; <c>.gz</c>
/// files are read through gzip. JSONL is read line by line and an envelope an event at a time, however it is laid
/// out, so memory does not grow with the log. A record's <see cref="AgentEvent.Params"/> stays valid until the
/// enumeration moves on.
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

    /// <summary>A first line that starts with <c>{</c> and is at least this long is streamed as a possible envelope, not held.</summary>
    private const int StreamFirstLineFrom = 1 << 20;

    private static IEnumerable<RecordBatch> ReadBatches(Stream stream, string file, RecordBatch.Pool pool, bool detectEnvelope, long lineOffset)
    {
        ArgumentNullException.ThrowIfNull(stream);
        // Only the first line that is not blank may open an envelope; one that long is streamed without being held.
        var lines = new LineReader(stream) { StopAt = detectEnvelope ? StreamFirstLineFrom : 0 };
        var lineNo = lineOffset;
        var first = detectEnvelope;
        var batch = pool.Rent(file);
        while (lines.TryReadLine(out var line, out var tooLong))
        {
            lineNo++;
            var bom = 0;
            if (lineNo == 1)
            {
                bom = CheckFirstLine(line.Span);
                line = line[bom..];
            }

            if (!tooLong && IsBlank(line.Span))
            {
                continue;
            }

            if (first)
            {
                first = false;
                lines.StopAt = 0;
                if (line.Span.TrimStart(" \t"u8).StartsWith("{"u8) && (tooLong || OpensEnvelope(line)))
                {
                    // An envelope, or an object not finished on its line (pretty-printed, perhaps an envelope), or one
                    // too long for a line: streamed from here, and read as JSON lines again where it is not one.
                    batch.Dispose();
                    var source = tooLong ? lines.Remaining(bom) : new PrefixedStream([.. line.Span, (byte)'\n'], 0, line.Length + 1, lines.Remaining());
                    foreach (var b in EnvelopeStreamer.Read(source, file, lineNo - 1, pool, (rest, before) => ReadBatches(rest, file, pool, detectEnvelope: false, before)))
                    {
                        yield return b;
                    }

                    yield break;
                }

                if (tooLong)
                {
                    // Long, but no object: read to its end as any line is.
                    _ = lines.TryReadLine(out line, out tooLong);
                    line = line[(tooLong ? 0 : bom)..];
                }
            }

            if (tooLong)
            {
                batch.AddRecord(new LogRecord(file, lineNo, LogRecordKind.Malformed, null, $"line longer than {LineReader.MaxLineBytes} bytes"));
            }
            else
            {
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

    /// <summary>
    /// Checks the first line (or the start of one too long to read) for what makes a log not UTF-8 JSON lines as a
    /// whole, and returns the length of a UTF-8 byte order mark to drop (it is not part of the first event).
    /// </summary>
    private static int CheckFirstLine(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith("\uFEFF"u8))
        {
            return 3;
        }

        if (Compression(line) is { } compression)
        {
            // A compressed log not named .gz (piped to stdin, or rotated under another name) would be all malformed lines.
            throw new EventLogEncodingException(
                $"it is {compression}-compressed data, not JSON lines; "
                + (compression == "gzip" ? "name the file *.gz, or decompress it first (gunzip -c)" : "decompress it first"));
        }

        if (Text.SourceText.ByteOrderMark(line) is { UnitBytes: > 1, Name: var name })
        {
            // Every line would be malformed, and malformed lines do not change the exit code: say it once.
            throw new EventLogEncodingException(
                $"it is {name} text (it starts with a {name} byte order mark), and event logs are UTF-8 JSON lines; "
                + $"convert it first, e.g. `iconv -f {name} -t UTF-8` (Windows PowerShell's `>` writes UTF-16: use `Out-File -Encoding utf8`)");
        }

        return 0;
    }

    /// <summary>
    /// Whether a first line that starts with <c>{</c> is to be streamed as an envelope: it is one (an object with an
    /// <c>events</c> array and no <c>type</c>), or it is not a whole JSON text on its own (the first line of a
    /// pretty-printed object; the streamer then decides).
    /// </summary>
    private static bool OpensEnvelope(ReadOnlyMemory<byte> line)
    {
        using var doc = RecordBatch.TryParseJson(line, out _);
        return doc is null || IsEventsEnvelope(doc.RootElement);
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
        root.ValueKind == JsonValueKind.Object && !Json.JsonStrings.TryGetProperty(root, "type"u8, out _)
        && Json.JsonStrings.TryGetProperty(root, "events"u8, out var events) && events.ValueKind == JsonValueKind.Array;

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
