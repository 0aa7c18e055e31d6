using Pacts.Diagnostics;
using Pacts.Text;

namespace Pacts.Cli.Rendering;

/// <summary>Renders diagnostics as text (with the source line and a caret), JSON, or GitHub Actions annotations.</summary>
internal static class DiagnosticRenderer
{
    public static void Text(TextWriter w, IReadOnlyList<Diagnostic> diagnostics, bool color)
    {
        var sources = new Dictionary<string, string[]?>(StringComparer.Ordinal);
        foreach (var d in diagnostics)
        {
            var level = d.Severity == DiagnosticSeverity.Error ? Paint("error", "31", color) : Paint("warning", "33", color);
            // Messages quote pact text and the source line is the file's own: a pact from a pull request must not be
            // able to recolour or rewrite a CI log, so control characters are shown escaped (TerminalText).
            w.WriteLine($"{TerminalText.Safe(d.Span.File)}:{d.Span.Line}:{d.Span.Column}: {level} {d.Code}: {TerminalText.Safe(d.Message)}");
            var line = SourceLine(sources, d.Span);
            if (line is not null)
            {
                var gutter = d.Span.Line.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var (shown, col) = Window(line, Math.Clamp(d.Span.Column - 1, 0, line.Length));
                w.WriteLine($"  {gutter} | {TerminalText.SafeLine(shown)}");
                var pad = new string(' ', gutter.Length);
                var indent = new string([.. TerminalText.SafeLine(shown[..col]).Select(c => c == '\t' ? '\t' : ' ')]);
                w.WriteLine($"  {pad} | {indent}{Paint("^", "1", color)}");
            }

            if (d.Help is not null)
            {
                w.WriteLine($"  = help: {TerminalText.Safe(d.Help)}");
            }
        }
    }

    public static void Json(TextWriter w, IReadOnlyList<Diagnostic> diagnostics, int files) =>
        CliJson.WriteLine(w, CliJson.Indented, json =>
        {
            json.WriteStartObject();
            json.WriteNumber("files", files);
            json.WriteNumber("errors", diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error));
            json.WriteNumber("warnings", diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning));
            json.WriteStartArray("diagnostics");
            foreach (var d in diagnostics)
            {
                CliJson.Diagnostic(json, d, withSeverity: true);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });

    /// <summary>GitHub Actions workflow commands: <c>::error file=…,line=…,endLine=…,col=…,endColumn=…,title=…::message</c>, the ends where the span knows them.</summary>
    public static void GitHub(TextWriter w, IReadOnlyList<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            var level = d.Severity == DiagnosticSeverity.Error ? "error" : "warning";
            var message = d.Help is null ? d.Message : $"{d.Message} ({d.Help})";
            w.WriteLine($"::{level} file={Property(d.Span.File)},line={d.Span.Line},{End(d.Span)}col={d.Span.Column},{ColumnEnd(d.Span)}title={Property(d.Code)}::{Data(message)}");
        }
    }

    /// <summary>The annotation's <c>endLine=</c> when the span knows its end.</summary>
    private static string End(SourceSpan span) => span.HasEnd ? $"endLine={span.EndLine}," : "";

    /// <summary>
    /// The annotation's <c>endColumn=</c>, the last character's column (GitHub's end column defaults to the start
    /// column, so it counts the last character, where the span's end is just past it). Only on one line: the runner
    /// drops columns from an annotation whose lines differ.
    /// </summary>
    private static string ColumnEnd(SourceSpan span) =>
        span.HasEnd && span.EndLine == span.Line && span.EndColumn - 1 >= span.Column ? $"endColumn={span.EndColumn - 1}," : "";

    /// <summary>Characters of a source line shown at most; a longer one (a minified JSON pact) is cut around the column.</summary>
    public const int MaxShown = 120;

    /// <summary>
    /// The part of <paramref name="line"/> to show and the column's place in it: the whole line when it is short, else
    /// <see cref="MaxShown"/> characters from its start, or from half of that before the column when the column is not
    /// well inside the first ones, with <c>…</c> where it was cut (never
    /// between the halves of a surrogate pair).
    /// </summary>
    internal static (string Shown, int Column) Window(string line, int column)
    {
        if (line.Length <= MaxShown)
        {
            return (line, column);
        }

        var start = column + 20 <= MaxShown ? 0 : Math.Max(0, Math.Min(column - (MaxShown / 2), line.Length - MaxShown));
        var end = Math.Min(line.Length, start + MaxShown);
        start -= start > 0 && char.IsLowSurrogate(line[start]) ? 1 : 0;
        end += end < line.Length && char.IsLowSurrogate(line[end]) ? 1 : 0;
        var head = start > 0 ? "…" : "";
        return (head + line[start..end] + (end < line.Length ? "…" : ""), head.Length + column - start);
    }

    public static string Paint(string text, string code, bool color) => color ? $"\u001b[{code}m{text}\u001b[0m" : text;

    private static string? SourceLine(Dictionary<string, string[]?> cache, SourceSpan span)
    {
        if (!cache.TryGetValue(span.File, out var lines))
        {
            try
            {
                lines = File.Exists(span.File) ? File.ReadAllLines(span.File) : null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                lines = null;
            }

            cache[span.File] = lines;
        }

        return lines is not null && span.Line >= 1 && span.Line <= lines.Length ? lines[span.Line - 1].TrimEnd('\r') : null;
    }

    private static string Data(string s) => s.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    private static string Property(string s) => Data(s).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
