using System.Text;
using Pacts.Diagnostics;

namespace Pacts.Reading;

/// <summary>
/// Reads a pact or pact test file as text, strictly: UTF-8 (a byte order mark is skipped), or UTF-16/UTF-32 when a
/// byte order mark says so (YAML allows them). Bytes that do not decode are an error at their line and column,
/// never a silent U+FFFD: a Latin-1 <c>café</c> in an allow-list would otherwise become a value no call can match.
/// </summary>
internal static class SourceText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's text, or the one diagnostic that says why there is none.</summary>
    public static bool TryRead(string path, out string text, out Diagnostic? problem)
    {
        text = "";
        problem = null;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = new Diagnostic(DiagnosticCodes.Io, DiagnosticSeverity.Error, new SourceSpan(path, 1, 1), $"cannot read the file: {ex.Message}");
            return false;
        }

        var (encoding, skip) = bytes switch
        {
            [0xEF, 0xBB, 0xBF, ..] => ((Encoding)StrictUtf8, 3),
            [0xFF, 0xFE, 0, 0, ..] => (new UTF32Encoding(bigEndian: false, byteOrderMark: true, throwOnInvalidCharacters: true), 4),
            [0, 0, 0xFE, 0xFF, ..] => (new UTF32Encoding(bigEndian: true, byteOrderMark: true, throwOnInvalidCharacters: true), 4),
            [0xFF, 0xFE, ..] => (new UnicodeEncoding(bigEndian: false, byteOrderMark: true, throwOnInvalidBytes: true), 2),
            [0xFE, 0xFF, ..] => (new UnicodeEncoding(bigEndian: true, byteOrderMark: true, throwOnInvalidBytes: true), 2),
            _ => (StrictUtf8, 0),
        };
        try
        {
            text = encoding.GetString(bytes, skip, bytes.Length - skip);
            return true;
        }
        catch (DecoderFallbackException)
        {
            problem = NotText(path, bytes.AsSpan(skip), encoding);
            return false;
        }
    }

    private static Diagnostic NotText(string path, ReadOnlySpan<byte> bytes, Encoding encoding)
    {
        var at = FirstInvalid(bytes, encoding);
        var before = encoding.GetString(bytes[..at]); // decodes: it ends before the first invalid sequence
        var lineStart = before.LastIndexOf('\n') + 1;
        var line = before.AsSpan(..lineStart).Count('\n') + 1;
        var column = before.Length - lineStart + 1;
        var shown = at < bytes.Length ? $"byte 0x{bytes[at]:X2}" : "the last bytes";
        var name = encoding is UTF8Encoding ? "UTF-8" : encoding.WebName.ToUpperInvariant();
        return new Diagnostic(DiagnosticCodes.Syntax, DiagnosticSeverity.Error, new SourceSpan(path, line, column),
            $"the file is not valid {name} text: {shown} does not decode", "save the file as UTF-8");
    }

    /// <summary>Where the first sequence that does not decode starts (found here, not taken from the decoder's exception).</summary>
    private static int FirstInvalid(ReadOnlySpan<byte> bytes, Encoding encoding)
    {
        if (encoding is UTF8Encoding)
        {
            System.Text.Unicode.Utf8.ToUtf16(bytes, new char[bytes.Length], out var read, out _, replaceInvalidSequences: false);
            return read;
        }

        var unit = encoding is UTF32Encoding ? 4 : 2;
        var bigEndian = encoding.GetPreamble() is [0xFE, 0xFF] or [0, 0, 0xFE, 0xFF];
        for (var i = 0; i < bytes.Length; i += unit)
        {
            if (i + unit > bytes.Length)
            {
                return i;
            }

            var value = 0u;
            for (var k = 0; k < unit; k++)
            {
                value |= (uint)bytes[i + (bigEndian ? unit - 1 - k : k)] << (8 * k);
            }

            if (unit == 4)
            {
                if (value > 0x10FFFF || value is >= 0xD800 and <= 0xDFFF)
                {
                    return i;
                }
            }
            else if (value is >= 0xDC00 and <= 0xDFFF)
            {
                return i;
            }
            else if (value is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 4 > bytes.Length)
                {
                    return i;
                }

                var next = bigEndian ? (uint)((bytes[i + 2] << 8) | bytes[i + 3]) : (uint)((bytes[i + 3] << 8) | bytes[i + 2]);
                if (next is < 0xDC00 or > 0xDFFF)
                {
                    return i;
                }

                i += 2;
            }
        }

        return bytes.Length;
    }
}
