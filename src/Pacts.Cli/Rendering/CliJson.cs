using System.Text.Encodings.Web;
using System.Text.Json;
using Pacts.Diagnostics;

namespace Pacts.Cli.Rendering;

/// <summary>
/// The one place the CLI's JSON writers take their options from. Relaxed escaping: messages quote pact text in
/// backticks and hold <c>+</c> and <c>&lt;</c>, which the default encoder wrote as <c>\u0060</c>, <c>\u002B</c> and
/// <c>\u003C</c>, hard to read and to grep. The output is never embedded in HTML; control characters stay escaped.
/// </summary>
internal static class CliJson
{
    public static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonWriterOptions Indented = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    /// <summary>Writes one JSON document through <paramref name="write"/> and then a line break.</summary>
    public static void WriteLine(TextWriter w, JsonWriterOptions options, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            write(json);
        }

        w.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>A diagnostic as a JSON object: file, line, column, the end where known, the severity if asked, code, message, help.</summary>
    public static void Diagnostic(Utf8JsonWriter json, Diagnostic d, bool withSeverity)
    {
        json.WriteStartObject();
        json.WriteString("file", d.Span.File);
        json.WriteNumber("line", d.Span.Line);
        json.WriteNumber("column", d.Span.Column);
        if (d.Span.HasEnd)
        {
            json.WriteNumber("endLine", d.Span.EndLine);
            json.WriteNumber("endColumn", d.Span.EndColumn);
        }

        if (withSeverity)
        {
            json.WriteString("severity", d.Severity == DiagnosticSeverity.Error ? "error" : "warning");
        }

        json.WriteString("code", d.Code);
        json.WriteString("message", d.Message);
        if (d.Help is not null)
        {
            json.WriteString("help", d.Help);
        }

        json.WriteEndObject();
    }
}
