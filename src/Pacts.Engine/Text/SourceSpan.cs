namespace Pacts.Text;

/// <summary>
/// A place in a pact source file: the file as given, a 1-based line and column where it starts and, where the reader
/// knows it (a scalar, a key, a JSON token), where it ends. Mappings and lists carry their start only.
/// </summary>
/// <param name="File">The file path as the caller gave it (or a label such as <c>&lt;inline&gt;</c>).</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Column">1-based column number, in characters.</param>
/// <example><c>new SourceSpan("p.yaml", 6, 15) { EndLine = 6, EndColumn = 21 }</c> is the six characters 15 to 20 of line 6.</example>
public readonly record struct SourceSpan(string File, int Line, int Column)
{
    /// <summary>The line the span ends on, 1-based; 0 when the end is not known.</summary>
    public int EndLine { get; init; }

    /// <summary>
    /// The column just past the span's last character on <see cref="EndLine"/> (exclusive, as SARIF counts it: a
    /// one-character span at column 5 ends at 6); 0 when the end is not known.
    /// </summary>
    public int EndColumn { get; init; }

    /// <summary>True when the span knows where it ends.</summary>
    public bool HasEnd => EndLine > 0 && EndColumn > 0;

    /// <summary>This span's start, ending at <paramref name="end"/>'s start (no end when that is not after this start).</summary>
    public SourceSpan Until(SourceSpan end) =>
        end.Line > Line || (end.Line == Line && end.Column > Column)
            ? this with { EndLine = end.Line, EndColumn = end.Column }
            : this with { EndLine = 0, EndColumn = 0 };

    /// <summary>Renders the span as <c>file:line:col</c>, the form compilers and editors understand.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
