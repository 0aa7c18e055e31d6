using Pacts.Diagnostics;
using Pacts.Numbers;
using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary>What a rule needs while it compiles: where to report, and what its condition addresses.</summary>
internal sealed class RuleContext(DiagnosticBag diagnostics, string paramPathText)
{
    public DiagnosticBag Diagnostics { get; } = diagnostics;

    /// <summary>The condition's <c>paramPath</c> as written, for generated messages.</summary>
    public string PathText { get; } = paramPathText;

    public void Error(string code, PactNode at, string message, string? help = null) => Diagnostics.Error(code, at.Span, message, help);

    public void Warning(string code, PactNode at, string message, string? help = null) => Diagnostics.Warning(code, at.Span, message, help);

    /// <summary>Reads a number value, reporting a wrong type.</summary>
    public bool TryNumber(PactNode node, string what, out byte[] utf8)
    {
        if (node.Kind != PactNodeKind.Number)
        {
            Error(DiagnosticCodes.WrongType, node, $"{what} must be a number, not {node.Describe()}");
            utf8 = [];
            return false;
        }

        utf8 = System.Text.Encoding.UTF8.GetBytes(node.Text);
        return true;
    }

    /// <summary>Reads a non-negative integer (<c>5</c>, <c>5.0</c>), reporting a wrong type or a negative value.</summary>
    public bool TryCount(PactNode node, string what, out int count)
    {
        count = 0;
        if (!TryNumber(node, what, out var utf8))
        {
            return false;
        }

        var parts = ExactDecimal.ParseTrusted(utf8);
        if (parts.Negative && !parts.IsZero)
        {
            Error(DiagnosticCodes.BadBound, node, $"{what} must be at least 0, not `{node.Text}`");
            return false;
        }

        if (!ExactDecimal.IsInteger(parts))
        {
            Error(DiagnosticCodes.WrongType, node, $"{what} must be a whole number, not `{node.Text}`");
            return false;
        }

        var max = ExactDecimal.ParseTrusted("2147483647"u8);
        count = ExactDecimal.Compare(parts, max) > 0
            ? int.MaxValue
            : (int)decimal.Parse(node.Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }
}
