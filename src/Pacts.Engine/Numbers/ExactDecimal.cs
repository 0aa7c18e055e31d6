using System.Globalization;
using System.Numerics;

namespace Pacts.Numbers;

/// <summary>
/// Exact comparison of decimal numbers given as text (UTF-8 bytes of a JSON number, or of a decimal
/// string such as <c>250.00</c>). No binary floating point and no 28-digit <see cref="decimal"/> is involved:
/// the digits are compared as written, so <c>5000.0000000000000000000000000001 &gt; 5000</c> and
/// <c>1e400 &gt; 10000</c>. A number is normalised to <c>±0.d₁d₂…dₙ × 10^E</c>; comparison looks at the
/// sign, then <c>E</c>, then the digits. Exponents of up to 18 digits are plain <see cref="long"/>s;
/// longer ones (<c>1e99999999999999999999</c>) take a rare <see cref="BigInteger"/> path whose cost
/// grows with the exponent's digit count, never with its value.
/// </summary>
internal static class ExactDecimal
{
    private const long HugeExponent = 1L << 61;

    /// <summary>The parts of a number, pointing into its text.</summary>
    internal readonly ref struct Parts
    {
        public readonly ReadOnlySpan<byte> Int;
        public readonly ReadOnlySpan<byte> Frac;
        public readonly ReadOnlySpan<byte> ExpDigits;
        public readonly bool Negative;
        public readonly bool ExpNegative;
        public readonly bool IsZero;
        public readonly bool Huge;

        /// <summary>Index of the first significant digit in Int ++ Frac.</summary>
        public readonly int First;

        /// <summary>One past the last significant digit in Int ++ Frac.</summary>
        public readonly int End;

        /// <summary>The adjusted exponent: the value is 0.digits × 10^AdjExp.</summary>
        public readonly long AdjExp;

        public Parts(ReadOnlySpan<byte> intPart, ReadOnlySpan<byte> frac, ReadOnlySpan<byte> expDigits, bool negative, bool expNegative)
        {
            Int = intPart;
            Frac = frac;
            ExpDigits = expDigits;
            Negative = negative;
            ExpNegative = expNegative;
            var total = intPart.Length + frac.Length;
            var first = 0;
            while (first < total && DigitAt(intPart, frac, first) == (byte)'0')
            {
                first++;
            }

            var end = total;
            while (end > first && DigitAt(intPart, frac, end - 1) == (byte)'0')
            {
                end--;
            }

            First = first;
            End = end;
            IsZero = first == total;

            var expDigitsTrimmed = expDigits.TrimStart((byte)'0');
            long exp = 0;
            if (expDigitsTrimmed.Length > 18)
            {
                Huge = true;
                exp = HugeExponent;
            }
            else
            {
                foreach (var b in expDigitsTrimmed)
                {
                    exp = (exp * 10) + (b - '0');
                }
            }

            if (expNegative)
            {
                exp = -exp;
            }

            AdjExp = exp + intPart.Length - first;
        }

        public byte Digit(int k) => DigitAt(Int, Frac, k);

        private static byte DigitAt(ReadOnlySpan<byte> i, ReadOnlySpan<byte> f, int k) => k < i.Length ? i[k] : f[k - i.Length];

        /// <summary>The adjusted exponent as an exact integer, for the rare huge-exponent path.</summary>
        public BigInteger BigAdjExp()
        {
            var e = ExpDigits.Length == 0 ? BigInteger.Zero : BigInteger.Parse(System.Text.Encoding.ASCII.GetString(ExpDigits), CultureInfo.InvariantCulture);
            if (ExpNegative)
            {
                e = -e;
            }

            return e + Int.Length - First;
        }
    }

    /// <summary>
    /// Splits a JSON number or decimal string into its parts. Accepts leading zeros in the integer part
    /// (decimal strings such as <c>007.5</c>); returns false when the text is not a number.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out Parts parts)
    {
        parts = default;
        var i = 0;
        var negative = false;
        if (i < text.Length && text[i] == (byte)'-')
        {
            negative = true;
            i++;
        }

        var intStart = i;
        while (i < text.Length && IsDigit(text[i]))
        {
            i++;
        }

        if (i == intStart)
        {
            return false;
        }

        var intPart = text[intStart..i];
        var frac = ReadOnlySpan<byte>.Empty;
        if (i < text.Length && text[i] == (byte)'.')
        {
            i++;
            var fracStart = i;
            while (i < text.Length && IsDigit(text[i]))
            {
                i++;
            }

            if (i == fracStart)
            {
                return false;
            }

            frac = text[fracStart..i];
        }

        var expDigits = ReadOnlySpan<byte>.Empty;
        var expNegative = false;
        if (i < text.Length && (text[i] == (byte)'e' || text[i] == (byte)'E'))
        {
            i++;
            if (i < text.Length && (text[i] == (byte)'+' || text[i] == (byte)'-'))
            {
                expNegative = text[i] == (byte)'-';
                i++;
            }

            var expStart = i;
            while (i < text.Length && IsDigit(text[i]))
            {
                i++;
            }

            if (i == expStart)
            {
                return false;
            }

            expDigits = text[expStart..i];
        }

        if (i != text.Length)
        {
            return false;
        }

        parts = new Parts(intPart, frac, expDigits, negative, expNegative);
        return true;
    }

    /// <summary>Parses text already known to be a number (validated at compile time or by the JSON reader).</summary>
    public static Parts ParseTrusted(ReadOnlySpan<byte> text) =>
        TryParse(text, out var parts) ? parts : throw new FormatException("not a decimal number");

    /// <summary>Compares two numbers exactly: negative when a &lt; b, zero when equal, positive when a &gt; b.</summary>
    public static int Compare(scoped in Parts a, scoped in Parts b)
    {
        var signA = a.IsZero ? 0 : a.Negative ? -1 : 1;
        var signB = b.IsZero ? 0 : b.Negative ? -1 : 1;
        if (signA != signB || signA == 0)
        {
            return signA.CompareTo(signB);
        }

        var magnitude = CompareMagnitude(a, b);
        return signA > 0 ? magnitude : -magnitude;
    }

    /// <summary>Compares two number texts; both must parse.</summary>
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (!TryParse(a, out var pa) || !TryParse(b, out var pb))
        {
            throw new FormatException("not a decimal number");
        }

        return Compare(pa, pb);
    }

    /// <summary>True when the number has no fractional part (<c>1.0</c>, <c>1e3</c>, <c>0</c>).</summary>
    public static bool IsInteger(scoped in Parts p)
    {
        if (p.IsZero)
        {
            return true;
        }

        if (p.Huge)
        {
            return !p.ExpNegative;
        }

        return p.AdjExp >= p.End - p.First;
    }

    /// <summary>
    /// A canonical text for hashing numbers by value: equal numbers give equal keys (<c>1</c>, <c>1.0</c>
    /// and <c>1e0</c> all give <c>+1e1</c>).
    /// </summary>
    public static string CanonicalKey(scoped in Parts p)
    {
        if (p.IsZero)
        {
            return "0";
        }

        if (!p.Huge)
        {
            var buffer = new char[CanonicalKeyLength(p)];
            TryWriteCanonicalKey(p, buffer, out var written);
            return new string(buffer, 0, written);
        }

        var sb = new System.Text.StringBuilder(p.End - p.First + 24);
        sb.Append(p.Negative ? '-' : '+');
        for (var k = p.First; k < p.End; k++)
        {
            sb.Append((char)p.Digit(k));
        }

        return sb.Append('e').Append(p.BigAdjExp().ToString(CultureInfo.InvariantCulture)).ToString();
    }

    /// <summary>The most chars <see cref="TryWriteCanonicalKey"/> writes for <paramref name="p"/>.</summary>
    public static int CanonicalKeyLength(scoped in Parts p) => p.End - p.First + 22; // sign, digits, 'e', a long

    /// <summary>
    /// Writes <see cref="CanonicalKey"/>'s text into <paramref name="dest"/> without allocating; false when it does
    /// not fit, or for a huge exponent (whose key is built the slow way).
    /// </summary>
    public static bool TryWriteCanonicalKey(scoped in Parts p, Span<char> dest, out int written)
    {
        written = 0;
        if (p.IsZero)
        {
            if (dest.IsEmpty)
            {
                return false;
            }

            dest[0] = '0';
            written = 1;
            return true;
        }

        if (p.Huge || dest.Length < CanonicalKeyLength(p))
        {
            return false;
        }

        var n = 0;
        dest[n++] = p.Negative ? '-' : '+';
        for (var k = p.First; k < p.End; k++)
        {
            dest[n++] = (char)p.Digit(k);
        }

        dest[n++] = 'e';
        p.AdjExp.TryFormat(dest[n..], out var exponent, default, CultureInfo.InvariantCulture);
        written = n + exponent;
        return true;
    }

    /// <summary>Compares a number with a bound normalised at compile time: no re-parsing of the bound per call.</summary>
    public static int Compare(scoped in Parts a, DecimalBound b)
    {
        var signA = a.IsZero ? 0 : a.Negative ? -1 : 1;
        var signB = b.IsZero ? 0 : b.Negative ? -1 : 1;
        if (signA != signB || signA == 0)
        {
            return signA.CompareTo(signB);
        }

        int magnitude;
        if (a.Huge || b.Huge)
        {
            var ea = a.BigAdjExp();
            magnitude = ea != b.BigAdjExp ? ea.CompareTo(b.BigAdjExp) : CompareDigits(a, b.Digits);
        }
        else
        {
            magnitude = a.AdjExp != b.AdjExp ? a.AdjExp.CompareTo(b.AdjExp) : CompareDigits(a, b.Digits);
        }

        return signA > 0 ? magnitude : -magnitude;
    }

    private static int CompareDigits(scoped in Parts a, byte[] digits)
    {
        var la = a.End - a.First;
        var n = Math.Min(la, digits.Length);
        for (var k = 0; k < n; k++)
        {
            var da = a.Digit(a.First + k);
            if (da != digits[k])
            {
                return da.CompareTo(digits[k]);
            }
        }

        return la.CompareTo(digits.Length);
    }

    private static int CompareMagnitude(scoped in Parts a, scoped in Parts b)
    {
        if (a.Huge || b.Huge)
        {
            var ea = a.BigAdjExp();
            var eb = b.BigAdjExp();
            if (ea != eb)
            {
                return ea.CompareTo(eb);
            }
        }
        else if (a.AdjExp != b.AdjExp)
        {
            return a.AdjExp.CompareTo(b.AdjExp);
        }

        var la = a.End - a.First;
        var lb = b.End - b.First;
        var n = Math.Min(la, lb);
        for (var k = 0; k < n; k++)
        {
            var da = a.Digit(a.First + k);
            var db = b.Digit(b.First + k);
            if (da != db)
            {
                return da.CompareTo(db);
            }
        }

        return la.CompareTo(lb);
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}

/// <summary>A pact's numeric bound, normalised once at compile time (sign, adjusted exponent, significant digits).</summary>
internal sealed class DecimalBound
{
    public DecimalBound(byte[] text)
    {
        Text = text;
        var p = ExactDecimal.ParseTrusted(text);
        Negative = p.Negative;
        IsZero = p.IsZero;
        Huge = p.Huge;
        AdjExp = p.AdjExp;
        BigAdjExp = p.Huge ? p.BigAdjExp() : p.AdjExp;
        Digits = new byte[p.End - p.First];
        for (var k = 0; k < Digits.Length; k++)
        {
            Digits[k] = p.Digit(p.First + k);
        }

        HasSmall = SmallDecimal.TryFrom(this, out var small);
        Small = small;
    }

    public byte[] Text { get; }

    public bool Negative { get; }

    public bool IsZero { get; }

    public bool Huge { get; }

    public long AdjExp { get; }

    public BigInteger BigAdjExp { get; }

    public byte[] Digits { get; }

    /// <summary>True when the bound also has the <see cref="SmallDecimal"/> form (every bound a pact is likely to hold).</summary>
    public bool HasSmall { get; }

    /// <summary>The bound as a <see cref="SmallDecimal"/>, when <see cref="HasSmall"/>.</summary>
    public SmallDecimal Small { get; }
}

/// <summary>
/// The common JSON number in a form two machine words compare exactly: <c>-?digits(.digits)?</c> with at most
/// 19 digits in all and no exponent, held as <c>±Mantissa / 10^Scale</c> (<c>1007.18</c> is 100718 / 10²).
/// Anything else (an exponent, more digits) is left to <see cref="ExactDecimal"/>; the two agree wherever
/// both apply (an FsCheck property holds them to a <see cref="BigInteger"/> reference).
/// </summary>
internal readonly struct SmallDecimal
{
    /// <summary>The most digits a mantissa holds: 10^19 − 1 fits a <see cref="ulong"/> (as does the table's 10^19, a scale factor).</summary>
    public const int MaxDigits = 19;

    private static readonly ulong[] Pow10 = BuildPow10();

    public SmallDecimal(ulong mantissa, int scale, bool negative)
    {
        Mantissa = mantissa;
        Scale = scale;
        Negative = negative && mantissa != 0;
    }

    public ulong Mantissa { get; }

    /// <summary>How many of the mantissa's digits are fractional, 0 to <see cref="MaxDigits"/>.</summary>
    public int Scale { get; }

    /// <summary>True below zero (<c>-0</c> is zero, not negative).</summary>
    public bool Negative { get; }

    /// <summary>True when the number has no fractional part (<c>2.00</c> counts).</summary>
    public bool IsInteger => Scale == 0 || Mantissa % Pow10[Scale] == 0;

    /// <summary>
    /// Reads <paramref name="text"/> when it has this form; false otherwise, which says nothing about whether it is a
    /// number at all (<c>1e3</c> is one): the caller asks <see cref="ExactDecimal.TryParse"/> then.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out SmallDecimal value)
    {
        value = default;
        var i = 0;
        var negative = false;
        if (text.Length > 0 && text[0] == (byte)'-')
        {
            negative = true;
            i = 1;
        }

        ulong mantissa = 0;
        var digits = 0;
        var intDigits = -1;
        for (; i < text.Length; i++)
        {
            var d = (uint)(text[i] - '0');
            if (d <= 9)
            {
                mantissa = (mantissa * 10) + d;
                digits++;
            }
            else if (text[i] == (byte)'.' && intDigits < 0 && digits > 0)
            {
                intDigits = digits;
            }
            else
            {
                return false;
            }
        }

        if (digits == 0 || digits > MaxDigits || intDigits == digits)
        {
            return false;
        }

        value = new SmallDecimal(mantissa, intDigits < 0 ? 0 : digits - intDigits, negative);
        return true;
    }

    /// <summary>The bound in this form, or false when it needs more digits (or a scale beyond <see cref="MaxDigits"/>).</summary>
    public static bool TryFrom(DecimalBound bound, out SmallDecimal value)
    {
        value = default;
        if (bound.IsZero)
        {
            return true;
        }

        // The bound is 0.d₁…dₙ × 10^E = D × 10^(E−n), D the n significant digits.
        var n = bound.Digits.Length;
        if (bound.Huge || n > MaxDigits)
        {
            return false;
        }

        ulong d = 0;
        foreach (var digit in bound.Digits)
        {
            d = (d * 10) + (ulong)(digit - '0');
        }

        var shift = bound.AdjExp - n;
        if (shift >= 0)
        {
            if (bound.AdjExp > MaxDigits)
            {
                return false;
            }

            value = new SmallDecimal(d * Pow10[(int)shift], 0, bound.Negative);
            return true;
        }

        if (-shift > MaxDigits)
        {
            return false;
        }

        value = new SmallDecimal(d, (int)-shift, bound.Negative);
        return true;
    }

    /// <summary>
    /// Compares exactly: negative when <paramref name="a"/> &lt; <paramref name="b"/>. Both mantissas are scaled to
    /// the larger scale as 128-bit products (each factor is below 2^64, so nothing overflows).
    /// </summary>
    public static int Compare(in SmallDecimal a, in SmallDecimal b)
    {
        var signA = a.Mantissa == 0 ? 0 : a.Negative ? -1 : 1;
        var signB = b.Mantissa == 0 ? 0 : b.Negative ? -1 : 1;
        if (signA != signB || signA == 0)
        {
            return signA.CompareTo(signB);
        }

        int magnitude;
        if (a.Scale == b.Scale)
        {
            magnitude = a.Mantissa.CompareTo(b.Mantissa);
        }
        else
        {
            var highA = Math.BigMul(a.Mantissa, Pow10[b.Scale], out var lowA);
            var highB = Math.BigMul(b.Mantissa, Pow10[a.Scale], out var lowB);
            magnitude = highA != highB ? highA.CompareTo(highB) : lowA.CompareTo(lowB);
        }

        return signA > 0 ? magnitude : -magnitude;
    }

    private static ulong[] BuildPow10()
    {
        var table = new ulong[MaxDigits + 1];
        table[0] = 1;
        for (var k = 1; k < table.Length; k++)
        {
            table[k] = table[k - 1] * 10;
        }

        return table;
    }
}
