using System.Text;
using System.Text.Json;

namespace Pacts.Json;

/// <summary>
/// A flat index of the tokens of one params object read from raw UTF-8 (with <see cref="Utf8JsonReader"/>, or in
/// replay's scanning pass with <see cref="StrictJsonReader"/>):
/// per token its kind, the span of its verbatim text, where its subtree ends and how many children it has.
/// One instance per thread is reused, so reading and validating raw bytes allocates nothing once warm.
/// </summary>
internal sealed class ParamsDom
{
    [ThreadStatic]
    private static ParamsDom? s_current;

    private Token[] _tokens = new Token[64]; // one record per token: a token's facts share a cache line
    private int[] _stack = new int[64];
    private ReadOnlyMemory<byte> _utf8;
    private int _count;

    /// <summary>The deepest params nest (objects and arrays); deeper input is refused as invalid JSON.</summary>
    public const int MaxDepth = 64;

    public static ParamsDom Rent() => s_current ??= new ParamsDom();

    /// <summary>Counts loads, so a holder of an index can tell whether it still describes the bytes it loaded.</summary>
    public int Generation { get; private set; }

    /// <summary>The root of what was loaded last.</summary>
    public DomNode Root => new(this, 0);

    /// <summary>Indexes <paramref name="utf8"/>; throws <see cref="JsonException"/> for invalid JSON, as <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> would.</summary>
    public DomNode Load(ReadOnlyMemory<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8.Span, new JsonReaderOptions { MaxDepth = MaxDepth });
        reader.Read();
        Begin(utf8);
        var tokens = new SystemJsonTokens(reader);
        ReadTokens(ref tokens);
        while (tokens.Read())
        {
            // Only whitespace may follow; the reader throws on anything else.
        }

        return Root;
    }

    /// <summary>
    /// Indexes the value at <paramref name="reader"/>'s current token, the reader being over <paramref name="utf8"/>
    /// (replay reads an event's params this way, in the same pass as the event). The reader's own depth limit
    /// bounds the value (the scanner's keeps params within the 64 levels the walk reads).
    /// </summary>
    public void LoadValue<TReader>(ref TReader reader, ReadOnlyMemory<byte> utf8)
        where TReader : IJsonTokens, allows ref struct
    {
        Begin(utf8);
        ReadTokens(ref reader);
    }

    private void Begin(ReadOnlyMemory<byte> utf8)
    {
        _utf8 = utf8;
        _count = 0;
        Generation++;
    }

    /// <summary>Reads from the current token to the end of its value.</summary>
    private void ReadTokens<TReader>(ref TReader reader)
        where TReader : IJsonTokens, allows ref struct
    {
        var depth = 0;
        do
        {
            var start = (int)reader.TokenStartIndex;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    {
                        var i = Add(reader.TokenType == JsonTokenType.StartObject ? JsonValueKind.Object : JsonValueKind.Array, start, 0, false, depth);
                        Push(ref depth, i);
                        continue;
                    }

                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    {
                        var i = _stack[--depth];
                        ref var t = ref _tokens[i];
                        t.Length = (int)reader.BytesConsumed - t.Start;
                        t.End = _count;
                        break;
                    }

                case JsonTokenType.PropertyName:
                    Add(JsonValueKind.Undefined, start + 1, reader.ValueSpan.Length, reader.ValueIsEscaped, depth);
                    continue;
                case JsonTokenType.String:
                    AddValue(JsonValueKind.String, start, reader.ValueSpan.Length + 2, depth);
                    break;
                case JsonTokenType.Number:
                    AddValue(JsonValueKind.Number, start, reader.ValueSpan.Length, depth);
                    break;
                case JsonTokenType.True:
                    AddValue(JsonValueKind.True, start, 4, depth);
                    break;
                case JsonTokenType.False:
                    AddValue(JsonValueKind.False, start, 5, depth);
                    break;
                case JsonTokenType.Null:
                    AddValue(JsonValueKind.Null, start, 4, depth);
                    break;
            }

            if (depth == 0)
            {
                return; // the value is complete
            }
        }
        while (reader.Read());
    }

    internal JsonValueKind KindOf(int i) => _tokens[i].Kind;

    internal ReadOnlySpan<byte> RawOf(int i)
    {
        ref readonly var t = ref _tokens[i];
        return _utf8.Span.Slice(t.Start, t.Length);
    }

    internal int CountOf(int i) => _tokens[i].Count;

    internal int EndOf(int i) => _tokens[i].End;

    internal bool IsEscaped(int i) => _tokens[i].Escaped;

    private void AddValue(JsonValueKind kind, int start, int length, int depth) => Add(kind, start, length, false, depth);

    private int Add(JsonValueKind kind, int start, int length, bool escaped, int depth)
    {
        if (_count == _tokens.Length)
        {
            Array.Resize(ref _tokens, _count * 2);
        }

        var i = _count++;
        _tokens[i] = new Token { Kind = kind, Start = start, Length = length, Escaped = escaped, Count = 0, End = i + 1 };

        // A property name, or a value directly inside an array, is a child of the open container.
        if (depth > 0)
        {
            ref var parent = ref _tokens[_stack[depth - 1]];
            if (parent.Kind == JsonValueKind.Array || kind == JsonValueKind.Undefined)
            {
                parent.Count++;
            }
        }

        return i;
    }

    /// <summary>
    /// A token: its kind, where its verbatim text is, whether a name holds escapes, how many children a
    /// container has, and the index just past its subtree.
    /// </summary>
    private struct Token
    {
        public int Start;
        public int Length;
        public int End;
        public int Count;
        public JsonValueKind Kind;
        public bool Escaped;
    }

    private void Push(ref int depth, int i)
    {
        if (depth == _stack.Length)
        {
            Array.Resize(ref _stack, depth * 2);
        }

        _stack[depth++] = i;
    }
}

/// <summary>A token of a <see cref="ParamsDom"/>.</summary>
internal readonly record struct DomNode(ParamsDom Dom, int Index);

/// <summary>A cursor over an object's properties: the current name token, and the next one to visit.</summary>
internal struct DomObjectCursor(ParamsDom dom, int next, int remaining)
{
    public ParamsDom Dom = dom;
    public int Next = next;
    public int Remaining = remaining;
    public int Current = -1;
}

/// <summary>A cursor over an array's elements.</summary>
internal struct DomArrayCursor(ParamsDom dom, int next, int remaining)
{
    public ParamsDom Dom = dom;
    public int Next = next;
    public int Remaining = remaining;
}

/// <summary>Navigation over a <see cref="ParamsDom"/>.</summary>
internal readonly struct DomNav : IJsonNav<DomNode, DomObjectCursor, DomArrayCursor>
{
    public static JsonValueKind Kind(DomNode node) => node.Dom.KindOf(node.Index);

    public static ReadOnlySpan<byte> Raw(DomNode node) => node.Dom.RawOf(node.Index);

    public static ReadOnlySpan<byte> Leaf(DomNode node, out JsonValueKind kind)
    {
        kind = node.Dom.KindOf(node.Index);
        return node.Dom.RawOf(node.Index);
    }

    public static int ArrayLength(DomNode node) => node.Dom.CountOf(node.Index);

    public static DomNode Item(DomNode node, int index)
    {
        var i = node.Index + 1;
        for (var k = 0; k < index; k++)
        {
            i = node.Dom.EndOf(i);
        }

        return new DomNode(node.Dom, i);
    }

    public static DomObjectCursor Properties(DomNode node) => new(node.Dom, node.Index + 1, node.Dom.CountOf(node.Index));

    public static bool NextProperty(ref DomObjectCursor cursor)
    {
        if (cursor.Remaining == 0)
        {
            return false;
        }

        cursor.Remaining--;
        cursor.Current = cursor.Next;
        cursor.Next = cursor.Dom.EndOf(cursor.Current + 1); // past the value's subtree
        return true;
    }

    public static bool NameEquals(ref DomObjectCursor cursor, ReadOnlySpan<byte> utf8Name)
    {
        var raw = cursor.Dom.RawOf(cursor.Current);
        return cursor.Dom.IsEscaped(cursor.Current) ? EscapedNameEquals(raw, utf8Name) : raw.SequenceEqual(utf8Name);
    }

    public static ReadOnlySpan<byte> RawName(ref DomObjectCursor cursor) => cursor.Dom.RawOf(cursor.Current);

    /// <summary>Out of line: its stack buffers would keep the common case above from being inlined.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static bool EscapedNameEquals(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> utf8Name)
    {
        Span<char> name = raw.Length <= 256 ? stackalloc char[raw.Length] : new char[raw.Length];
        var n = JsonStrings.Decode(raw, name);
        Span<char> expected = utf8Name.Length <= 256 ? stackalloc char[utf8Name.Length] : new char[utf8Name.Length];
        var m = Encoding.UTF8.GetChars(utf8Name, expected);
        return name[..n].SequenceEqual(expected[..m]);
    }

    public static string Name(ref DomObjectCursor cursor) => JsonStrings.DecodeToString(cursor.Dom.RawOf(cursor.Current));

    public static DomNode Value(ref DomObjectCursor cursor) => new(cursor.Dom, cursor.Current + 1);

    public static DomArrayCursor Items(DomNode node) => new(node.Dom, node.Index + 1, node.Dom.CountOf(node.Index));

    public static bool NextItem(ref DomArrayCursor cursor, out DomNode item)
    {
        if (cursor.Remaining == 0)
        {
            item = default;
            return false;
        }

        cursor.Remaining--;
        item = new DomNode(cursor.Dom, cursor.Next);
        cursor.Next = cursor.Dom.EndOf(cursor.Next);
        return true;
    }
}
