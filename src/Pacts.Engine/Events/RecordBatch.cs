using System.Buffers;
using System.Text.Json;

namespace Pacts.Events;

/// <summary>
/// A run of consecutive log records, in log order: raw JSONL lines copied into one pooled buffer (parsed by
/// <see cref="ParseAll"/>), and records the reader
/// already settled (an over-long line, an envelope's events). The batch owns the documents its events point
/// into, so an event's <see cref="AgentEvent.Params"/> stays valid until the batch is disposed. Copying lines
/// out of the reader's buffer is what lets a record outlive the next read.
/// </summary>
internal sealed class RecordBatch : IDisposable
{
    /// <summary>A batch closes at this many records...</summary>
    public const int MaxRecords = 1024;

    /// <summary>... or when its raw lines reach this many bytes.</summary>
    public const int TargetBytes = 256 * 1024;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 128 };

    // An array, not a List<Item>: that instantiation over our struct is in no ReadyToRun image, so every replay ran
    // it as tier-0 code until tiering caught up.
    private Item[] _items = new Item[MaxRecords];
    private int _count;
    private readonly List<IDisposable> _owned = [];
    private byte[]? _data;
    private int _used;
    private LogRecord[] _records = [];

    public string File { get; }

    public RecordBatch(string file) => File = file;

    public int Count => _count;

    public bool IsFull => _count >= MaxRecords || _used >= TargetBytes;

    /// <summary>The records, after <see cref="ParseAll"/>.</summary>
    public LogRecord[] Records => _records;

    /// <summary>Copies one raw line in, to be parsed later.</summary>
    public void AddLine(long line, ReadOnlySpan<byte> bytes)
    {
        if (_data is null || _data.Length - _used < bytes.Length)
        {
            Grow(bytes.Length);
        }

        bytes.CopyTo(_data.AsSpan(_used));
        Add(new Item(line, _used, bytes.Length, null));
        _used += bytes.Length;
    }

    /// <summary>Adds a record the reader settled itself.</summary>
    public void AddRecord(LogRecord record) => Add(new Item(record.Line, 0, 0, record));

    private void Add(Item item)
    {
        if (_count == _items.Length)
        {
            var bigger = new Item[_count * 2]; // an envelope's events all go in one batch
            Array.Copy(_items, bigger, _count);
            _items = bigger;
        }

        _items[_count++] = item;
    }

    /// <summary>Hands the batch a document its records point into, to dispose with it.</summary>
    public void Own(IDisposable owned) => _owned.Add(owned);

    /// <summary>
    /// Parses every record into <see cref="Records"/>: with a <paramref name="scanner"/> the way replay's scanning
    /// threads do (see <see cref="Replay.ScanAhead"/>), else the general way. Call once. A method
    /// of its own, called once a batch, so the runtime soon re-compiles it at full optimisation.
    /// </summary>
    public void ParseAll(EventScanner? scanner)
    {
        var records = new LogRecord[_count];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = Parse(i, scanner);
        }

        _records = records;
    }

    /// <summary>
    /// Parses record <paramref name="index"/>. With a <paramref name="scanner"/>, a well-formed event takes its fast
    /// path and carries its raw params (judged, if the scanner could) instead of JSON elements; any other line is
    /// parsed the general way, so the record is exactly what it would be without it.
    /// </summary>
    private LogRecord Parse(int index, EventScanner? scanner)
    {
        var item = _items[index];
        return item.Ready ?? ParseLine(item.Line, _data.AsMemory(item.Start, item.Length), scanner);
    }

    private LogRecord ParseLine(long lineNo, ReadOnlyMemory<byte> line, EventScanner? scanner)
    {
        if (scanner is not null && scanner.TryScan(line, out var fast))
        {
            return new LogRecord(File, lineNo, LogRecordKind.Event, fast, null);
        }

        var doc = TryParseJson(line, out var error);
        if (doc is null)
        {
            return new LogRecord(File, lineNo, LogRecordKind.Malformed, null, error);
        }

        var kind = EventParser.Parse(doc.RootElement, out var ev, out var reason);
        if (kind == LogRecordKind.Event)
        {
            _owned.Add(doc);
        }
        else
        {
            doc.Dispose();
        }

        return new LogRecord(File, lineNo, kind, ev, reason);
    }

    /// <summary>Parses a document over <paramref name="utf8"/> (not copied: it must outlive the document).</summary>
    public static JsonDocument? TryParseJson(ReadOnlyMemory<byte> utf8, out string? error)
    {
        try
        {
            error = null;
            return JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException ex)
        {
            error = "invalid JSON: " + Clean(ex);
            return null;
        }
    }

    private void Grow(int atLeast)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(TargetBytes + (64 * 1024), _used + atLeast));
        if (_data is not null)
        {
            // Nothing points into the old buffer yet: documents are only made by Parse, after the last add.
            _data.AsSpan(0, _used).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_data);
        }

        _data = bigger;
    }

    public void Dispose()
    {
        foreach (var o in _owned)
        {
            o.Dispose();
        }

        _owned.Clear();
        if (_data is not null)
        {
            ArrayPool<byte>.Shared.Return(_data);
            _data = null;
        }
    }

    private static string Clean(JsonException ex)
    {
        var m = ex.Message;
        var cut = m.IndexOf(" LineNumber", StringComparison.Ordinal);
        m = (cut > 0 ? m[..cut] : m).Trim().TrimEnd('.');
        var col = ex.BytePositionInLine is { } b ? $" at byte {b + 1}" : "";
        return (m.Length > 0 ? char.ToLowerInvariant(m[0]) + m[1..] : m) + col;
    }

    private readonly record struct Item(long Line, int Start, int Length, LogRecord? Ready);
}
