using System.Text;
using System.Text.Json;
using System.Xml;
using Pacts.Evaluating;
using Pacts.Testing;

namespace Pacts.Cli.Rendering;

/// <summary>
/// <c>pacts test</c>'s results in its three formats. A failing case shows the expectation and the verdict the same
/// way, one field a line, and then each difference (<c>severity: expected critical, got major</c>).
/// </summary>
internal static class TestReportRenderer
{
    private static readonly string[] ViolationFields = ["paramPath", "rule", "severity", "value", "message"];

    /// <summary>Text: each failing case (each case with <paramref name="verbose"/>), then <c>N passed, M failed</c>.</summary>
    public static void Text(TextWriter w, IReadOnlyList<PactTestFileResult> files, bool verbose, bool color)
    {
        foreach (var c in files.SelectMany(f => f.Cases))
        {
            if (c.Passed)
            {
                if (verbose)
                {
                    w.WriteLine($"{DiagnosticRenderer.Paint("PASS", "32", color)} {TerminalText.Safe(c.File)}:{c.Line}: {TerminalText.Safe(c.Name)}");
                }

                continue;
            }

            w.WriteLine($"{DiagnosticRenderer.Paint("FAIL", "31", color)} {TerminalText.Safe(c.File)}:{c.Line}: {TerminalText.Safe(c.Name)}");
            foreach (var line in Details(c))
            {
                w.WriteLine("  " + TerminalText.Safe(line));
            }
        }

        var (passed, failed) = Totals(files);
        w.WriteLine($"{passed} passed, {failed} failed");
    }

    /// <summary>JSON: one object with every case run, the test files' errors, and the totals.</summary>
    public static void Json(TextWriter w, IReadOnlyList<PactTestFileResult> files)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, CliJson.Compact))
        {
            json.WriteStartObject();
            json.WriteStartArray("cases");
            foreach (var c in files.SelectMany(f => f.Cases))
            {
                json.WriteStartObject();
                json.WriteString("file", c.File);
                json.WriteNumber("line", c.Line);
                json.WriteString("name", c.Name);
                json.WriteString("status", c.Passed ? "pass" : "fail");
                if (!c.Passed)
                {
                    json.WriteString("failure", c.Failure);
                    if (c.Expected is { } expected)
                    {
                        json.WritePropertyName("expected");
                        WriteExpected(json, expected);
                    }

                    if (c.Actual is { } actual)
                    {
                        json.WritePropertyName("actual");
                        actual.WriteTo(json);
                    }

                    json.WriteStartArray("differences");
                    foreach (var d in c.Differences)
                    {
                        json.WriteStringValue(d);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("errors");
            foreach (var d in files.SelectMany(f => f.Errors))
            {
                CliJson.Diagnostic(json, d, withSeverity: false);
            }

            json.WriteEndArray();
            var (passed, failed) = Totals(files);
            json.WriteNumber("passed", passed);
            json.WriteNumber("failed", failed);
            json.WriteNumber("fileErrors", files.Count(f => f.Errors.Count > 0));
            json.WriteEndObject();
        }

        w.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>
    /// JUnit XML: a <c>&lt;testsuite&gt;</c> per test file, a <c>&lt;testcase&gt;</c> per case run (classname the file), a
    /// <c>&lt;failure&gt;</c> with the text format's details, and for a file that cannot run one <c>&lt;error&gt;</c> case.
    /// Names and messages come from test files and verdicts: every character XML 1.0 cannot hold is written as its
    /// <c>\uXXXX</c> escape, so the document parses whatever they hold.
    /// </summary>
    public static void JUnit(TextWriter w, IReadOnlyList<PactTestFileResult> files)
    {
        var (passed, failed) = Totals(files);
        var settings = new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true, NewLineChars = "\n", CheckCharacters = true };
        w.WriteLine("""<?xml version="1.0" encoding="UTF-8"?>""");
        using (var xml = XmlWriter.Create(w, settings))
        {
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", "pacts test");
            xml.WriteAttributeString("tests", Number(passed + failed));
            xml.WriteAttributeString("failures", Number(failed));
            xml.WriteAttributeString("errors", Number(files.Count(f => f.Errors.Count > 0)));
            foreach (var file in files)
            {
                xml.WriteStartElement("testsuite");
                xml.WriteAttributeString("name", Legal(file.File));
                xml.WriteAttributeString("tests", Number(file.Cases.Count));
                xml.WriteAttributeString("failures", Number(file.Cases.Count(c => !c.Passed)));
                xml.WriteAttributeString("errors", file.Errors.Count > 0 ? "1" : "0");
                if (file.Errors.Count > 0)
                {
                    xml.WriteStartElement("testcase");
                    xml.WriteAttributeString("name", "the test file cannot run");
                    xml.WriteAttributeString("classname", Legal(file.File));
                    xml.WriteStartElement("error");
                    xml.WriteAttributeString("message", Legal(file.Errors[0].Message));
                    xml.WriteString(Legal(string.Join("\n", file.Errors)));
                    xml.WriteEndElement();
                    xml.WriteEndElement();
                }

                foreach (var c in file.Cases)
                {
                    xml.WriteStartElement("testcase");
                    xml.WriteAttributeString("name", Legal(c.Name));
                    xml.WriteAttributeString("classname", Legal(c.File));
                    xml.WriteAttributeString("file", Legal(c.File));
                    xml.WriteAttributeString("line", Number(c.Line));
                    if (!c.Passed)
                    {
                        xml.WriteStartElement("failure");
                        xml.WriteAttributeString("message", Legal(c.Failure ?? "failed"));
                        xml.WriteString(Legal(string.Join("\n", Details(c).Skip(1))));
                        xml.WriteEndElement();
                    }

                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        w.WriteLine();
    }

    /// <summary>
    /// <paramref name="text"/> with each character XML 1.0 cannot hold (controls other than tab, LF and CR; lone
    /// surrogates; U+FFFE and U+FFFF) written as its <c>\uXXXX</c> escape. Escaping <c>&lt;</c>, <c>&amp;</c> and quotes
    /// is the writer's.
    /// </summary>
    internal static string Legal(string text)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var legal = pair || (c is '\t' or '\n' or '\r') || (c >= 0x20 && !char.IsSurrogate(c) && c is not ('\uFFFE' or '\uFFFF'));
            if (!legal)
            {
                sb ??= new StringBuilder(text.Length + 8).Append(text, 0, i);
                sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }

            sb?.Append(c);
            if (pair)
            {
                sb?.Append(text[i + 1]);
                i++;
            }
        }

        return sb?.ToString() ?? text;
    }

    /// <summary>A failing case's lines under its name: why, the expectation, the verdict, the differences.</summary>
    private static List<string> Details(PactTestCaseResult c)
    {
        var lines = new List<string> { c.Failure ?? "failed" };
        if (c.Expected is { } expected)
        {
            lines.Add("expected:");
            lines.Add($"  valid: {Bool(expected.Valid)}");
            if (expected.Violations is { } violations)
            {
                lines.Add(violations.Count == 0 ? "  violations: []" : "  violations:");
                foreach (var fields in violations)
                {
                    AddEntry(lines, fields.Select(f => (f.Key, f.Key == "value" ? VerdictRenderer.Shorten(f.Value) : f.Value)));
                }
            }
        }

        if (c.Actual is { } actual)
        {
            lines.Add("actual:");
            lines.Add($"  valid: {Bool(actual.Valid)}");
            if (!actual.Valid)
            {
                lines.Add("  violations:");
                foreach (var v in actual.Violations)
                {
                    AddEntry(lines, ViolationFields.Select(f => (f, Field(v, f))).Where(f => f.Item2 is not null).Select(f => (f.Item1, f.Item2!)));
                }
            }
        }

        if (c.Differences.Count > 0)
        {
            lines.Add("differences:");
            lines.AddRange(c.Differences.Select(d => "  - " + d));
        }

        return lines;
    }

    private static void AddEntry(List<string> lines, IEnumerable<(string Key, string Value)> fields)
    {
        var first = true;
        foreach (var (key, value) in fields)
        {
            lines.Add((first ? "    - " : "      ") + $"{key}: {value}");
            first = false;
        }
    }

    private static string? Field(Violation v, string field) => field switch
    {
        "paramPath" => v.ParamPath,
        "rule" => v.Rule,
        "severity" => v.Severity.ToName(),
        "value" => v.Value is null ? null : VerdictRenderer.Shorten(v.Value),
        _ => v.Message,
    };

    private static void WriteExpected(Utf8JsonWriter json, PactTestExpectation expected)
    {
        json.WriteStartObject();
        json.WriteBoolean("valid", expected.Valid);
        if (expected.Violations is { } violations)
        {
            json.WriteStartArray("violations");
            foreach (var fields in violations)
            {
                json.WriteStartObject();
                foreach (var (key, value) in fields)
                {
                    if (key == "value")
                    {
                        json.WritePropertyName(key);
                        json.WriteRawValue(value);
                    }
                    else
                    {
                        json.WriteString(key, value);
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static (int Passed, int Failed) Totals(IReadOnlyList<PactTestFileResult> files)
    {
        var cases = files.SelectMany(f => f.Cases).ToList();
        return (cases.Count(c => c.Passed), cases.Count(c => !c.Passed));
    }

    private static string Bool(bool b) => b ? "true" : "false";

    private static string Number(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
