using System.Buffers;
using System.Text;

namespace Pacts.Text;

/// <summary>
/// The encodings source text may come in, strictly: UTF-8 by default, or UTF-16/UTF-32 when a byte order mark says
/// so (YAML allows them), and where the first bytes that do not decode start. Reading a file with diagnostics is
/// <c>Pacts.Files.SourceFile</c>, one layer up.
/// </summary>
public static class SourceText
{
    /// <summary>Strict UTF-8, the encoding of a file without a byte order mark.</summary>
    internal static readonly TextEncoding Utf8 = new("UTF-8", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), 0, 1, false);

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

    /// <summary>
    /// Where the first sequence that does not decode starts, by the framework's own <see cref="Rune"/> rules (a decoder's
    /// exception does not say exactly where).
    /// </summary>
    internal static int FirstInvalid(ReadOnlySpan<byte> bytes, TextEncoding encoding)
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
