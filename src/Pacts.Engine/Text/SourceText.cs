using System.Buffers;
using System.Text;
using Pacts.Diagnostics;

namespace Pacts.Text;

/// <summary>
/// Reads a pact or pact test file as text, strictly: UTF-8 (a byte order mark is skipped), or UTF-16/UTF-32 when a
/// byte order mark says so (YAML allows them). Bytes that do not decode are an error at their line and column,
/// never a silent U+FFFD: a Latin-1 <c>café</c> in an allow-list would otherwise become a value no call can match.
/// </summary>
public static class SourceText
{
    private static readonly TextEncoding Utf8 = new("UTF-8", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), 0, 1, false);

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

        var encoding = ByteOrderMark(bytes) ?? Utf8;
        try
        {
            text = encoding.Encoding.GetString(bytes, encoding.MarkLength, bytes.Length - encoding.MarkLength);
            return true;
        }
        catch (DecoderFallbackException)
        {
            problem = NotText(path, bytes.AsSpan(encoding.MarkLength), encoding);
            return false;
        }
    }

    /// <summary>
    /// The encoding a byte order mark at the start of <paramref name="bytes"/> names, or null without one. Event logs
    /// use it too: a UTF-16 or UTF-32 mark there is a log that is not UTF-8 JSON lines.
    /// </summary>
    public static TextEncoding? ByteOrderMark(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xEF, 0xBB, 0xBF, ..] => Utf8 with { MarkLength = 3 },
        [0xFF, 0xFE, 0, 0, ..] => new("UTF-32", new UTF32Encoding(bigEndian: false, byteOrderMark: false, throwOnInvalidCharacters: true), 4, 4, false),
        [0, 0, 0xFE, 0xFF, ..] => new("UTF-32", new UTF32Encoding(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true), 4, 4, true),
        [0xFF, 0xFE, ..] => new("UTF-16", new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true), 2, 2, false),
        [0xFE, 0xFF, ..] => new("UTF-16", new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true), 2, 2, true),
        _ => null,
    };

    private static Diagnostic NotText(string path, ReadOnlySpan<byte> bytes, TextEncoding encoding)
    {
        var at = FirstInvalid(bytes, encoding);
        var before = encoding.Encoding.GetString(bytes[..at]); // decodes: it ends before the first invalid sequence
        var lineStart = before.LastIndexOf('\n') + 1;
        var line = before.AsSpan(..lineStart).Count('\n') + 1;
        var column = before.Length - lineStart + 1;
        var shown = at < bytes.Length ? $"byte 0x{bytes[at]:X2}" : "the last bytes";
        return new Diagnostic(DiagnosticCodes.Syntax, DiagnosticSeverity.Error, new SourceSpan(path, line, column),
            $"the file is not valid {encoding.Name} text: {shown} does not decode", "save the file as UTF-8");
    }

    /// <summary>
    /// Where the first sequence that does not decode starts, by the framework's own <see cref="Rune"/> rules (a decoder's
    /// exception does not say exactly where).
    /// </summary>
    private static int FirstInvalid(ReadOnlySpan<byte> bytes, TextEncoding encoding)
    {
        var unit = encoding.UnitBytes;
        Span<char> pair = stackalloc char[2];
        var at = 0;
        while (at < bytes.Length)
        {
            OperationStatus status;
            int consumed;
            if (unit == 1)
            {
                status = Rune.DecodeFromUtf8(bytes[at..], out _, out consumed);
            }
            else if (at + unit > bytes.Length)
            {
                return at;
            }
            else if (unit == 4)
            {
                (status, consumed) = (Rune.IsValid((int)Unit(bytes, at, 4, encoding.BigEndian)) ? OperationStatus.Done : OperationStatus.InvalidData, 4);
            }
            else
            {
                var units = Math.Min(2, (bytes.Length - at) / 2);
                for (var k = 0; k < units; k++)
                {
                    pair[k] = (char)Unit(bytes, at + (2 * k), 2, encoding.BigEndian);
                }

                status = Rune.DecodeFromUtf16(pair[..units], out _, out var chars);
                consumed = chars * 2;
            }

            if (status != OperationStatus.Done)
            {
                return at;
            }

            at += consumed;
        }

        return at;
    }

    private static uint Unit(ReadOnlySpan<byte> bytes, int at, int width, bool bigEndian)
    {
        var value = 0u;
        for (var k = 0; k < width; k++)
        {
            value = (value << 8) | bytes[at + (bigEndian ? k : width - 1 - k)];
        }

        return value;
    }
}

/// <summary>A text encoding as a byte order mark names it: strict (bytes that do not decode throw), with the mark's length.</summary>
public sealed record TextEncoding(string Name, Encoding Encoding, int MarkLength, int UnitBytes, bool BigEndian);
