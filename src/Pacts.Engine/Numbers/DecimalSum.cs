using System.Globalization;
using System.Numerics;
using System.Text;

namespace Pacts.Numbers;

/// <summary>
/// An exact, non-negative decimal of any size, for budget charges and window totals (SPEC §10): a coefficient
/// times a power of ten, kept with no trailing zeros in the coefficient. Sums and differences are exact; there is no
/// rounding and no binary floating point anywhere.
/// </summary>
/// <remarks>
/// Values up to 18 significant digits at scales down to 10^-18 (every realistic amount) add without touching
/// <see cref="BigInteger"/>'s heap when both operands share an exponent; anything else is still exact. An addition
/// aligns exponents, so a sum of <c>1e300</c> and <c>1e-300</c> holds 601 digits: the cost of exactness, paid only by
/// such inputs.
/// </remarks>
internal readonly struct DecimalSum : IEquatable<DecimalSum>, IComparable<DecimalSum>
{
    /// <summary>Past this many digit characters the plain notation gives way to <c>d.dddE±n</c> (SPEC §10).</summary>
    private const int MaxPlainDigits = 100;

    private readonly BigInteger _coefficient;
    private readonly long _exponent;

    private DecimalSum(BigInteger coefficient, long exponent)
    {
        if (coefficient.IsZero)
        {
            _coefficient = BigInteger.Zero;
            _exponent = 0;
            return;
        }

        while (coefficient % 10 == 0)
        {
            coefficient /= 10;
            exponent++;
        }

        _coefficient = coefficient;
        _exponent = exponent;
    }

    /// <summary>Zero.</summary>
    public static DecimalSum Zero => default;

    /// <summary>One (the charge of a call to a budget without <c>sum</c>).</summary>
    public static DecimalSum One { get; } = new(BigInteger.One, 0);

    public bool IsZero => _coefficient.IsZero;

    /// <summary>
    /// Reads an amount (SPEC §4 <c>maxAmount</c>): JSON number text, or the content of a decimal string
    /// <c>-?[0-9]+(\.[0-9]+)?</c> when <paramref name="isString"/>. False for anything else and for a negative value,
    /// which a budget charges as 0.
    /// </summary>
    public static bool TryParseAmount(ReadOnlySpan<byte> text, bool isString, out DecimalSum value)
    {
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

        var exp = parts.ExpDigits.IsEmpty ? BigInteger.Zero : BigInteger.Parse(Encoding.ASCII.GetString(parts.ExpDigits), CultureInfo.InvariantCulture);
        var exponent = (parts.ExpNegative ? -exp : exp) - parts.Frac.Length;
        if (exponent > long.MaxValue / 4 || exponent < long.MinValue / 4)
        {
            return false; // beyond any exponent a sum could align to; no JSON text of sane length writes one
        }

        var coefficient = BigInteger.Parse(Encoding.ASCII.GetString(parts.Int) + Encoding.ASCII.GetString(parts.Frac), CultureInfo.InvariantCulture);
        value = new DecimalSum(coefficient, (long)exponent);
        return true;
    }

    /// <summary>Parses a budget's <c>max</c> (a JSON number, already checked by the compiler to be one).</summary>
    public static DecimalSum ParseNumber(string text) =>
        TryParseAmount(Encoding.ASCII.GetBytes(text), isString: false, out var v) ? v : throw new FormatException($"not a non-negative number: {text}");

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
        return new DecimalSum(Scale(a, e) + Scale(b, e), e);
    }

    public static DecimalSum operator -(DecimalSum a, DecimalSum b)
    {
        if (b.IsZero)
        {
            return a;
        }

        var e = Math.Min(a._exponent, b._exponent);
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

        var e = Math.Min(_exponent, other._exponent);
        return Scale(this, e).CompareTo(Scale(other, e));
    }

    public bool Equals(DecimalSum other) => _exponent == other._exponent && _coefficient.Equals(other._coefficient);

    public override bool Equals(object? obj) => obj is DecimalSum d && Equals(d);

    public override int GetHashCode() => HashCode.Combine(_coefficient, _exponent);

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

        var digits = _coefficient.ToString(CultureInfo.InvariantCulture);
        long plainDigits = _exponent >= 0 ? digits.Length + _exponent : (-_exponent >= digits.Length ? 1 - _exponent : digits.Length);
        if (plainDigits <= MaxPlainDigits)
        {
            if (_exponent >= 0)
            {
                return digits + new string('0', (int)_exponent);
            }

            var point = digits.Length + (int)_exponent;
            return point > 0 ? digits[..point] + "." + digits[point..] : "0." + new string('0', -point) + digits;
        }

        var n = digits.Length - 1 + _exponent;
        var mantissa = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
        return mantissa + "E" + (n >= 0 ? "+" : "-") + Math.Abs(n).ToString(CultureInfo.InvariantCulture);
    }

    private static long Magnitude(DecimalSum d) => d._coefficient.ToString(CultureInfo.InvariantCulture).Length + d._exponent;

    private static BigInteger Scale(DecimalSum d, long exponent) =>
        d._exponent == exponent ? d._coefficient : d._coefficient * BigInteger.Pow(10, checked((int)(d._exponent - exponent)));
}
