using System.Globalization;
using Pacts.Evaluating;
using Pacts.Replay;

namespace Pacts.Cli.Rendering;

/// <summary>The replay report as aligned text for a terminal, or as markdown for a PR or an incident doc.</summary>
internal static class ReportRenderer
{
    public static void Text(TextWriter w, ReplayReport r, bool color)
    {
        var t = r.ToolCalls;
        w.WriteLine($"events {r.Events}, malformed {r.Malformed}, unknown {r.Unknown}, sessions {r.Sessions}");
        w.WriteLine($"tool calls {t.Total}: evaluated {t.Evaluated}, valid {t.Valid}, invalid {t.Invalid}, unevaluated {t.Unevaluated}, unknown pact {t.UnknownPact}");
        var rate = Pct(r.ComplianceRate);
        var painted = r.ComplianceRate is null ? rate : DiagnosticRenderer.Paint(rate, r.ToolCalls.Invalid == 0 ? "32" : "31", color);
        w.WriteLine($"compliance {painted} ({t.Valid}/{t.Evaluated}); invalid by severity: critical {r.InvalidBySeverity.Critical}, major {r.InvalidBySeverity.Major}, minor {r.InvalidBySeverity.Minor}");
        if (r.Pacts.Count > 0)
        {
            w.WriteLine();
            Table(w, "  ", PactHeader, PactRows(r, AsIs));
        }

        if (r.Pacts.Any(p => p.Budgets.Count > 0))
        {
            w.WriteLine();
            Table(w, "  ", BudgetHeader, BudgetRows(r, AsIs));
        }

        if (r.Agents.Count > 0)
        {
            w.WriteLine();
            Table(w, "  ", AgentHeader, AgentRows(r, AsIs));
        }

        if (r.InvalidCalls.Count > 0)
        {
            w.WriteLine();
            w.WriteLine(r.InvalidCalls.Count < r.ToolCalls.Invalid ? $"invalid calls (first {r.InvalidCalls.Count} of {r.ToolCalls.Invalid}):" : "invalid calls:");
            foreach (var c in r.InvalidCalls)
            {
                w.WriteLine($"  {TerminalText.Safe(c.File)}:{c.Line}  {TerminalText.Safe(c.Tool)}  session {TerminalText.Safe(c.SessionId)}  agent {TerminalText.Safe(c.AgentId)}  pact {TerminalText.Safe(c.PactId)}");
                VerdictRenderer.Rows(w, "    ", c.Violations);
            }
        }

        if (r.UnknownPacts.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("unknown pact ids (calls not evaluated):");
            foreach (var u in r.UnknownPacts)
            {
                w.WriteLine($"  {TerminalText.Safe(u.PactId)}: {u.Calls} call(s)");
            }
        }

        if (r.MalformedLines.Count > 0)
        {
            w.WriteLine();
            w.WriteLine($"malformed lines ({r.Malformed}):");
            foreach (var m in r.MalformedLines)
            {
                w.WriteLine($"  {TerminalText.Safe(m.File)}:{m.Line}: {TerminalText.Safe(m.Reason)}");
            }

            if (r.MalformedLinesTruncated)
            {
                w.WriteLine($"  ... {r.Malformed - r.MalformedLines.Count} more not listed");
            }
        }
    }

    public static void Markdown(TextWriter w, ReplayReport r)
    {
        var t = r.ToolCalls;
        w.WriteLine("## Pact compliance");
        w.WriteLine();
        w.WriteLine($"**{Pct(r.ComplianceRate)}** of evaluated tool calls comply ({t.Valid} of {t.Evaluated}); invalid by severity: critical {r.InvalidBySeverity.Critical}, major {r.InvalidBySeverity.Major}, minor {r.InvalidBySeverity.Minor}.");
        w.WriteLine();
        w.WriteLine("| events | malformed | unknown | sessions | tool calls | evaluated | valid | invalid | unevaluated | unknown pact |");
        w.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        w.WriteLine($"| {r.Events} | {r.Malformed} | {r.Unknown} | {r.Sessions} | {t.Total} | {t.Evaluated} | {t.Valid} | {t.Invalid} | {t.Unevaluated} | {t.UnknownPact} |");
        if (r.Pacts.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("### By agent and pact");
            w.WriteLine();
            MarkdownTable(w, PactHeader, PactRows(r, MarkdownText.Code));
        }

        if (r.Pacts.Any(p => p.Budgets.Count > 0))
        {
            w.WriteLine();
            w.WriteLine("### Budgets");
            w.WriteLine();
            MarkdownTable(w, BudgetHeader, BudgetRows(r, MarkdownText.Code));
        }

        if (r.Agents.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("### Agent session health");
            w.WriteLine();
            MarkdownTable(w, AgentHeader, AgentRows(r, MarkdownText.Code));
        }

        if (r.InvalidCalls.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("### Invalid calls");
            w.WriteLine();
            w.WriteLine("| where | tool | session | severity | paramPath | rule | value | message |");
            w.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var c in r.InvalidCalls)
            {
                foreach (var v in c.Violations)
                {
                    w.WriteLine($"| {MarkdownText.Code($"{c.File}:{c.Line}")} | {MarkdownText.Code(c.Tool)} | {MarkdownText.Code(c.SessionId)} | {v.Severity.ToName()} | {MarkdownText.Code(v.ParamPath)} | {(v.Budget is null ? v.Rule : $"{v.Rule} {MarkdownText.Code(v.Budget)}")} | {(v.Value is null ? "" : MarkdownText.Code(VerdictRenderer.Shorten(v.Value)))}{(v.Used is null ? "" : $" (used {MarkdownText.Code(VerdictRenderer.Shorten(v.Used))})")} | {MarkdownText.Message(v.Message)} |");
                }
            }
        }

        if (r.UnknownPacts.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("### Unknown pact ids");
            w.WriteLine();
            foreach (var u in r.UnknownPacts)
            {
                w.WriteLine($"- {MarkdownText.Code(u.PactId)}: {u.Calls} call(s) not evaluated");
            }
        }

        if (r.MalformedLines.Count > 0)
        {
            w.WriteLine();
            w.WriteLine($"### Malformed lines ({r.Malformed})");
            w.WriteLine();
            foreach (var m in r.MalformedLines)
            {
                w.WriteLine($"- {MarkdownText.Code($"{m.File}:{m.Line}")}: {MarkdownText.Message(m.Reason)}");
            }
        }
    }

    private static readonly string[] PactHeader = ["agent", "pact", "evaluated", "valid %", "critical %", "major %", "minor %", "top violating paths"];
    private static readonly string[] BudgetHeader = ["agent", "pact", "budget", "breaches"];

    /// <summary>A line per budget of each (agent, pact): its breaches, 0 included (SPEC §10).</summary>
    private static IEnumerable<string[]> BudgetRows(ReplayReport r, Func<string, string> id) =>
        r.Pacts.SelectMany(p => p.Budgets.Select(b => new[] { id(p.AgentId), id(p.PactId), id(b.Name), N(b.Breaches) }));

    private static readonly string[] AgentHeader = ["agent", "sessions", "ended success %", "p50 ms", "p95 ms", "p99 ms", "tool errors %", "invalid %"];

    /// <summary>The rows of the per-pact table; <paramref name="id"/> renders an id or a path taken from the log.</summary>
    private static IEnumerable<string[]> PactRows(ReplayReport r, Func<string, string> id) => r.Pacts.Select(p => new[]
    {
        id(p.AgentId), id(p.PactId), N(p.Evaluated), Pct(p.ComplianceRate), Pct(p.InvalidRateBySeverity.Critical), Pct(p.InvalidRateBySeverity.Major), Pct(p.InvalidRateBySeverity.Minor),
        p.TopParamPaths.Count == 0 ? "-" : string.Join(", ", p.TopParamPaths.Select(x => $"{(x.ParamPath.Length == 0 ? "(call)" : id(x.ParamPath))} ({x.Count})")),
    });

    private static IEnumerable<string[]> AgentRows(ReplayReport r, Func<string, string> id) => r.Agents.Select(a => new[]
    {
        id(a.AgentId), N(a.Sessions), Pct(a.SessionSuccessRate), Ms(a.SessionDurationMs?.P50), Ms(a.SessionDurationMs?.P95), Ms(a.SessionDurationMs?.P99),
        Pct(a.ToolErrorRate), Pct(a.InvalidRate),
    });

    internal static void Table(TextWriter w, string indent, string[] header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]>();
        all.Add([.. header.Select(h => h.ToUpperInvariant())]);
        all.AddRange(rows.Select(r => r.Select(TerminalText.Safe).ToArray()));
        var widths = Enumerable.Range(0, header.Length).Select(i => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            var cells = row.Select((c, i) => i == row.Length - 1 ? c : IsNumeric(c) && i > 0 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]));
            w.WriteLine((indent + string.Join("  ", cells)).TrimEnd());
        }
    }

    private static void MarkdownTable(TextWriter w, string[] header, IEnumerable<string[]> rows)
    {
        w.WriteLine("| " + string.Join(" | ", header) + " |");
        w.WriteLine("|" + string.Join("|", header.Select((_, i) => (i < 2) || (i == header.Length - 1) ? "---" : "---:")) + "|");
        foreach (var row in rows)
        {
            w.WriteLine("| " + string.Join(" | ", row) + " |");
        }
    }

    private static string AsIs(string text) => text;

    private static bool IsNumeric(string s) => s.Length > 0 && (char.IsAsciiDigit(s[0]) || s == "-");

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Ms(long? n) => n is null ? "-" : n.Value.ToString(CultureInfo.InvariantCulture);

    private static string Pct(double? rate) => rate is null ? "-" : (rate.Value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
