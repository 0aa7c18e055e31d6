using System.Text;
using System.Text.Json;

namespace Pacts.Json;

/// <summary>Decoding of JSON string contents (UTF-8 with escapes) into UTF-16, without allocating.</summary>
public static class JsonStrings
{
    /// <summary>
    /// Decodes the escaped content of a JSON string into <paramref name="dest"/>, which must hold at least
    /// <c>raw.Length</c> chars. Returns the number of chars written.
    /// </summary>
    internal static int Decode(ReadOnlySpan<byte> raw, Span<char> dest)
    {
        var written = 0;
        while (true)
        {
            var bs = raw.IndexOf((byte)'\\');
            var run = bs < 0 ? raw : raw[..bs];
            written += Encoding.UTF8.GetChars(run, dest[written..]);
            if (bs < 0)
            {
                return written;
            }

            var esc = raw[bs + 1];
            var consumed = 2;
            dest[written++] = esc switch
            {
                (byte)'n' => '\n',
                (byte)'t' => '\t',
                (byte)'r' => '\r',
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'u' => (char)ParseHex4(raw.Slice(bs + 2, 4)),
                _ => (char)esc,
            };
            if (esc == (byte)'u')
            {
                consumed = 6;
            }

            raw = raw[(bs + consumed)..];
        }
    }

    /// <summary>
    /// The string value of <paramref name="element"/> (a JSON string), or false when it is not text: an escaped half
    /// of a UTF-16 surrogate pair, on which <see cref="JsonElement.GetString"/> throws.
    /// </summary>
    public static bool TryGetText(JsonElement element, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        try
        {
            text = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    /// <summary>
    /// The string value of <paramref name="element"/> (a JSON string) for display; one escaping half of a UTF-16
    /// surrogate pair, which <see cref="JsonElement.GetString"/> will not make a string of, as its JSON text without the
    /// quotes (<c>a\ud800</c>), the way a log or report can show it.
    /// </summary>
    public static string TextOrEscaped(JsonElement element) =>
        TryGetText(element, out var text) ? text : Encoding.UTF8.GetString(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element)[1..^1]);

    /// <summary>
    /// The last property of <paramref name="obj"/> named <paramref name="utf8Name"/>, as
    /// <see cref="JsonElement.TryGetProperty(ReadOnlySpan{byte}, out JsonElement)"/>, which instead throws when it meets
    /// a name escaping half a surrogate pair (see <see cref="NameMatch.Matches"/>).
    /// </summary>
    public static bool TryGetProperty(JsonElement obj, ReadOnlySpan<byte> utf8Name, out JsonElement value)
    {
        value = default;
        var found = false;
        foreach (var p in obj.EnumerateObject())
        {
            if (NameMatch.Matches(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(p), utf8Name))
            {
                (value, found) = (p.Value, true);
            }
        }

        return found;
    }

    /// <summary>Decodes the escaped content of a JSON string into a new string. <paramref name="raw"/> must be string content a JSON reader has already validated (as <see cref="JsonElement"/> and <c>Utf8JsonReader</c> give it): escapes are not checked again.</summary>
    public static string DecodeToString(ReadOnlySpan<byte> raw)
    {
        var chars = new char[raw.Length];
        return new string(chars, 0, Decode(raw, chars));
    }

    private static int ParseHex4(ReadOnlySpan<byte> hex)
    {
        var v = 0;
        foreach (var b in hex)
        {
            v = (v << 4) | (b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                _ => b - 'A' + 10,
            });
        }

        return v;
    }
}
