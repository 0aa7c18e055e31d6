using System.Globalization;
using System.Numerics;
using System.Text;

namespace Pacts.Numbers;

/// <summary>
/// An exact, non-negative decimal of any size, for budget charges and window totals (SPEC §10): a coefficient
/// times a power of ten. Sums and differences are exact; there is no rounding and no binary floating point anywhere.
/// </summary>
/// <remarks>
/// A coefficient that fits a <see cref="long"/> is held as one, and sums, differences and comparisons of such
/// values are integer arithmetic with an overflow check (every realistic amount and window total: no heap, no
/// <see cref="BigInteger"/>). Past that, or when aligning exponents would overflow, the same operation is done in
/// <see cref="BigInteger"/> and still exact. A result's exponent is the smaller of its operands', so trailing zeros
/// are not stripped on the hot path; <see cref="ToString"/>, <see cref="Equals(DecimalSum)"/> and
/// <see cref="GetHashCode"/> look at the value, not the representation. An addition aligns exponents, so a sum of
/// <c>1e300</c> and <c>1e-300</c> holds 601 digits: the cost of exactness, paid only by such inputs.
/// </remarks>
internal readonly struct DecimalSum : IEquatable<DecimalSum>, IComparable<DecimalSum>
{
    /// <summary>Past this many digit characters the plain notation gives way to <c>d.dddE±n</c> (SPEC §10).</summary>
    private const int MaxPlainDigits = 100;

    private static readonly long[] Pow10 = [.. Enumerable.Range(0, 19).Select(k => (long)BigInteger.Pow(10, k))];

    private readonly long _small; // the coefficient when _big is null
    private readonly object? _big; // a boxed BigInteger past long.MaxValue: keeps the struct at 24 bytes on the hot path
    private readonly long _exponent;

    private DecimalSum(long coefficient, long exponent)
    {
        _small = coefficient;
        _exponent = coefficient == 0 ? 0 : exponent;
    }

    private DecimalSum(BigInteger coefficient, long exponent)
    {
        if (coefficient.IsZero)
        {
            return;
        }

        if (coefficient <= long.MaxValue)
        {
            _small = (long)coefficient;
        }
        else
        {
            _big = coefficient;
        }

        _exponent = exponent;
    }

    /// <summary>Zero.</summary>
    public static DecimalSum Zero => default;

    /// <summary>One (the charge of a call to a budget without <c>sum</c>).</summary>
    public static DecimalSum One { get; } = new(1L, 0);

    public bool IsZero => _big is null && _small == 0;

    private BigInteger Coefficient => _big is null ? _small : (BigInteger)_big;

    /// <summary>
    /// The range of budget arithmetic: charges are exact from <c>10^-ExactDigits</c> up to <c>10^ExactDigits</c>.
    /// An amount of <c>10^ExactDigits</c> or more is charged as <see cref="Ceiling"/> (above every <c>max</c>, which the
    /// compiler keeps below it, so such a call always breaches); digits below <c>10^-ExactDigits</c> round the charge
    /// up to the next multiple of <c>10^-ExactDigits</c> (never down: a charge is never less than the amount). So a
    /// window total holds at most about twice this many digits, and no amount (<c>1e999999999</c>,
    /// <c>1e-999999999</c>) can make a sum allocate or run in proportion to its exponent (SPEC §4's bound on huge numbers).
    /// </summary>
    public const int ExactDigits = 1000;

    /// <summary><c>10^ExactDigits</c>: the charge of any larger amount.</summary>
    public static DecimalSum Ceiling { get; } = new(1L, ExactDigits);

    /// <summary><c>10^-ExactDigits</c>: the finest unit a charge keeps.</summary>
    private static DecimalSum Unit { get; } = new(1L, -ExactDigits);

    /// <summary>
    /// Reads an amount (SPEC §4 <c>maxAmount</c>): JSON number text, or the content of a decimal string
    /// <c>-?[0-9]+(\.[0-9]+)?</c> when <paramref name="isString"/>, brought into <see cref="ExactDigits"/>' range. False
    /// for anything else and for a negative value, which a budget charges as 0.
    /// </summary>
    public static bool TryParseAmount(ReadOnlySpan<byte> text, bool isString, out DecimalSum value)
    {
        if (TryParsePlain(text, out value))
        {
            return true; // digits with at most one point inside and at most 18 significant digits: every amount in practice
        }

        value = Zero;
        if (!ExactDecimal.TryParse(text, out var parts) || (isString && !parts.ExpDigits.IsEmpty))
        {
            return false;
        }

        if (parts.IsZero)
        {
            return true; // zero, whatever its sign or exponent
        }

        if (parts.Negative)
        {
            return false;
        }

        if (parts.AdjExp > ExactDigits)
        {
            value = Ceiling; // 10^ExactDigits or more (a huge exponent reads as about ±2^61 here)
            return true;
        }

        if (parts.AdjExp < -ExactDigits)
        {
            value = Unit; // every significant digit below the finest unit: the charge rounds up to one unit
            return true;
        }

        // The value is the significant digits (no leading or trailing zeros) times 10^least, cut at the finest unit: a
        // representation as long as the digits written and the range allow, never as long as the exponent.
        var end = parts.End;
        var least = parts.AdjExp - (end - parts.First);
        var roundUp = least < -ExactDigits;
        if (roundUp)
        {
            end -= (int)(-ExactDigits - least);
            least = -ExactDigits;
        }

        var significant = end - parts.First;
        if (significant <= 18)
        {
            long c = 0;
            for (var k = parts.First; k < end; k++)
            {
                c = (c * 10) + (parts.Digit(k) - '0');
            }

            value = new DecimalSum(c, least);
        }
        else
        {
            var digits = new char[significant];
            for (var k = 0; k < significant; k++)
            {
                digits[k] = (char)parts.Digit(parts.First + k);
            }

            value = new DecimalSum(BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture), least);
        }

        value = roundUp ? value + Unit : value;
        return true;
    }

    /// <summary>
    /// True for a number a budget's <c>max</c> may not be: <c>10^ExactDigits</c> or more, or with a significant digit
    /// below <c>10^-ExactDigits</c> (outside the range where charges are exact).
    /// </summary>
    public static bool IsBeyondExactRange(ReadOnlySpan<byte> text) =>
        ExactDecimal.TryParse(text, out var parts) && !parts.IsZero && !parts.Negative
        && (parts.AdjExp > ExactDigits || parts.AdjExp - (parts.End - parts.First) < -ExactDigits);

    /// <summary>Parses a budget's <c>max</c> (a JSON number, already checked by the compiler to be one).</summary>
    public static DecimalSum ParseNumber(string text) =>
        TryParseAmount(Encoding.ASCII.GetBytes(text), isString: false, out var v) ? v : throw new FormatException($"not a non-negative number: {text}");

    /// <summary>
    /// One pass over <c>[0-9]+(\.[0-9]+)?</c> with at most 18 significant digits (both grammars take it, as the same
    /// value); false for anything else, which the general path then reads or refuses.
    /// </summary>
    private static bool TryParsePlain(ReadOnlySpan<byte> text, out DecimalSum value)
    {
        value = default;
        long c = 0;
        int significant = 0, frac = 0;
        var dot = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var d = (uint)(text[i] - '0');
            if (d <= 9)
            {
                if ((c != 0 || d != 0) && ++significant > 18)
                {
                    return false;
                }

                c = (c * 10) + d;
                frac += dot >= 0 ? 1 : 0;
            }
            else if (text[i] == (byte)'.' && dot < 0 && i > 0)
            {
                dot = i;
            }
            else
            {
                return false;
            }
        }

        if (text.IsEmpty || dot == text.Length - 1 || frac > ExactDigits)
        {
            return false; // (past ExactDigits decimals the general path reads the value without its trailing zeros)
        }

        value = new DecimalSum(c, -frac);
        return true;
    }

    public static DecimalSum operator +(DecimalSum a, DecimalSum b)
    {
        if (a.IsZero)
        {
            return b;
        }

        if (b.IsZero)
        {
            return a;
        }

        var e = Math.Min(a._exponent, b._exponent);
        if (TryAlign(a, e, out var x) && TryAlign(b, e, out var y) && x <= long.MaxValue - y)
        {
            return new DecimalSum(x + y, e);
        }

        return new DecimalSum(Scale(a, e) + Scale(b, e), e);
    }

    public static DecimalSum operator -(DecimalSum a, DecimalSum b)
    {
        if (b.IsZero)
        {
            return a;
        }

        var e = Math.Min(a._exponent, b._exponent);
        if (TryAlign(a, e, out var x) && TryAlign(b, e, out var y))
        {
            return x < y ? throw new InvalidOperationException("a window total cannot go below zero") : new DecimalSum(x - y, e);
        }

        var d = Scale(a, e) - Scale(b, e);
        return d.Sign < 0 ? throw new InvalidOperationException("a window total cannot go below zero") : new DecimalSum(d, e);
    }

    public static bool operator >(DecimalSum a, DecimalSum b) => a.CompareTo(b) > 0;

    public static bool operator <(DecimalSum a, DecimalSum b) => a.CompareTo(b) < 0;

    public static bool operator >=(DecimalSum a, DecimalSum b) => a.CompareTo(b) >= 0;

    public static bool operator <=(DecimalSum a, DecimalSum b) => a.CompareTo(b) <= 0;

    public static bool operator ==(DecimalSum a, DecimalSum b) => a.Equals(b);

    public static bool operator !=(DecimalSum a, DecimalSum b) => !a.Equals(b);

    public int CompareTo(DecimalSum other)
    {
        if (IsZero || other.IsZero)
        {
            return (IsZero ? 0 : 1) - (other.IsZero ? 0 : 1);
        }

        var e = Math.Min(_exponent, other._exponent);
        if (TryAlign(this, e, out var x) && TryAlign(other, e, out var y))
        {
            return x.CompareTo(y);
        }

        // Far-apart exponents: compare magnitudes (digit count + exponent) first, so no alignment builds a huge number.
        if (Math.Abs(_exponent - other._exponent) > 36)
        {
            var ma = Magnitude(this);
            var mb = Magnitude(other);
            if (ma != mb)
            {
                return ma.CompareTo(mb);
            }
        }

        return Scale(this, e).CompareTo(Scale(other, e));
    }

    public bool Equals(DecimalSum other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is DecimalSum d && Equals(d);

    public override int GetHashCode()
    {
        var (coefficient, exponent) = Normalized(this);
        return HashCode.Combine(coefficient, exponent);
    }

    /// <summary>
    /// The SPEC §10 notation: plain decimal (<c>7500</c>, <c>0.5</c>, <c>0</c>), or <c>d[.ddd]E±n</c> when the plain
    /// form would hold more than 100 digit characters (<c>1E+400</c>, <c>2.5E-200</c>). Valid JSON number text either way.
    /// </summary>
    public override string ToString()
    {
        if (IsZero)
        {
            return "0";
        }

        string digits;
        long exponent;
        if (_big is null)
        {
            // The common case, in long arithmetic: BigInteger's division and formatting cost a breach microseconds.
            var c = _small;
            exponent = _exponent;
            while (c % 10 == 0)
            {
                c /= 10;
                exponent++;
            }

            digits = c.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            (var coefficient, exponent) = Normalized(this);
            digits = coefficient.ToString(CultureInfo.InvariantCulture);
        }

        long plainDigits = exponent >= 0 ? digits.Length + exponent : (-exponent >= digits.Length ? 1 - exponent : digits.Length);
        if (plainDigits <= MaxPlainDigits)
        {
            if (exponent >= 0)
            {
                return digits + new string('0', (int)exponent);
            }

            var point = digits.Length + (int)exponent;
            return point > 0 ? digits[..point] + "." + digits[point..] : "0." + new string('0', -point) + digits;
        }

        var n = digits.Length - 1 + exponent;
        var mantissa = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
        return mantissa + "E" + (n >= 0 ? "+" : "-") + Math.Abs(n).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Digit count plus exponent: where the leading digit sits, whatever trailing zeros the coefficient has.</summary>
    private static long Magnitude(DecimalSum d) => d.Coefficient.ToString(CultureInfo.InvariantCulture).Length + d._exponent;

    /// <summary>The value with no trailing zeros in its coefficient (zero is 0 × 10^0).</summary>
    private static (BigInteger Coefficient, long Exponent) Normalized(DecimalSum d)
    {
        if (d.IsZero)
        {
            return (BigInteger.Zero, 0);
        }

        var c = d.Coefficient;
        var e = d._exponent;
        while (c % 10 == 0)
        {
            c /= 10;
            e++;
        }

        return (c, e);
    }

    /// <summary>The coefficient of <paramref name="d"/> at exponent <paramref name="exponent"/> (not above its own) as a long, if it fits.</summary>
    private static bool TryAlign(DecimalSum d, long exponent, out long coefficient)
    {
        coefficient = 0;
        if (d._big is not null)
        {
            return false;
        }

        var k = d._exponent - exponent;
        if (k == 0 || d._small == 0)
        {
            coefficient = d._small;
            return true;
        }

        if (k >= Pow10.Length)
        {
            return false;
        }

        var high = Math.BigMul((ulong)d._small, (ulong)Pow10[k], out var low);
        if (high != 0 || low > long.MaxValue)
        {
            return false;
        }

        coefficient = (long)low;
        return true;
    }

    private static BigInteger Scale(DecimalSum d, long exponent) =>
        d._exponent == exponent ? d.Coefficient : d.Coefficient * BigInteger.Pow(10, checked((int)(d._exponent - exponent)));
}
