namespace Pacts.Text;

/// <summary>A position in a pact source file: the file as given, and a 1-based line and column.</summary>
/// <param name="File">The file path as the caller gave it (or a label such as <c>&lt;inline&gt;</c>).</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Column">1-based column number, in characters.</param>
public readonly record struct SourceSpan(string File, int Line, int Column)
{
    /// <summary>Renders the span as <c>file:line:col</c>, the form compilers and editors understand.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
