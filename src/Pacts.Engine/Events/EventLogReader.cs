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
    public static Stream Open(string path, Func<Stream> stdin)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(stdin);
        var raw = path == "-" ? stdin() : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
    }

    /// <summary>Reads every record of <paramref name="stream"/>; I/O and gzip errors propagate to the caller.</summary>
    public static IEnumerable<LogRecord> Read(Stream stream, string file) => Read(stream, file, detectEnvelope: true);

    private static IEnumerable<LogRecord> Read(Stream stream, string file, bool detectEnvelope)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var lines = new LineReader(stream);
        long lineNo = 0;
        var first = true;
        while (lines.TryReadLine(out var line, out var tooLong))
        {
            lineNo++;
            if (tooLong)
            {
                yield return new LogRecord(file, lineNo, LogRecordKind.Malformed, null, $"line longer than {LineReader.MaxLineBytes} bytes");
                continue;
            }

            if (lineNo == 1 && line.Span.StartsWith("\uFEFF"u8))
            {
                line = line[3..]; // a UTF-8 byte order mark is not part of the first event
            }

            if (IsBlank(line.Span))
            {
                continue;
            }

            JsonDocument? doc = null;
            string? error = null;
            try
            {
                doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 128 });
            }
            catch (JsonException ex)
            {
                error = "invalid JSON: " + Clean(ex);
            }

            if (first && detectEnvelope)
            {
                first = false;
                if (doc is not null && IsEventsEnvelope(doc.RootElement))
                {
                    foreach (var r in ReadEnvelope(doc, file))
                    {
                        yield return r;
                    }

                    // One envelope per file; anything after it is reported line by line.
                    continue;
                }

                if (doc is null && line.Span.TrimStart(" \t"u8).StartsWith("{"u8))
                {
                    // A pretty-printed envelope spans lines: read the file whole (it is one request body).
                    var rest = Rest(line, lines);
                    JsonDocument? whole = null;
                    try
                    {
                        whole = JsonDocument.Parse(rest, new JsonDocumentOptions { MaxDepth = 128 });
                    }
                    catch (JsonException)
                    {
                    }

                    if (whole is not null && IsEventsEnvelope(whole.RootElement))
                    {
                        foreach (var r in ReadEnvelope(whole, file))
                        {
                            yield return r;
                        }

                        yield break;
                    }

                    // Not an envelope after all: report the file line by line, without trying again.
                    whole?.Dispose();
                    foreach (var r in Read(new MemoryStream(rest), file, detectEnvelope: false))
                    {
                        yield return r;
                    }

                    yield break;
                }
            }

            if (doc is null)
            {
                yield return new LogRecord(file, lineNo, LogRecordKind.Malformed, null, error);
                continue;
            }

            using (doc)
            {
                var kind = EventParser.Parse(doc.RootElement, out var ev, out var reason);
                yield return new LogRecord(file, lineNo, kind, ev, reason);
            }
        }
    }

    private static IEnumerable<LogRecord> ReadEnvelope(JsonDocument doc, string file)
    {
        using (doc)
        {
            long index = 0;
            foreach (var item in doc.RootElement.GetProperty("events").EnumerateArray())
            {
                index++;
                var kind = EventParser.Parse(item, out var ev, out var reason);
                yield return new LogRecord(file, index, kind, ev, reason);
            }
        }
    }

    private static bool IsEventsEnvelope(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && !root.TryGetProperty("type", out _)
        && root.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Array;

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

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \t\r"u8).IsEmpty;

    private static string Clean(JsonException ex)
    {
        var m = ex.Message;
        var cut = m.IndexOf(" LineNumber", StringComparison.Ordinal);
        m = (cut > 0 ? m[..cut] : m).Trim().TrimEnd('.');
        var col = ex.BytePositionInLine is { } b ? $" at byte {b + 1}" : "";
        return (m.Length > 0 ? char.ToLowerInvariant(m[0]) + m[1..] : m) + col;
    }
}
