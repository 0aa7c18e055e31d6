using System.Collections;
using System.Text;
using Pacts.Text;

namespace Pacts.Syntax;

/// <summary>
/// The items of a list that holds only scalars, kept as columns rather than one <see cref="PactNode"/> each: the
/// texts as UTF-8 back to back (strings decoded, numbers as written), and per item its kind and position. A pact's
/// lists are almost all of this shape, and a wide one holds millions of values: as nodes, each cost an object, a
/// string and a slot in a growing list, all surviving until compile ends, which made a 25 MB pact's compile mostly
/// garbage collection. <see cref="Rules.ScalarSet"/> builds straight from the columns and keeps the text buffer as
/// its members. Seen as <see cref="IReadOnlyList{T}"/>, an item is made into a node when asked for (diagnostics,
/// linter checks): equal nodes each time, not the same instance.
/// </summary>
internal sealed class ScalarItems : IReadOnlyList<PactNode>
{
    private readonly byte[] _kinds;
    private readonly int[] _lines;
    private readonly int[] _columns;
    private readonly int[] _endColumns; // 0 for an item whose end is unknown or on a later line (a folded YAML scalar)
    private readonly string _file;

    private ScalarItems(byte[] utf8, int[] ends, byte[] kinds, int[] lines, int[] columns, int[] endColumns, string file)
    {
        Utf8 = utf8;
        Ends = ends;
        _kinds = kinds;
        _lines = lines;
        _columns = columns;
        _endColumns = endColumns;
        _file = file;
    }

    /// <summary>The items' texts, back to back, as UTF-8: item <c>i</c> ends at <c>Ends[i]</c> and starts where the one before it ends.</summary>
    public byte[] Utf8 { get; }

    /// <summary>Per item, the offset in <see cref="Utf8"/> just past its text.</summary>
    public int[] Ends { get; }

    /// <inheritdoc/>
    public int Count => Ends.Length;

    /// <summary>Item <paramref name="index"/> as a node (a new one on each call).</summary>
    public PactNode this[int index] => PactNode.Scalar(Kind(index), Text(index), Span(index));

    /// <summary>The kind of item <paramref name="index"/>.</summary>
    public PactNodeKind Kind(int index) => (PactNodeKind)_kinds[index];

    /// <summary>Item <paramref name="index"/>'s text as UTF-8 (what <see cref="PactNode.Text"/> holds, encoded).</summary>
    public ReadOnlySpan<byte> TextUtf8(int index) => TextOf(Utf8, Ends, index);

    /// <summary>Item <paramref name="index"/>'s text.</summary>
    public string Text(int index) => Encoding.UTF8.GetString(TextUtf8(index));

    /// <summary>Where item <paramref name="index"/> is: its start and, for one on a single line, its end.</summary>
    public SourceSpan Span(int index) =>
        new(_file, _lines[index], _columns[index]) { EndLine = _endColumns[index] > 0 ? _lines[index] : 0, EndColumn = _endColumns[index] };

    /// <summary>Item <paramref name="index"/>'s text in buffers laid out as <see cref="Utf8"/> and <see cref="Ends"/>.</summary>
    public static ReadOnlySpan<byte> TextOf(byte[] utf8, int[] ends, int index)
    {
        var start = index == 0 ? 0 : ends[index - 1];
        return utf8.AsSpan(start, ends[index] - start);
    }

    /// <summary>The columns of a list of scalar nodes: one the reader kept as nodes (a YAML list with an anchor, alias or tag); plain lists are read into columns directly.</summary>
    public static ScalarItems FromNodes(IReadOnlyList<PactNode> items)
    {
        var builder = new Builder();
        foreach (var item in items)
        {
            builder.Add(item.Kind, item.Text, item.Span);
        }

        return builder.Build();
    }

    /// <inheritdoc/>
    public IEnumerator<PactNode> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Collects items one at a time into growing columns, then copies them out at their exact size. A reader keeps
    /// one and reuses it list after list (lists of scalars do not nest), so its buffers are allocated once.
    /// </summary>
    internal sealed class Builder
    {
        private byte[] _utf8 = new byte[256];
        private int[] _ends = new int[16];
        private byte[] _kinds = new byte[16];
        private int[] _lines = new int[16];
        private int[] _columns = new int[16];
        private int[] _endColumns = new int[16];
        private int _count;
        private int _length;
        private string _file = "";

        public int Count => _count;

        /// <summary>Adds an item whose text is already UTF-8 (the JSON reader's tokens).</summary>
        public void Add(PactNodeKind kind, ReadOnlySpan<byte> text, SourceSpan span)
        {
            text.CopyTo(Room(text.Length));
            Commit(kind, text.Length, span);
        }

        /// <summary>Adds an item whose text is a string (YAML's scalars, nodes), encoded straight into the buffer.</summary>
        public void Add(PactNodeKind kind, string text, SourceSpan span) =>
            Commit(kind, Encoding.UTF8.GetBytes(text, Room(Encoding.UTF8.GetMaxByteCount(text.Length))), span);

        /// <summary>At least <paramref name="bytes"/> bytes of the text buffer, past what is used.</summary>
        private Span<byte> Room(int bytes)
        {
            if (_length + bytes > _utf8.Length)
            {
                Array.Resize(ref _utf8, Math.Max(_utf8.Length * 2, _length + bytes));
            }

            return _utf8.AsSpan(_length);
        }

        private void Commit(PactNodeKind kind, int textLength, SourceSpan span)
        {
            if (_count == _ends.Length)
            {
                var size = _count * 2;
                Array.Resize(ref _ends, size);
                Array.Resize(ref _kinds, size);
                Array.Resize(ref _lines, size);
                Array.Resize(ref _columns, size);
                Array.Resize(ref _endColumns, size);
            }

            _length += textLength;
            _ends[_count] = _length;
            _kinds[_count] = (byte)kind;
            _lines[_count] = span.Line;
            _columns[_count] = span.Column;
            _endColumns[_count] = span.HasEnd && span.EndLine == span.Line ? span.EndColumn : 0;
            _file = span.File;
            _count++;
        }

        /// <summary>The items so far as nodes (a list turned out to hold more than scalars); the builder is emptied.</summary>
        public List<PactNode> TakeNodes()
        {
            var nodes = new List<PactNode>(_count + 1);
            var items = Build();
            for (var i = 0; i < items.Count; i++)
            {
                nodes.Add(items[i]);
            }

            return nodes;
        }

        /// <summary>The items so far, in columns of their own; the builder is emptied for the next list.</summary>
        public ScalarItems Build()
        {
            var items = new ScalarItems(_utf8[.._length], _ends[.._count], _kinds[.._count], _lines[.._count], _columns[.._count], _endColumns[.._count], _file);
            (_count, _length) = (0, 0);
            return items;
        }
    }
}
