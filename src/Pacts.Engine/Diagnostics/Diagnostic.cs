using Pacts.Text;

namespace Pacts.Diagnostics;

/// <summary>How serious a diagnostic is: errors reject the pact, warnings only inform.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The pact is rejected.</summary>
    Error,

    /// <summary>The pact is legal but probably not what its author meant.</summary>
    Warning,
}

/// <summary>
/// One problem found while reading, checking or compiling a pact. Diagnostics are data: rendering them
/// (text with a caret, JSON, GitHub annotations) is the job of the tool that shows them.
/// </summary>
/// <param name="Code">A stable code such as <c>PACT002</c>; see <see cref="DiagnosticCodes"/>.</param>
/// <param name="Severity">Error or warning.</param>
/// <param name="Span">Where in the source the problem is.</param>
/// <param name="Message">What is wrong, lowercase, user input in backticks, no final period.</param>
/// <param name="Help">What to do about it, when there is something specific to say.</param>
public sealed record Diagnostic(string Code, DiagnosticSeverity Severity, SourceSpan Span, string Message, string? Help = null)
{
    /// <summary>Renders <c>file:line:col: error PACT0NN: message</c>, with the help appended after a semicolon.</summary>
    public override string ToString()
    {
        var level = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        return Help is null
            ? $"{Span}: {level} {Code}: {Message}"
            : $"{Span}: {level} {Code}: {Message}; {Help}";
    }
}
