using System.Buffers;
using System.Text.Json;

namespace Pacts.Events;

/// <summary>
/// A run of consecutive log records, in log order: raw JSONL lines copied into one buffer (parsed by
/// <see cref="ParseAll"/>), and records the reader already settled (an over-long line or event, where an envelope breaks off).
/// The batch owns the documents its events point into, so an event's <see cref="AgentEvent.Params"/> stays valid
/// until the batch is disposed. Copying lines out of the reader's buffer is what lets a record outlive the next read.
/// Batches come from a <see cref="Pool"/> and go back to it when disposed, entries and buffer kept, so a long
/// replay reuses a handful of them instead of allocating its records anew.
/// </summary>
internal sealed class RecordBatch : IDisposable
{
    /// <summary>A batch closes at this many records...</summary>
    public const int MaxRecords = 1024;

    /// <summary>... or when its raw lines reach this many bytes.</summary>
    public const int TargetBytes = 256 * 1024;

    /// <summary>The deepest a log line may nest (<see cref="ParamsLimits.MaxEventDepth"/>).</summary>
    internal const int MaxEventDepth = ParamsLimits.MaxEventDepth;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxEventDepth };

    // An array, not a List<Entry>: that instantiation over our struct is in no ReadyToRun image, so every replay ran
    // it as tier-0 code until tiering caught up. It grows as needed (a short log's batch stays small) and a pooled
    // batch keeps what it grew to.
    private Entry[] _entries = new Entry[64];
    private EventFields[] _scanned = []; // the scanned events, by entry index; sized only by batches a scanner reads
    private int _count;
    private readonly List<IDisposable> _owned = [];
    private readonly Pool _pool;
    private byte[]? _data;
    private int _used;
    private bool _disposed;

    private RecordBatch(Pool pool, string file) => (_pool, File) = (pool, file);

    /// <summary>The log the records come from.</summary>
    public string File { get; private set; }

    public int Count => _count;

    public bool IsFull => _count >= MaxRecords || _used >= TargetBytes;

    /// <summary>
    /// Entry <paramref name="index"/> after <see cref="ParseAll"/>: its <see cref="Entry.Record"/>, or, when that is
    /// null, the event the scanner lifted into <see cref="ScannedAt"/>. Valid until the batch is disposed.
    /// </summary>
    public ref readonly Entry EntryAt(int index) => ref _entries[index];

    /// <summary>The event the scanner read for entry <paramref name="index"/> (whose record is null).</summary>
    public ref readonly EventFields ScannedAt(int index) => ref _scanned[index];

    /// <summary>Copies one raw line in, to be parsed later.</summary>
    public void AddLine(long line, ReadOnlySpan<byte> bytes)
    {
        if (_data is null || _data.Length - _used < bytes.Length)
        {
            Grow(bytes.Length);
        }

        bytes.CopyTo(_data.AsSpan(_used));
        Add(line, _used, bytes.Length, null);
        _used += bytes.Length;
    }

    /// <summary>Adds a record the reader settled itself.</summary>
    public void AddRecord(LogRecord record) => Add(record.Line, 0, 0, record);

    private void Add(long line, int start, int length, LogRecord? record)
    {
        if (_count == _entries.Length)
        {
            var bigger = new Entry[_count * 2];
            Array.Copy(_entries, bigger, _count);
            _entries = bigger;
        }

        ref var e = ref _entries[_count++];
        (e.Line, e.Start, e.Length, e.Record) = (line, start, length, record);
    }

    /// <summary>
    /// Parses every record: with a <paramref name="scanner"/> the way replay's scanning threads do (see
    /// <see cref="Replay.ScanAhead"/>): a well-formed event takes its fast path into its entry's
    /// <see cref="ScannedAt"/> slot, carrying its raw params (judged, if the scanner could); any other line is parsed the
    /// general way into a <see cref="LogRecord"/>, exactly what it would be without a scanner. Call once. A method
    /// of its own, called once a batch, so the runtime soon re-compiles it at full optimisation.
    /// </summary>
    public void ParseAll(EventScanner? scanner)
    {
        for (var i = 0; i < _count; i++)
        {
            ref var e = ref _entries[i];
            if (e.Record is not null)
            {
                continue; // settled by the reader (an over-long line or event, an envelope's break)
            }

            var line = _data.AsMemory(e.Start, e.Length);
            if (scanner is not null)
            {
                if (_scanned.Length < _count)
                {
                    _scanned = new EventFields[Math.Max(_count, MaxRecords)]; // kept by the pooled batch
                }

                if (scanner.TryScan(line, out _scanned[i]))
                {
                    continue;
                }
            }

            e.Record = ParseLine(e.Line, line);
        }
    }

    private LogRecord ParseLine(long lineNo, ReadOnlyMemory<byte> line)
    {
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

    /// <summary>
    /// Disposes the documents the records point into and hands the batch back to its pool (or, when the pool is
    /// full, its buffer back to the shared array pool). Its entries keep their last contents until overwritten:
    /// what they hold stays reachable no longer than the pool holds the batch. A second call does nothing.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return; // a batch handed back twice would be rented twice
        }

        _disposed = true;
        foreach (var o in _owned)
        {
            o.Dispose();
        }

        _owned.Clear();
        (_count, _used) = (0, 0);
        if (!_pool.Return(this) && _data is not null)
        {
            ArrayPool<byte>.Shared.Return(_data);
            _data = null;
        }
    }

    /// <summary>The reader's complaint in our style; <paramref name="withPosition"/> adds its byte in the line, which only means something for a whole line.</summary>
    internal static string Clean(JsonException ex, bool withPosition = true)
    {
        var m = ex.Message;
        var cut = m.IndexOf(" LineNumber", StringComparison.Ordinal);
        m = (cut > 0 ? m[..cut] : m).Trim().TrimEnd('.');
        var col = withPosition && ex.BytePositionInLine is { } b ? $" at byte {b + 1}" : "";
        return (m.Length > 0 ? char.ToLowerInvariant(m[0]) + m[1..] : m) + col;
    }

    /// <summary>One record of the batch.</summary>
    internal struct Entry
    {
        /// <summary>Its line (or envelope index).</summary>
        public long Line;

        /// <summary>Where its raw line is in the batch's buffer (none for a settled record).</summary>
        public int Start, Length;

        /// <summary>The record, settled by the reader or parsed the general way; null when the scanner read the event.</summary>
        public LogRecord? Record;
    }

    /// <summary>
    /// Batches handed back, for the next ones of one reader (<see cref="EventLogReader"/>) or one replay (one
    /// <see cref="Replay.ReplayAnalyzer"/>): rented and returned on that one thread. Keeps at most
    /// <see cref="Capacity"/>, enough for the batches a replay has in flight.
    /// </summary>
    internal sealed class Pool
    {
        private const int Capacity = 16;
        private readonly Stack<RecordBatch> _free = new();

        public RecordBatch Rent(string file)
        {
            if (!_free.TryPop(out var batch))
            {
                return new RecordBatch(this, file);
            }

            (batch.File, batch._disposed) = (file, false);
            return batch;
        }

        public bool Return(RecordBatch batch)
        {
            if (_free.Count >= Capacity)
            {
                return false;
            }

            _free.Push(batch);
            return true;
        }
    }
}
