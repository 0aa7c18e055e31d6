namespace Pacts.Events;

/// <summary>
/// The timestamps event logs may hold (SPEC §6 "Timestamps are ISO 8601"), parsed straight from UTF-8 by one
/// strict, culture-free grammar, the same for every reader (replay's scan, the general event parser, the service):
/// <code>
/// date        YYYY-MM-DD | YYYYMMDD
/// [time]      (T | t | space) then hh:mm[:ss[frac]] after an extended date, hhmm[ss[frac]] after a basic one
///             frac: '.' or ',' and one or more digits, rounded half up to the 100 ns tick
/// [zone]      Z | z | ±hh:mm | ±hhmm | ±hh   (at most ±14:00); none: the time is UTC
/// </code>
/// A date alone is midnight UTC. Anything else is not a timestamp: other date forms (<c>12/01/2026</c>, month names,
/// RFC 1123), a time with no date (a general parser would put it on the day it runs, so a report would depend on
/// when it was made), surrounding spaces, week or ordinal dates, <c>24:00</c> and leap seconds (which
/// <see cref="DateTimeOffset"/> cannot hold), and instants outside its range.
/// </summary>
internal static class Iso8601
{
    /// <summary>Parses <paramref name="s"/> (the timestamp's text, without JSON quotes or escapes).</summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out DateTimeOffset value)
    {
        value = default;
        int year, month, day, i;
        bool extended;
        if (s.Length >= 10 && s[4] == '-')
        {
            extended = true;
            if (s[7] != '-' || !Digits(s, 0, 4, out year) || !Digits(s, 5, 2, out month) || !Digits(s, 8, 2, out day))
            {
                return false;
            }

            i = 10;
        }
        else if (s.Length >= 8 && Digits(s, 0, 4, out year) && Digits(s, 4, 2, out month) && Digits(s, 6, 2, out day))
        {
            extended = false;
            i = 8;
        }
        else
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        int hour = 0, minute = 0, second = 0;
        long fractionTicks = 0;
        var offset = TimeSpan.Zero;
        if (i < s.Length)
        {
            if (s[i] is not ((byte)'T' or (byte)'t' or (byte)' ') || !Time(s, ref i, extended, out hour, out minute, out second, out fractionTicks))
            {
                return false;
            }

            if (i < s.Length && !Zone(s[i..], out offset))
            {
                return false;
            }
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fractionTicks;
        var utcTicks = local - offset.Ticks;
        if (local > DateTime.MaxValue.Ticks || utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(local, offset);
        return true;
    }

    /// <summary>The time after the date's separator at <paramref name="i"/>, leaving <paramref name="i"/> after it.</summary>
    private static bool Time(ReadOnlySpan<byte> s, ref int i, bool extended, out int hour, out int minute, out int second, out long fractionTicks)
    {
        (minute, second, fractionTicks) = (0, 0, 0);
        var sep = extended ? 1 : 0;
        i++;
        if (!Digits(s, i, 2, out hour) || (extended && !At(s, i + 2, ':')) || !Digits(s, i + 2 + sep, 2, out minute))
        {
            return false;
        }

        i += 4 + sep;
        if ((extended && At(s, i, ':')) || (!extended && i < s.Length && IsDigit(s[i])))
        {
            if (!Digits(s, i + sep, 2, out second))
            {
                return false;
            }

            i += 2 + sep;
            if (i < s.Length && s[i] is (byte)'.' or (byte)',' && !Fraction(s, ref i, out fractionTicks))
            {
                return false;
            }
        }

        return hour <= 23 && minute <= 59 && second <= 59;
    }

    /// <summary>A decimal fraction of a second at <paramref name="i"/> (its '.' or ','), rounded half up to ticks.</summary>
    private static bool Fraction(ReadOnlySpan<byte> s, ref int i, out long ticks)
    {
        ticks = 0;
        var digits = 0;
        i++;
        while (i < s.Length && IsDigit(s[i]))
        {
            if (digits < 7)
            {
                ticks = (ticks * 10) + (s[i] - '0');
            }
            else if (digits == 7 && s[i] >= '5')
            {
                ticks++; // the eighth digit decides the rounding: half a tick or more rounds up
            }

            digits++;
            i++;
        }

        for (var d = digits; d < 7; d++)
        {
            ticks *= 10;
        }

        return digits > 0;
    }

    /// <summary>The zone designator, which must be all that is left.</summary>
    private static bool Zone(ReadOnlySpan<byte> z, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (z.Length == 1)
        {
            return z[0] is (byte)'Z' or (byte)'z';
        }

        if (z[0] is not ((byte)'+' or (byte)'-') || !Digits(z, 1, 2, out var hours))
        {
            return false;
        }

        var minutes = 0;
        var ok = z.Length switch
        {
            3 => true,
            5 => Digits(z, 3, 2, out minutes),
            6 => z[3] == ':' && Digits(z, 4, 2, out minutes),
            _ => false,
        };
        if (!ok || minutes > 59 || hours > 14 || (hours == 14 && minutes > 0))
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (z[0] == '-')
        {
            offset = -offset;
        }

        return true;
    }

    private static bool At(ReadOnlySpan<byte> s, int i, char c) => i < s.Length && s[i] == c;

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (var k = start; k < start + count; k++)
        {
            var d = (uint)(s[k] - '0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        return true;
    }
}
