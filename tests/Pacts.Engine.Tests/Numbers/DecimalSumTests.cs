using System.Text;
using FsCheck.Xunit;
using Pacts.Numbers;

namespace Pacts.Tests;

/// <summary>Exact budget totals and SPEC §10's notation for <c>value</c> and <c>used</c>.</summary>
public class DecimalSumTests
{
    private static DecimalSum N(string text) =>
        DecimalSum.TryParseAmount(Encoding.ASCII.GetBytes(text), isString: false, out var v) ? v : throw new ArgumentException(text);

    [Theory]
    [InlineData("7500", "7500")]
    [InlineData("0.50", "0.5")]
    [InlineData("-0", "0")]
    [InlineData("0e999999999", "0")]
    [InlineData("1e400", "1E+400")]
    [InlineData("2.5e-200", "2.5E-200")]
    [InlineData("1e99", "1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("1e100", "1E+100")]
    [InlineData("1e-99", "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001")]
    [InlineData("1e-100", "1E-100")]
    [InlineData("12.3400e1", "123.4")]
    [InlineData("0.001", "0.001")]
    public void Notation_is_plain_up_to_100_digits_then_scientific(string amount, string expected) =>
        Assert.Equal(expected, N(amount).ToString());

    [Theory]
    [InlineData("250.00", true, "250")]
    [InlineData("007", true, "7")]
    [InlineData("1e3", true, null)]
    [InlineData("-1", true, null)]
    [InlineData("-1", false, null)]
    [InlineData(" 1", true, null)]
    [InlineData("1.", false, null)]
    [InlineData("", true, null)]
    [InlineData("000.50", true, "0.5")]
    [InlineData(".5", true, null)]
    [InlineData("5.", true, null)]
    [InlineData("1.2.3", true, null)]
    [InlineData("1234567890.12345678", false, "1234567890.12345678")]
    [InlineData("1234567890.123456789", false, "1234567890.123456789")]
    [InlineData("0000000000000000000000000001.5", true, "1.5")]
    [InlineData("-0.00", true, "0")]
    public void Amounts_are_numbers_or_decimal_strings_and_never_negative(string text, bool isString, string? expected)
    {
        var ok = DecimalSum.TryParseAmount(Encoding.ASCII.GetBytes(text), isString, out var v);
        Assert.Equal(expected is not null, ok);
        if (ok)
        {
            Assert.Equal(expected, v.ToString());
        }
    }

    [Fact]
    public void Sums_are_exact_at_any_size()
    {
        Assert.Equal("0.3", (N("0.1") + N("0.2")).ToString());
        Assert.Equal("10000.5", (N("4000") + N("4000") + N("2000.5")).ToString());
        Assert.Equal("1E+400", (N("1e400") + N("1e-300") - N("1e-300")).ToString());
        Assert.True(N("1e400") > N("9e399"));
        Assert.True(N("5000.0000000000000001") > N("5000"));
        Assert.True(N("1e-400") < N("1e-399"));
    }

    [Property]
    public bool Adding_then_subtracting_gives_back_the_sum(ulong a, ulong b, byte scaleA, byte scaleB)
    {
        var x = N($"{a}e-{scaleA % 40}");
        var y = N($"{b}e-{scaleB % 40}");
        return (x + y - y) == x && (x + y) >= x && (x + y).CompareTo(y + x) == 0;
    }

    [Property]
    public bool Order_agrees_with_decimal_where_decimal_is_exact(uint a, uint b, byte scale)
    {
        var s = scale % 10;
        var x = N($"{a}e-{s}");
        var y = N($"{b}e-{s}");
        return Math.Sign(x.CompareTo(y)) == Math.Sign(a.CompareTo(b));
    }

    [Property]
    public bool Sums_and_differences_agree_with_decimal_where_decimal_is_exact(uint[] values, byte[] scales)
    {
        // Long coefficients (the fast path) and their overflow into BigInteger, against decimal's exact 96-bit sums.
        var sum = DecimalSum.Zero;
        var reference = 0m;
        for (var i = 0; i < values.Length; i++)
        {
            var scale = scales.Length == 0 ? 0 : scales[i % scales.Length] % 9;
            var text = $"{values[i]}e-{scale}";
            sum += N(text);
            reference += decimal.Parse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
            if (i % 3 == 2)
            {
                sum -= N(text);
                reference -= decimal.Parse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var asDecimal = decimal.Parse(sum.ToString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
        return asDecimal == reference && !sum.ToString().EndsWith(".0", StringComparison.Ordinal) && (sum.IsZero == (reference == 0));
    }

    [Theory]
    [InlineData("1.50", "1.5")]
    [InlineData("9223372036854775807", "9223372036854775807.000")]
    [InlineData("92233720368547758070", "9223372036854775807e1")]
    public void Equal_values_are_equal_whatever_their_representation(string a, string b)
    {
        var x = N(a) + N("0.001") - N("0.001");
        var y = N(b);
        Assert.Equal(x, y);
        Assert.Equal(x.GetHashCode(), y.GetHashCode());
        Assert.Equal(x.ToString(), y.ToString());
    }

    [Fact]
    public void A_sum_past_a_long_carries_on_exactly()
    {
        var big = N("9223372036854775807") + N("9223372036854775807") + N("0.5");
        Assert.Equal("18446744073709551614.5", big.ToString());
        Assert.Equal("0.5", (big - N("9223372036854775807") - N("9223372036854775807")).ToString());
    }

    [Theory]
    [InlineData("1e999999999", "1E+1000")]
    [InlineData("1e99999999999999999999999", "1E+1000")]
    [InlineData("1e1000", "1E+1000")]
    [InlineData("9.5e999", "9.5E+999")]
    [InlineData("1e-1000", "1E-1000")]
    [InlineData("1.5e-1000", "2E-1000")]
    [InlineData("1e-999999999", "1E-1000")]
    [InlineData("1e-99999999999999999999999", "1E-1000")]
    public void Amounts_past_the_exact_range_are_charged_the_ceiling_or_rounded_up_to_the_finest_unit(string amount, string expected) =>
        Assert.Equal(expected, N(amount).ToString());

    [Fact]
    public void A_hostile_exponent_cannot_make_a_window_total_grow_with_it()
    {
        // Before the range, 1e999999999 + 1e-999999999 aligned to a coefficient of two billion digits (a hang).
        var total = N("1e-999999999") + N("1e999999999") + N("1");
        Assert.Equal(DecimalSum.Ceiling + N("1") + N("1e-1000"), total);
        Assert.True(total.ToString().Length < (2 * DecimalSum.ExactDigits) + 10);
        Assert.Equal(N("1") + N("1e-1000"), total - DecimalSum.Ceiling);

        // Digits past the finest unit round the charge up, never down: 5.000...0001 (1,500 decimals) is charged 5 + 1e-1000.
        Assert.Equal(N("5") + N("1e-1000"), N("5." + new string('0', 1499) + "1"));
        Assert.Equal(N("5"), N("5." + new string('0', 1500)));
    }

    [Property]
    public bool A_charge_is_never_less_than_its_amount_and_exact_within_the_range(ulong mantissa, int exponent)
    {
        // Even exponents land around the range's edges (±2,300), odd ones far past them (±1e9).
        var e = exponent % 2 == 0 ? exponent * 23L : exponent * 10_000_019L;
        var text = $"{mantissa}e{e}";
        var charge = N(text);
        var amount = Encoding.ASCII.GetBytes(text);
        var vsAmount = ExactDecimal.Compare(Encoding.ASCII.GetBytes(charge.ToString()), amount);
        var digits = mantissa.ToString(System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0').Length;
        var trailing = mantissa.ToString(System.Globalization.CultureInfo.InvariantCulture).Length - digits;
        var least = e + trailing;
        var highest = e + mantissa.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        var inRange = mantissa == 0 || (highest <= DecimalSum.ExactDigits && least >= -DecimalSum.ExactDigits);
        return charge.ToString().Length < (2 * DecimalSum.ExactDigits) + 10
            && (inRange ? vsAmount == 0 : highest > DecimalSum.ExactDigits ? charge == DecimalSum.Ceiling && vsAmount <= 0 : vsAmount > 0);
    }
}
