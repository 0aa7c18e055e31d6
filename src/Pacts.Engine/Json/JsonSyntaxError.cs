using System.Text.Json;

namespace Pacts.Json;

/// <summary>What is wrong with a JSON text that does not parse.</summary>
public enum JsonSyntaxErrorKind
{
    /// <summary>The text stops before its value is complete: empty, or cut off mid-way (a truncated upload).</summary>
    EndOfInput,

    /// <summary>A byte that cannot be where it is (a bad token, a missing comma, text after the value).</summary>
    InvalidToken,

    /// <summary>An object or array opens deeper than the limit allows.</summary>
    TooDeep,
}

/// <summary>
/// Why a JSON text failed to parse, and where, decided by what the reader met rather than by the words of an
/// exception message: the text is read again with <see cref="Utf8JsonReader"/>, counting depth here, and a text that
/// a reader given more data would go on reading is cut short, not malformed. <see cref="Offset"/> is the 0-based byte
/// offset of the problem; <see cref="Line"/> and <see cref="Column"/> are 1-based, columns in bytes.
/// </summary>
/// <example><c>JsonSyntaxError.Find("{\"tool\":"u8, 64)</c> is an <see cref="JsonSyntaxErrorKind.EndOfInput"/> at offset 8.</example>
public sealed record JsonSyntaxError(JsonSyntaxErrorKind Kind, long Offset, long Line, long Column, int MaxDepth)
{
    /// <summary>The problem with <paramref name="json"/> when read with objects and arrays at most <paramref name="maxDepth"/> levels deep, or null when it reads.</summary>
    public static JsonSyntaxError? Find(ReadOnlySpan<byte> json, int maxDepth)
    {
        var options = new JsonReaderOptions { MaxDepth = maxDepth == int.MaxValue ? maxDepth : maxDepth + 1 };
        var final = new Utf8JsonReader(json, isFinalBlock: true, new JsonReaderState(options));
        try
        {
            while (final.Read())
            {
                if (final.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && final.CurrentDepth + 1 > maxDepth)
                {
                    return At(JsonSyntaxErrorKind.TooDeep, json, final.TokenStartIndex, maxDepth);
                }
            }

            return null;
        }
        catch (JsonException)
        {
            // Fall through: was it the end of the input, or a byte that no more input could make right?
        }

        var partial = new Utf8JsonReader(json, isFinalBlock: false, new JsonReaderState(options));
        try
        {
            while (partial.Read())
            {
            }

            return At(JsonSyntaxErrorKind.EndOfInput, json, json.Length, maxDepth);
        }
        catch (JsonException ex)
        {
            return At(JsonSyntaxErrorKind.InvalidToken, json, OffsetOf(json, ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0), maxDepth);
        }
    }

    /// <summary>
    /// The problem as words that follow the text's name: "is not valid JSON: it ends before its value is complete (byte
    /// offset 8, line 1, column 9)". A <see cref="JsonSyntaxErrorKind.TooDeep"/> text's callers word their own limit.
    /// </summary>
    public string Describe(ReadOnlySpan<byte> json) => Kind switch
    {
        JsonSyntaxErrorKind.EndOfInput when Offset == 0 => "is not valid JSON: it is empty",
        JsonSyntaxErrorKind.EndOfInput => $"is not valid JSON: it ends before its value is complete, cut short? ({Where})",
        JsonSyntaxErrorKind.InvalidToken => $"is not valid JSON: unexpected {Shown(json)} ({Where})",
        _ => $"nests deeper than {MaxDepth} levels ({Where})",
    };

    /// <summary>"byte offset 8, line 1, column 9".</summary>
    public string Where => $"byte offset {Offset}, line {Line}, column {Column}";

    private string Shown(ReadOnlySpan<byte> json)
    {
        if (Offset >= json.Length)
        {
            return "end of input";
        }

        var b = json[(int)Offset];
        return b is >= 0x21 and < 0x7F and not (byte)'`' ? $"`{(char)b}`" : $"byte 0x{b:X2}";
    }

    private static JsonSyntaxError At(JsonSyntaxErrorKind kind, ReadOnlySpan<byte> json, long offset, int maxDepth)
    {
        var before = json[..(int)Math.Min(offset, json.Length)];
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        return new JsonSyntaxError(kind, offset, before.Count((byte)'\n') + 1, offset - lineStart + 1, maxDepth);
    }

    /// <summary>The byte offset of a reader position: lines are counted at each <c>\n</c>, as the reader counts them.</summary>
    private static long OffsetOf(ReadOnlySpan<byte> json, long line, long byteInLine)
    {
        var start = 0;
        for (var i = 0L; i < line; i++)
        {
            var next = json[start..].IndexOf((byte)'\n');
            if (next < 0)
            {
                break;
            }

            start += next + 1;
        }

        return Math.Min(start + byteInLine, json.Length);
    }
}
