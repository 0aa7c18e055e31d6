using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using System.Text.Unicode;

namespace Pacts.Json;

/// <summary>
/// A forward-only UTF-8 JSON tokenizer for the raw-params fast path, shaped like the part of
/// <see cref="Utf8JsonReader"/> the streaming evaluator uses (token type, value span, escape flag, offsets,
/// <see cref="Skip"/>). It reads one complete JSON value from a span with no options: no comments, no trailing
/// commas, nesting below <see cref="Utf8JsonReader"/>'s limit.
/// </summary>
/// <remarks>
/// <para>
/// It accepts a <b>subset</b> of what <see cref="Utf8JsonReader"/> accepts, with the same tokens: the RFC 8259
/// grammar, strings without raw control characters, escapes <c>\" \\ \/ \b \f \n \r \t \uXXXX</c>. Bytes of a
/// string that are not valid UTF-8 are taken as they are, as <see cref="Utf8JsonReader"/> takes them (see
/// <see cref="ValueIsValidUtf8"/>). Anything else — invalid JSON, nesting at the limit — it <i>refuses</i> with
/// <see cref="RefusedException"/>, and the caller reads the bytes again with <see cref="Utf8JsonReader"/>, which gives
/// the verdict or the exact error (with its byte position) that the indexed path gives. So a refusal costs
/// time, never a different answer, and only input that is invalid or damaged is refused. FsCheck properties
/// (<c>StrictJsonReaderTests</c>) hold it to <see cref="Utf8JsonReader"/> token for token, on valid and damaged input.
/// </para>
/// <para>
/// Why it exists: <see cref="Utf8JsonReader"/> is general (segments, options, a state machine for every case),
/// and on small params objects its per-token cost was most of the raw path's time. This one knows it holds the
/// whole input and reads it with a few compares per token and one vector search per string.
/// </para>
/// </remarks>
internal ref struct StrictJsonReader : IJsonTokens
{
    /// <summary>
    /// The deepest nesting read unless the caller says otherwise; one more level is refused. <see cref="ParamsDom.MaxDepth"/>
    /// levels are what the general reader takes for params: stopping one short leaves the edge itself to it.
    /// </summary>
    public const int MaxDepth = ParamsDom.MaxDepth - 1;

    private readonly ReadOnlySpan<byte> _json;
    private readonly int _maxDepth;
    private int _pos;
    private int _depth;
    private ulong _arrays; // bit d set when the container at depth d + 1 is an array
    private State _state;
    private int _tokenStart;
    private int _valueStart;
    private int _valueLength;
    private bool _valueAscii;

    /// <param name="json">The whole input: one JSON value, whitespace around it.</param>
    /// <param name="maxDepth">The deepest nesting read, at most 64 (the container stack is one <see cref="ulong"/>).</param>
    public StrictJsonReader(ReadOnlySpan<byte> json, int maxDepth = MaxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDepth, 64);
        _json = json;
        _maxDepth = maxDepth;
        _state = State.Value;
    }

    private enum State : byte
    {
        /// <summary>A value comes next (the root, after a colon or after a comma in an array).</summary>
        Value,

        /// <summary>Just after <c>{</c>: a name or <c>}</c>.</summary>
        FirstName,

        /// <summary>Just after <c>[</c>: a value or <c>]</c>.</summary>
        FirstItem,

        /// <summary>After a complete value: a comma, a closing bracket, or (at the root) the end.</summary>
        AfterValue,

        /// <summary>The root value is complete and only whitespace followed.</summary>
        End,
    }

    public JsonTokenType TokenType { get; private set; }

    /// <summary>A string's or a name's raw content (between the quotes, escapes as written); a number's or a literal's text.</summary>
    public readonly ReadOnlySpan<byte> ValueSpan => _json.Slice(_valueStart, _valueLength);

    /// <summary>True when the string or name holds a backslash escape.</summary>
    public bool ValueIsEscaped { get; private set; }

    /// <summary>
    /// True when the string's or name's bytes are valid UTF-8. Like <see cref="Utf8JsonReader"/>, the reader takes
    /// invalid UTF-8 inside strings as it is (rules judge the bytes); a caller that needs text asks here. Free for
    /// ASCII, which the string search notices on the way.
    /// </summary>
    public readonly bool ValueIsValidUtf8 => _valueAscii || Utf8.IsValid(ValueSpan);

    /// <summary>Where the current token starts (a string's opening quote).</summary>
    public readonly long TokenStartIndex => _tokenStart;

    /// <summary>Where reading goes on: just past the current token.</summary>
    public readonly long BytesConsumed => _pos;

    /// <summary>Reads the next token; false once the root value is complete and the rest is whitespace.</summary>
    public bool Read()
    {
        var json = _json;
        var pos = SkipWhitespace(json, _pos);
        switch (_state)
        {
            case State.Value:
                return ReadValue(pos);

            case State.FirstName:
                if (pos < json.Length && json[pos] == (byte)'}')
                {
                    return Close(pos, JsonTokenType.EndObject);
                }

                return ReadName(pos);

            case State.FirstItem:
                if (pos < json.Length && json[pos] == (byte)']')
                {
                    return Close(pos, JsonTokenType.EndArray);
                }

                return ReadValue(pos);

            case State.AfterValue:
                {
                    if (_depth == 0)
                    {
                        if (pos != json.Length)
                        {
                            Refuse();
                        }

                        _pos = pos;
                        _state = State.End;
                        TokenType = JsonTokenType.None;
                        return false;
                    }

                    if (pos >= json.Length)
                    {
                        Refuse();
                    }

                    var inArray = (_arrays & (1UL << (_depth - 1))) != 0;
                    var c = json[pos];
                    if (c == (byte)',')
                    {
                        pos = SkipWhitespace(json, pos + 1);
                        return inArray ? ReadValue(pos) : ReadName(pos);
                    }

                    if (c == (inArray ? (byte)']' : (byte)'}'))
                    {
                        return Close(pos, inArray ? JsonTokenType.EndArray : JsonTokenType.EndObject);
                    }

                    Refuse();
                    return false;
                }

            default:
                return false;
        }
    }

    /// <summary>
    /// As <see cref="Utf8JsonReader.Skip"/>: on a property name, reads its value; on the start of a container,
    /// reads to its end, leaving the reader on the closing token.
    /// </summary>
    public void Skip()
    {
        if (TokenType == JsonTokenType.PropertyName)
        {
            Read();
        }

        if (TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var depth = _depth - 1;
            while (_depth > depth)
            {
                Read();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ReadName(int pos)
    {
        var json = _json;
        if (pos >= json.Length || json[pos] != (byte)'"')
        {
            Refuse();
        }

        var end = ReadString(pos);
        end = SkipWhitespace(json, end);
        if (end >= json.Length || json[end] != (byte)':')
        {
            Refuse();
        }

        _pos = end + 1;
        TokenType = JsonTokenType.PropertyName;
        _state = State.Value;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ReadValue(int pos)
    {
        var json = _json;
        if (pos >= json.Length)
        {
            Refuse();
        }

        _tokenStart = pos;
        switch (json[pos])
        {
            case (byte)'"':
                _pos = ReadString(pos);
                TokenType = JsonTokenType.String;
                break;
            case (byte)'{':
                return Open(pos, JsonTokenType.StartObject, State.FirstName, 0);
            case (byte)'[':
                return Open(pos, JsonTokenType.StartArray, State.FirstItem, 1);
            case (byte)'t':
                ReadLiteral(pos, "true"u8, JsonTokenType.True);
                break;
            case (byte)'f':
                ReadLiteral(pos, "false"u8, JsonTokenType.False);
                break;
            case (byte)'n':
                ReadLiteral(pos, "null"u8, JsonTokenType.Null);
                break;
            default:
                ReadNumber(pos);
                break;
        }

        _state = State.AfterValue;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Open(int pos, JsonTokenType type, State next, ulong isArray)
    {
        if (_depth >= _maxDepth)
        {
            Refuse();
        }

        _arrays = (_arrays & ~(1UL << _depth)) | (isArray << _depth);
        _depth++;
        _pos = pos + 1;
        _valueStart = pos;
        _valueLength = 1;
        TokenType = type;
        ValueIsEscaped = false;
        _state = next;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Close(int pos, JsonTokenType type)
    {
        _depth--;
        _tokenStart = pos;
        _pos = pos + 1;
        _valueStart = pos;
        _valueLength = 1;
        TokenType = type;
        ValueIsEscaped = false;
        _state = State.AfterValue;
        return true;
    }

    /// <summary>Reads the string whose opening quote is at <paramref name="quote"/>; returns the position past its closing quote.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ReadString(int quote)
    {
        var json = _json;
        _tokenStart = quote;
        var start = quote + 1;
        var i = start;
        var escaped = false;
        var ascii = true;
        while (true)
        {
            i = NextStop(json, i, ascii);
            if (i >= json.Length)
            {
                Refuse();
            }

            var c = json[i];
            if (c == (byte)'"')
            {
                break;
            }

            if (c == (byte)'\\')
            {
                escaped = true;
                i = SkipEscape(json, i);
            }
            else if (c >= 0x80)
            {
                ascii = false; // from here on only quotes, escapes and controls stop the search
            }
            else
            {
                Refuse(); // a raw control character
            }
        }

        _valueStart = start;
        _valueLength = i - start;
        ValueIsEscaped = escaped;
        _valueAscii = ascii;
        return i + 1;
    }

    /// <summary>
    /// The first byte from <paramref name="i"/> on that ends a run of plain string bytes: a quote, a backslash, a
    /// control character, or (while <paramref name="stopAtNonAscii"/>) a byte of 0x80 or more. Sixteen bytes a
    /// step while sixteen remain, which for params is nearly always (the closing brace follows every string).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NextStop(ReadOnlySpan<byte> json, int i, bool stopAtNonAscii)
    {
        if (Vector128.IsHardwareAccelerated)
        {
            ref var first = ref MemoryMarshal.GetReference(json);
            var quote = Vector128.Create((byte)'"');
            var backslash = Vector128.Create((byte)'\\');
            var space = Vector128.Create((byte)' ');
            var high = stopAtNonAscii ? Vector128.Create((byte)0x80) : Vector128<byte>.Zero;
            while (i + Vector128<byte>.Count <= json.Length)
            {
                var v = Vector128.LoadUnsafe(ref first, (nuint)i);
                var stops = Vector128.Equals(v, quote) | Vector128.Equals(v, backslash) | Vector128.LessThan(v, space) | (v & high);
                var mask = Vector128.ExtractMostSignificantBits(stops);
                if (mask != 0)
                {
                    return i + BitOperations.TrailingZeroCount(mask);
                }

                i += Vector128<byte>.Count;
            }
        }

        while (i < json.Length)
        {
            var b = json[i];
            if (b == (byte)'"' || b == (byte)'\\' || b < 0x20 || (stopAtNonAscii && b >= 0x80))
            {
                return i;
            }

            i++;
        }

        return i;
    }

    /// <summary>Checks the escape at <paramref name="backslash"/>; returns the position after it.</summary>
    private static int SkipEscape(ReadOnlySpan<byte> json, int backslash)
    {
        var i = backslash + 1;
        if (i >= json.Length)
        {
            Refuse();
        }

        switch (json[i])
        {
            case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                return i + 1;
            case (byte)'u':
                if (i + 4 >= json.Length || !IsHex(json[i + 1]) || !IsHex(json[i + 2]) || !IsHex(json[i + 3]) || !IsHex(json[i + 4]))
                {
                    Refuse();
                }

                return i + 5;
            default:
                Refuse();
                return 0;
        }
    }

    private void ReadLiteral(int pos, ReadOnlySpan<byte> literal, JsonTokenType type)
    {
        if (!_json[pos..].StartsWith(literal))
        {
            Refuse();
        }

        _pos = pos + literal.Length;
        _valueStart = pos;
        _valueLength = literal.Length;
        TokenType = type;
        ValueIsEscaped = false;
    }

    /// <summary>RFC 8259: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>; what follows is checked by the next read.</summary>
    private void ReadNumber(int pos)
    {
        var json = _json;
        var i = pos;
        if (json[i] == (byte)'-')
        {
            i++;
        }

        if (i >= json.Length || !IsDigit(json[i]))
        {
            Refuse();
        }

        if (json[i++] != (byte)'0')
        {
            i = SkipDigits(json, i);
        }

        if (i < json.Length && json[i] == (byte)'.')
        {
            i = RequireDigits(json, i + 1);
        }

        if (i < json.Length && (json[i] | 0x20) == (byte)'e')
        {
            i++;
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            i = RequireDigits(json, i);
        }

        _pos = i;
        _valueStart = pos;
        _valueLength = i - pos;
        TokenType = JsonTokenType.Number;
        ValueIsEscaped = false;
    }

    private static int RequireDigits(ReadOnlySpan<byte> json, int i)
    {
        if (i >= json.Length || !IsDigit(json[i]))
        {
            Refuse();
        }

        return SkipDigits(json, i + 1);
    }

    private static int SkipDigits(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && IsDigit(json[i]))
        {
            i++;
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        // Whitespace is at most a space; in compact JSON the first compare ends the loop.
        while (i < json.Length && json[i] <= (byte)' ' && json[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }

        return i;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool IsHex(byte b) => IsDigit(b) || (uint)((b | 0x20) - 'a') <= 'f' - 'a';

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Refuse() => throw new RefusedException();

    /// <summary>The input is outside what this reader accepts; read it again with <see cref="Utf8JsonReader"/>.</summary>
    internal sealed class RefusedException : Exception
    {
    }
}
