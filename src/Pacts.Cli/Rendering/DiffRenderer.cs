using System.Globalization;
using System.Text.Json;
using Pacts.Json;
using Pacts.Replay;

namespace Pacts.Cli.Rendering;

/// <summary><c>pacts diff</c>'s text and Markdown (SPEC §11): a verdict line first, then the tallies and the flips.</summary>
internal static class DiffRenderer
{
    private static readonly string[] ToolHeader = ["pact", "tool", "newly invalid", "newly valid", "changed"];
    private static readonly string[] AgentHeader = ["agent", "newly invalid", "newly valid", "changed"];

    public static void Text(TextWriter w, DiffReport r)
    {
        w.WriteLine(Headline(r, s => s));
        w.WriteLine($"tool calls {N(r.Calls)}" + (r.Unrecorded > 0 ? $", {N(r.Unrecorded)} without a recorded verdict (left out)" : "")
            + $"; flips: newly invalid {N(r.NewlyInvalid)}, newly valid {N(r.NewlyValid)}, changed {N(r.Changed)}");
        if (r.ByTool.Count > 0)
        {
            w.WriteLine();
            ReportRenderer.Table(w, "  ", ToolHeader, r.ByTool.Select(t => new[] { t.PactId.Length == 0 ? "-" : t.PactId, t.Tool, N(t.NewlyInvalid), N(t.NewlyValid), N(t.Changed) }));
            w.WriteLine();
            ReportRenderer.Table(w, "  ", AgentHeader, r.ByAgent.Select(a => new[] { a.AgentId, N(a.NewlyInvalid), N(a.NewlyValid), N(a.Changed) }));
        }

        if (r.Examples.Count > 0)
        {
            w.WriteLine();
            w.WriteLine(r.Examples.Count < r.NewlyInvalid + r.NewlyValid + r.Changed ? $"first {r.Examples.Count} flips:" : "flips:");
            foreach (var f in r.Examples)
            {
                var kind = DiffReport.KindName(f.Kind);
                w.WriteLine(TerminalText.Safe($"  {f.File}:{f.Line}  {kind}  {f.Tool}  agent {f.AgentId}  session {f.SessionId}"));
                w.WriteLine(TerminalText.Safe($"    before: {Describe(f.Baseline)}"));
                w.WriteLine(TerminalText.Safe($"    after:  {Describe(f.Candidate)}"));
            }
        }
    }

    public static void Markdown(TextWriter w, DiffReport r)
    {
        w.WriteLine("## Pact change");
        w.WriteLine();
        w.WriteLine($"**{Headline(r, MarkdownText.Text)}**");
        w.WriteLine();
        w.WriteLine("| tool calls | newly invalid | newly valid | changed |" + (r.Unrecorded > 0 ? " unrecorded |" : ""));
        w.WriteLine("|---:|---:|---:|---:|" + (r.Unrecorded > 0 ? "---:|" : ""));
        w.WriteLine($"| {N(r.Calls)} | {N(r.NewlyInvalid)} | {N(r.NewlyValid)} | {N(r.Changed)} |" + (r.Unrecorded > 0 ? $" {N(r.Unrecorded)} |" : ""));
        if (r.ByTool.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("### By pact and tool");
            w.WriteLine();
            w.WriteLine("| pact | tool | newly invalid | newly valid | changed |");
            w.WriteLine("|---|---|---:|---:|---:|");
            foreach (var t in r.ByTool)
            {
                w.WriteLine($"| {(t.PactId.Length == 0 ? "-" : MarkdownText.Code(t.PactId))} | {MarkdownText.Code(t.Tool)} | {N(t.NewlyInvalid)} | {N(t.NewlyValid)} | {N(t.Changed)} |");
            }

            w.WriteLine();
            w.WriteLine("### By agent");
            w.WriteLine();
            w.WriteLine("| agent | newly invalid | newly valid | changed |");
            w.WriteLine("|---|---:|---:|---:|");
            foreach (var a in r.ByAgent)
            {
                w.WriteLine($"| {MarkdownText.Code(a.AgentId)} | {N(a.NewlyInvalid)} | {N(a.NewlyValid)} | {N(a.Changed)} |");
            }
        }

        if (r.Examples.Count > 0)
        {
            w.WriteLine();
            w.WriteLine($"<details><summary>{(r.Examples.Count < r.NewlyInvalid + r.NewlyValid + r.Changed ? $"First {r.Examples.Count} flips" : "Flips")}</summary>");
            w.WriteLine();
            w.WriteLine("| where | kind | tool | agent | before | after |");
            w.WriteLine("|---|---|---|---|---|---|");
            foreach (var f in r.Examples)
            {
                w.WriteLine($"| {MarkdownText.Code($"{f.File}:{f.Line}")} | {DiffReport.KindName(f.Kind)} | {MarkdownText.Code(f.Tool)} | {MarkdownText.Code(f.AgentId)} | {MarkdownText.Message(Describe(f.Baseline))} | {MarkdownText.Message(Describe(f.Candidate))} |");
            }

            w.WriteLine();
            w.WriteLine("</details>");
        }
    }

    /// <summary>"3 calls newly blocked, 0 newly allowed" and, with --amount, the amounts each way.</summary>
    private static string Headline(DiffReport r, Func<string, string> text)
    {
        var line = $"{Calls(r.NewlyInvalid)} newly blocked, {N(r.NewlyValid)} newly allowed, {N(r.Changed)} changed otherwise";
        if (r.Amounts is { } a)
        {
            line += $"; amount {a.NewlyInvalid} newly blocked, {a.NewlyValid} newly allowed";
        }

        return text(line);
    }

    private static string Calls(long n) => n == 1 ? "1 call" : $"{N(n)} calls";

    /// <summary>A verdict in one line, violations as the engine words their paths and rules (backticks mark code).</summary>
    private static string Describe(string? verdictJson)
    {
        if (verdictJson is null)
        {
            return "not evaluated";
        }

        using var doc = JsonDocument.Parse(verdictJson);
        if (!JsonStrings.TryGetProperty(doc.RootElement, "violations"u8, out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            return "valid";
        }

        return "invalid: " + string.Join("; ", list.EnumerateArray().Select(v =>
        {
            var path = Field(v, "paramPath"u8);
            var what = Field(v, "budget"u8) is { } budget ? $"budget `{budget.Replace('`', '\'')}`" : Field(v, "rule"u8) ?? "?";
            var value = v.ValueKind == JsonValueKind.Object && JsonStrings.TryGetProperty(v, "value"u8, out var given) ? $" `{Short(given.GetRawText())}`" : "";
            return $"`{(path is null or "" ? "(call)" : path.Replace('`', '\''))}` {what}{value} ({Field(v, "severity"u8)})";
        }));
    }

    /// <summary>An offending value as JSON on one line, at most 40 characters (the JSON format carries it whole).</summary>
    private static string Short(string json)
    {
        json = json.Replace('`', '\'').ReplaceLineEndings(" ");
        return json.Length <= 40 ? json : string.Concat(json.AsSpan(0, 39), "…");
    }

    /// <summary>A string member of a recorded violation; one escaping half a surrogate pair is shown as escaped.</summary>
    private static string? Field(JsonElement v, ReadOnlySpan<byte> name) =>
        v.ValueKind == JsonValueKind.Object && JsonStrings.TryGetProperty(v, name, out var f) && f.ValueKind == JsonValueKind.String
            ? JsonStrings.TextOrEscaped(f)
            : null;

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
