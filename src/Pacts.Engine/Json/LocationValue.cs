using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Pacts.Numbers;

namespace Pacts.Json;

/// <summary>
/// The value at one resolved location, with its string form decoded at most once and without touching
/// the managed heap: strings up to the scratch buffer's size decode into it (the evaluating thread's scratch, <c>ViolationSink.Scratch</c>),
/// longer ones into a pooled array.
/// </summary>
internal ref struct LocationValue
{
    private readonly Span<char> _scratch;
    private char[]? _rented;
    private int _charCount;

    // Facts several rules ask for, computed once per location: 0 = not yet, 1 = no, 2 = yes.
    private byte _escapes;
    private byte _ascii;
    private byte _parsed; // 0 = not yet, 1 = not a number, 2 = a SmallDecimal (in _small), 3 = a number beyond it
    private SmallDecimal _small;

    /// <param name="kind">The JSON kind.</param>
    /// <param name="verbatim">The value's JSON text as written (strings with their quotes).</param>
    /// <param name="arrayLength">The element count for arrays.</param>
    /// <param name="scratch">Where short strings decode.</param>
    /// <param name="escapes">Whether a string holds escapes, when the reader already said (1 = no, 2 = yes); 0 = look.</param>
    public LocationValue(JsonValueKind kind, ReadOnlySpan<byte> verbatim, int arrayLength, Span<char> scratch, byte escapes = 0)
    {
        _escapes = escapes;
        Kind = kind;
        Verbatim = verbatim;
        Raw = kind == JsonValueKind.String ? verbatim[1..^1] : verbatim;
        ArrayLength = arrayLength;
        _scratch = scratch;
        _charCount = -1;
    }

    /// <summary>The value's JSON text as written.</summary>
    public ReadOnlySpan<byte> Verbatim { get; }

    /// <summary>The element count, for arrays.</summary>
    public int ArrayLength { get; }

    public JsonValueKind Kind { get; }

    /// <summary>The raw UTF-8 text: for strings the escaped content between the quotes, for numbers the number.</summary>
    public ReadOnlySpan<byte> Raw { get; }

    /// <summary>True when a string's raw text holds escapes, so its bytes are not its value.</summary>
    public bool HasEscapes
    {
        get
        {
            if (_escapes == 0)
            {
                _escapes = Raw.IndexOf((byte)'\\') >= 0 ? (byte)2 : (byte)1;
            }

            return _escapes == 2;
        }
    }

    /// <summary>True when the raw bytes are plain ASCII with no escapes: then each byte is one UTF-16 code unit.</summary>
    public bool IsPlainAscii
    {
        get
        {
            if (_ascii == 0)
            {
                _ascii = !HasEscapes && System.Text.Ascii.IsValid(Raw) ? (byte)2 : (byte)1;
            }

            return _ascii == 2;
        }
    }

    /// <summary>
    /// True when the raw text is a decimal number, parsed once and kept here. The common form (at most 19 digits, no
    /// exponent) is kept as a <see cref="SmallDecimal"/>, which the members below compare in two machine words;
    /// any other number is re-read exactly by <see cref="ExactDecimal"/> each time it is asked about (rare: exponents, long digit runs).
    /// </summary>
    public bool IsNumber
    {
        get
        {
            if (_parsed == 0)
            {
                _parsed = SmallDecimal.TryParse(Raw, out _small) ? (byte)2 : ExactDecimal.TryParse(Raw, out _) ? (byte)3 : (byte)1;
            }

            return _parsed >= 2;
        }
    }

    /// <summary>Compares the parsed number (after <see cref="IsNumber"/>) with a bound.</summary>
    public readonly int CompareNumber(DecimalBound bound) =>
        _parsed == 2 && bound.HasSmall ? SmallDecimal.Compare(in _small, bound.Small) : CompareExactly(Raw, bound);

    /// <summary>True when the parsed number is below zero.</summary>
    public readonly bool NumberIsNegative => _parsed == 2 ? _small.Negative : IsNegativeExactly(Raw);

    /// <summary>True when the parsed number is whole.</summary>
    public readonly bool NumberIsInteger => _parsed == 2 ? _small.IsInteger : IsIntegerExactly(Raw);

    /// <summary>The decoded string as UTF-16 (only for strings).</summary>
    public ReadOnlySpan<char> Chars
    {
        get
        {
            if (_charCount < 0)
            {
                var dest = _scratch;
                if (Raw.Length > _scratch.Length)
                {
                    _rented = ArrayPool<char>.Shared.Rent(Raw.Length);
                    dest = _rented;
                }

                _charCount = JsonStrings.Decode(Raw, dest);
                return dest[.._charCount];
            }

            return _rented is null ? _scratch[.._charCount] : _rented.AsSpan(0, _charCount);
        }
    }

    /// <summary>The string's length in Unicode code points.</summary>
    public int CodePointLength
    {
        get
        {
            if (!HasEscapes)
            {
                // Every code point starts with exactly one non-continuation byte.
                var raw = Raw;
                return raw.Length - CountContinuationBytes(raw);
            }

            var chars = Chars;
            var n = chars.Length;
            for (var i = 0; i + 1 < chars.Length; i++)
            {
                if (char.IsHighSurrogate(chars[i]) && char.IsLowSurrogate(chars[i + 1]))
                {
                    n--;
                    i++;
                }
            }

            return n;
        }
    }

    /// <summary>The verbatim JSON text of the value, for a violation.</summary>
    public readonly string ToJsonText() => Encoding.UTF8.GetString(Verbatim);

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<char>.Shared.Return(_rented);
            _rented = null;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int CompareExactly(ReadOnlySpan<byte> raw, DecimalBound bound) => ExactDecimal.Compare(ExactDecimal.ParseTrusted(raw), bound);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsNegativeExactly(ReadOnlySpan<byte> raw)
    {
        var p = ExactDecimal.ParseTrusted(raw);
        return p.Negative && !p.IsZero;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsIntegerExactly(ReadOnlySpan<byte> raw) => ExactDecimal.IsInteger(ExactDecimal.ParseTrusted(raw));

    private static int CountContinuationBytes(ReadOnlySpan<byte> raw)
    {
        var n = 0;
        foreach (var b in raw)
        {
            if ((b & 0xC0) == 0x80)
            {
                n++;
            }
        }

        return n;
    }
}
