using System.Buffers;
using System.Text;
using System.Text.Json;
using Pacts.Diagnostics;
using Pacts.Text;

namespace Pacts.Syntax;

/// <summary>
/// Reads JSON into <see cref="PactNode"/>s with positions, using <see cref="Utf8JsonReader"/> directly
/// (a <see cref="JsonDocument"/> would lose the positions). Numbers keep their exact text.
/// </summary>
internal sealed class JsonPactReader
{
    private const int MaxDepth = 128;
    private const int MaxSharedKeys = 48;

    private readonly string _file;
    private readonly DiagnosticBag _diagnostics;
    private readonly ReadOnlyMemory<byte> _utf8;
    private readonly List<int> _lineStarts = [0];
    private int _lastLine = -1;
    private int _lastOffset;
    private int _lastColumn;
    private readonly ScalarItems.Builder _scalars = new();
    private byte[] _unescaped = new byte[64];
    private readonly List<(byte[] Utf8, string Text)> _keys = [];

    private JsonPactReader(string file, DiagnosticBag diagnostics, ReadOnlyMemory<byte> utf8)
    {
        _file = file;
        _diagnostics = diagnostics;
        _utf8 = utf8;
        var bytes = utf8.Span;
        var at = 0;
        while (bytes[at..].IndexOf((byte)'\n') is var n and >= 0)
        {
            at += n + 1;
            _lineStarts.Add(at);
        }
    }

    public static PactNode? Read(string text, string file, DiagnosticBag diagnostics)
    {
        // The UTF-8 copy is only read while the nodes are built (they hold strings), so it comes from the shared
        // pool: a new array per compile landed on the large-object heap for any pact over ~85 KB, and a compile
        // loop then ran a full collection every other compile.
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(text));
        var bytes = buffer.AsMemory(0, Encoding.UTF8.GetBytes(text, buffer));
        var reader = new JsonPactReader(file, diagnostics, bytes);
        var json = new Utf8JsonReader(bytes.Span, new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!json.Read())
            {
                diagnostics.Error(DiagnosticCodes.DocumentCount, new SourceSpan(file, 1, 1), "the file holds no JSON value",
                    "write the pact as one JSON object");
                return null;
            }

            var root = reader.ReadValue(ref json);
            if (json.Read())
            {
                diagnostics.Error(DiagnosticCodes.Syntax, reader.Span(json.TokenStartIndex), "unexpected content after the JSON value");
                return null;
            }

            return root;
        }
        catch (BadStringException ex)
        {
            diagnostics.Error(DiagnosticCodes.Syntax, ex.Span, "invalid JSON: " + ex.Message,
                "escape a character outside the Basic Multilingual Plane as a high and low surrogate pair (`\\ud83d\\ude00`), or write it unescaped");
            return null;
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var col = (int)(ex.BytePositionInLine ?? 0) + 1;
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }

            message = message.Trim().TrimEnd('.');
            message = message.Length > 0 ? char.ToLowerInvariant(message[0]) + message[1..] : message;
            diagnostics.Error(DiagnosticCodes.Syntax, new SourceSpan(file, line, col), "invalid JSON: " + message);
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private SourceSpan Span(long byteOffset)
    {
        var offset = (int)byteOffset;
        int idx;
        if (_lastLine >= 0 && _lastOffset <= offset && (_lastLine + 1 == _lineStarts.Count || offset < _lineStarts[_lastLine + 1]))
        {
            idx = _lastLine; // still on the previous token's line: the common case, no search
        }
        else
        {
            idx = _lineStarts.BinarySearch(offset);
            if (idx < 0)
            {
                idx = ~idx - 1;
            }
        }

        var lineStart = _lineStarts[idx];
        var column = 1;
        var from = lineStart;
        if (_lastLine == idx && _lastOffset <= offset)
        {
            // Tokens arrive in order: continue counting from the previous token on this line, so a
            // one-line JSON document of any size costs linear time, not quadratic.
            from = _lastOffset;
            column = _lastColumn;
        }

        var utf8 = _utf8.Span;
        for (var i = from; i < offset && i < utf8.Length; i++)
        {
            if ((utf8[i] & 0xC0) != 0x80)
            {
                column++;
            }
        }

        (_lastLine, _lastOffset, _lastColumn) = (idx, offset, column);
        return new SourceSpan(_file, idx + 1, column);
    }

    /// <summary>
    /// The current scalar token's span, from <paramref name="start"/> (its start) to just past its last character: a
    /// string's raw text and its two quotes (a property name's <see cref="Utf8JsonReader.BytesConsumed"/> is past its colon).
    /// Only for scalars: a container's end is far ahead, and counting back from there would count a long line twice.
    /// </summary>
    private SourceSpan Ending(SourceSpan start, ref Utf8JsonReader json) =>
        start.Until(Span(json.TokenStartIndex + json.ValueSpan.Length + (json.TokenType is JsonTokenType.String or JsonTokenType.PropertyName ? 2 : 0)));

    private PactNode ReadValue(ref Utf8JsonReader json)
    {
        var span = Span(json.TokenStartIndex);
        if (json.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            span = Ending(span, ref json);
        }

        switch (json.TokenType)
        {
            case JsonTokenType.StartObject:
                {
                    var entries = new List<KeyValuePair<PactNode, PactNode>>();
                    HashSet<string>? seen = null; // pact objects are small: a hash set only past a handful of keys
                    while (json.Read() && json.TokenType != JsonTokenType.EndObject)
                    {
                        var key = PactNode.Scalar(PactNodeKind.String, DecodeKey(ref json), Ending(Span(json.TokenStartIndex), ref json));
                        json.Read();
                        var value = ReadValue(ref json);
                        if (IsDuplicate(entries, ref seen, key.Text))
                        {
                            _diagnostics.Error(DiagnosticCodes.DuplicateKey, key.Span, $"duplicate key `{key.Text}`", "give each key once");
                            continue;
                        }

                        entries.Add(new(key, value));
                    }

                    return PactNode.Mapping(entries, span);
                }

            case JsonTokenType.StartArray:
                return ReadArray(ref json, span);

            case JsonTokenType.String:
                return PactNode.Scalar(PactNodeKind.String, DecodeString(ref json), span);
            case JsonTokenType.Number:
                return PactNode.Scalar(PactNodeKind.Number, Encoding.UTF8.GetString(json.ValueSpan), span);
            case JsonTokenType.True:
                return PactNode.Scalar(PactNodeKind.Boolean, "true", span);
            case JsonTokenType.False:
                return PactNode.Scalar(PactNodeKind.Boolean, "false", span);
            default:
                return PactNode.Scalar(PactNodeKind.Null, "", span);
        }
    }

    /// <summary>
    /// An array: read into columns while its items are scalars (the common list, see <see cref="ScalarItems"/>);
    /// at the first object or array the items so far become nodes and the rest are read as nodes too.
    /// </summary>
    private PactNode ReadArray(ref Utf8JsonReader json, SourceSpan span)
    {
        var scalars = _scalars; // free here: a list being read as scalars holds no list inside it
        while (json.Read() && json.TokenType != JsonTokenType.EndArray)
        {
            var at = Span(json.TokenStartIndex);
            switch (json.TokenType)
            {
                case JsonTokenType.String:
                    scalars.Add(PactNodeKind.String, Unescaped(ref json), Ending(at, ref json));
                    break;
                case JsonTokenType.Number:
                    scalars.Add(PactNodeKind.Number, json.ValueSpan, Ending(at, ref json));
                    break;
                case JsonTokenType.True:
                    scalars.Add(PactNodeKind.Boolean, "true"u8, Ending(at, ref json));
                    break;
                case JsonTokenType.False:
                    scalars.Add(PactNodeKind.Boolean, "false"u8, Ending(at, ref json));
                    break;
                case JsonTokenType.Null:
                    scalars.Add(PactNodeKind.Null, [], Ending(at, ref json));
                    break;
                default:
                    {
                        var items = scalars.TakeNodes();
                        do
                        {
                            items.Add(ReadValue(ref json));
                        }
                        while (json.Read() && json.TokenType != JsonTokenType.EndArray);

                        return PactNode.Sequence(items, span);
                    }
            }
        }

        return PactNode.Sequence(scalars.Build(), span);
    }

    /// <summary>
    /// The current string token's text as UTF-8, unescaped (into a reused buffer when it has escapes). The tokenizer
    /// accepts any <c>\uXXXX</c> escape, but a surrogate escape without its partner is not text (the unescape throws
    /// <see cref="InvalidOperationException"/>): reported as a syntax error at the string, never as a crash.
    /// </summary>
    private ReadOnlySpan<byte> Unescaped(ref Utf8JsonReader json)
    {
        if (!json.ValueIsEscaped)
        {
            return json.ValueSpan;
        }

        // Unescaping never lengthens a string.
        if (_unescaped.Length < json.ValueSpan.Length)
        {
            _unescaped = new byte[Math.Max(json.ValueSpan.Length, _unescaped.Length * 2)];
        }

        try
        {
            return _unescaped.AsSpan(0, json.CopyString(_unescaped));
        }
        catch (InvalidOperationException)
        {
            throw new BadStringException(Span(json.TokenStartIndex), "a string escapes half of a UTF-16 surrogate pair");
        }
    }

    /// <summary>The current string token, decoded (see <see cref="Unescaped"/>).</summary>
    private string DecodeString(ref Utf8JsonReader json) => Encoding.UTF8.GetString(Unescaped(ref json));

    /// <summary>
    /// A property name, decoded: a key met before in this document is the one shared string for it, not a new one (a
    /// wide pact writes <c>paramPath</c> and its rule's key in each of thousands of conditions). The first
    /// <see cref="MaxSharedKeys"/> distinct keys are kept, which holds the format's whole vocabulary; later ones are
    /// decoded each time, the same text either way.
    /// </summary>
    private string DecodeKey(ref Utf8JsonReader json)
    {
        var name = Unescaped(ref json);
        foreach (var (utf8, text) in _keys)
        {
            if (name.SequenceEqual(utf8))
            {
                return text;
            }
        }

        var decoded = Encoding.UTF8.GetString(name);
        if (_keys.Count < MaxSharedKeys)
        {
            _keys.Add((name.ToArray(), decoded));
        }

        return decoded;
    }

    private sealed class BadStringException(SourceSpan span, string message) : Exception(message)
    {
        public SourceSpan Span { get; } = span;
    }

    private static bool IsDuplicate(List<KeyValuePair<PactNode, PactNode>> entries, ref HashSet<string>? seen, string key)
    {
        const int LinearLimit = 8;
        if (seen is null && entries.Count < LinearLimit)
        {
            foreach (var e in entries)
            {
                if (e.Key.Text == key)
                {
                    return true;
                }
            }

            return false;
        }

        seen ??= new HashSet<string>(entries.Select(e => e.Key.Text), StringComparer.Ordinal);
        return !seen.Add(key);
    }
}
