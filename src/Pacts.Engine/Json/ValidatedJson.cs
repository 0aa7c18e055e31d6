using System.Buffers;

namespace Pacts.Json;

/// <summary>
/// Moves over JSON that a validating reader has already accepted, without checking it again: strings end at the first
/// unescaped quote, containers at the bracket that closes them, found by vector searches. Only for bytes known to be
/// valid JSON (on anything else the positions it returns mean nothing, though it never reads out of bounds of a span
/// that holds one complete value).
/// </summary>
internal static class ValidatedJson
{
    private static readonly SearchValues<byte> QuoteOrBackslash = SearchValues.Create("\"\\"u8);
    private static readonly SearchValues<byte> Structural = SearchValues.Create("\"[]{}"u8);
    private static readonly SearchValues<byte> ScalarStops = SearchValues.Create(",]} \t\r\n"u8);

    public static int SkipWhitespace(ReadOnlySpan<byte> json, int pos)
    {
        while (pos < json.Length && json[pos] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            pos++;
        }

        return pos;
    }

    /// <summary>The index of the quote closing the string whose opening quote is at <paramref name="open"/>.</summary>
    public static int StringEnd(ReadOnlySpan<byte> json, int open, out bool escaped)
    {
        escaped = false;
        var pos = open + 1;
        while (true)
        {
            var i = json[pos..].IndexOfAny(QuoteOrBackslash);
            if (i < 0)
            {
                return json.Length - 1;
            }

            pos += i;
            if (json[pos] == (byte)'"')
            {
                return pos;
            }

            escaped = true;
            pos += 2; // the backslash and the character it escapes (a \\uXXXX's hex digits are not quotes)
        }
    }

    /// <summary>One past the end of the number or literal starting at <paramref name="pos"/>.</summary>
    public static int ScalarEnd(ReadOnlySpan<byte> json, int pos)
    {
        var i = json[pos..].IndexOfAny(ScalarStops);
        return i < 0 ? json.Length : pos + i;
    }

    /// <summary>One past the end of the value starting at or after <paramref name="pos"/> (whitespace first).</summary>
    public static int SkipValue(ReadOnlySpan<byte> json, int pos)
    {
        pos = SkipWhitespace(json, pos);
        var first = json[pos];
        if (first == (byte)'"')
        {
            return StringEnd(json, pos, out _) + 1;
        }

        if (first is not ((byte)'{' or (byte)'['))
        {
            return ScalarEnd(json, pos);
        }

        var depth = 0;
        while (true)
        {
            var i = json[pos..].IndexOfAny(Structural);
            if (i < 0)
            {
                return json.Length;
            }

            pos += i;
            switch (json[pos])
            {
                case (byte)'"':
                    pos = StringEnd(json, pos, out _) + 1;
                    continue;
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                default:
                    depth--;
                    break;
            }

            pos++;
            if (depth == 0)
            {
                return pos;
            }
        }
    }
}
