using System.Text;
using Pacts.Diagnostics;
using Pacts.Text;

namespace Pacts.Files;

/// <summary>
/// Reads a pact or pact test file as text, strictly: UTF-8 (a byte order mark is skipped), or UTF-16/UTF-32 when a
/// byte order mark says so (YAML allows them). Bytes that do not decode are an error at their line and column,
/// never a silent U+FFFD: a Latin-1 <c>café</c> in an allow-list would otherwise become a value no call can match.
/// </summary>
internal static class SourceFile
{
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

        var encoding = SourceText.ByteOrderMark(bytes) ?? SourceText.Utf8;
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

    private static Diagnostic NotText(string path, ReadOnlySpan<byte> bytes, TextEncoding encoding)
    {
        var at = SourceText.FirstInvalid(bytes, encoding);
        var before = encoding.Encoding.GetString(bytes[..at]); // decodes: it ends before the first invalid sequence
        var lineStart = before.LastIndexOf('\n') + 1;
        var line = before.AsSpan(..lineStart).Count('\n') + 1;
        var column = before.Length - lineStart + 1;
        var shown = at < bytes.Length ? $"byte 0x{bytes[at]:X2}" : "the last bytes";
        return new Diagnostic(DiagnosticCodes.Syntax, DiagnosticSeverity.Error, new SourceSpan(path, line, column),
            $"the file is not valid {encoding.Name} text: {shown} does not decode", "save the file as UTF-8");
    }
}
