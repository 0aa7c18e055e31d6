using Pacts.Evaluating;

namespace Pacts.Cli.Rendering;

/// <summary>A verdict for people: one headline, then one aligned row per violation.</summary>
internal static class VerdictRenderer
{
    public static void Text(TextWriter w, Verdict verdict, bool color)
    {
        var head = verdict.Valid
            ? DiagnosticRenderer.Paint("VALID", "32", color)
            : DiagnosticRenderer.Paint("INVALID", "31", color);
        var bound = verdict.Bound ? "" : " (tool not bound)";
        var count = verdict.Violations.Count == 1 ? "1 violation" : $"{verdict.Violations.Count} violations";
        w.WriteLine(verdict.Valid
            ? $"{head}  {TerminalText.Safe(verdict.Tool)} under {verdict.PactId} v{verdict.PactVersion}{bound}"
            : $"{head}  {TerminalText.Safe(verdict.Tool)} under {verdict.PactId} v{verdict.PactVersion}{bound}: {count}, highest {verdict.HighestSeverity!.Value.ToName()}");
        if (verdict.Valid)
        {
            return;
        }

        Rows(w, "  ", verdict.Violations);
    }

    /// <summary>
    /// One aligned row per violation: severity, path (<c>(call)</c> for the call itself), rule, value, message. A budget
    /// breach's rule reads <c>budget NAME</c> and its value <c>CHARGE (used USED)</c>, so the row names the budget, the
    /// charge and the window total (SPEC §10).
    /// </summary>
    public static void Rows(TextWriter w, string indent, IEnumerable<Violation> violations)
    {
        var rows = violations.Select(v => new[]
        {
            v.Severity.ToName(),
            v.ParamPath.Length == 0 ? "(call)" : TerminalText.Safe(v.ParamPath),
            v.Budget is null ? v.Rule : $"{v.Rule} {TerminalText.Safe(v.Budget)}",
            TerminalText.Safe(Shorten(v.Value ?? "-")) + (v.Used is null ? "" : $" (used {TerminalText.Safe(Shorten(v.Used))})"),
            TerminalText.Safe(v.Message),
        }).ToList();
        var widths = Enumerable.Range(0, 4).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var r in rows)
        {
            w.WriteLine($"{indent}{r[0].PadRight(widths[0])}  {r[1].PadRight(widths[1])}  {r[2].PadRight(widths[2])}  {r[3].PadRight(widths[3])}  {r[4]}");
        }
    }

    public static string Shorten(string s) => s.Length <= 48 ? s : s[..45] + "...";
}
