using Pacts.Text;

namespace Pacts.Diagnostics;

/// <summary>Collects diagnostics so that a file with several problems reports all of them.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors => ErrorCount > 0;

    /// <summary>How many of the diagnostics are errors (kept as they come: a compile asks after every condition).</summary>
    public int ErrorCount { get; private set; }

    public void Error(string code, SourceSpan span, string message, string? help = null)
    {
        _items.Add(new Diagnostic(code, DiagnosticSeverity.Error, span, message, help));
        ErrorCount++;
    }

    public void Warning(string code, SourceSpan span, string message, string? help = null) =>
        _items.Add(new Diagnostic(code, DiagnosticSeverity.Warning, span, message, help));

    public void AddRange(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            _items.Add(d);
            ErrorCount += d.Severity == DiagnosticSeverity.Error ? 1 : 0;
        }
    }

    /// <summary>Diagnostics in source order (line, then column), stable for equal positions.</summary>
    public IReadOnlyList<Diagnostic> Sorted() => _items.Count switch
    {
        // The common case, a clean pact, sorts nothing (and JIT-compiles no sorting code at start-up).
        0 => [],
        1 => [_items[0]],
        _ => [.. _items.Select((d, i) => (d, i)).OrderBy(x => x.d.Span.File, StringComparer.Ordinal)
            .ThenBy(x => x.d.Span.Line).ThenBy(x => x.d.Span.Column).ThenBy(x => x.i).Select(x => x.d)],
    };
}
