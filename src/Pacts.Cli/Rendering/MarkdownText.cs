using System.Text;

namespace Pacts.Cli.Rendering;

/// <summary>
/// Untrusted text (tool names, session and agent ids, param names, values) in a Markdown report, which lands in
/// GitHub job summaries and pull-request comments. A log line must not be able to break the report's tables,
/// close a code span early, or smuggle in a link, an image or HTML: every piece is either a code span that no
/// backtick inside it can close, or text whose Markdown punctuation is escaped. Control characters are escaped
/// first, as for the terminal (<see cref="TerminalText"/>), so nothing can start a new line.
/// </summary>
internal static class MarkdownText
{
    /// <summary>
    /// <paramref name="text"/> as one code span for a table cell: fenced by one backtick more than the longest run
    /// inside it (padded with a space on each side, which renderers strip, where it holds a backtick or both begins
    /// and ends with a space), <c>|</c> escaped
    /// as GitHub's tables require even inside code. Empty text is shown as <c>(empty)</c>.
    /// </summary>
    public static string Code(string text)
    {
        var safe = TerminalText.Safe(text).Replace("|", "\\|", StringComparison.Ordinal);
        if (safe.Length == 0)
        {
            return "*(empty)*";
        }

        int longest = 0, run = 0;
        foreach (var c in safe)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var fence = new string('`', longest + 1);
        // CommonMark strips one space from each end of a span that begins and ends with one (and is not all spaces):
        // a pad keeps a leading or trailing backtick off the fence, and the text's own edge spaces.
        var pad = (longest > 0 || (safe[0] == ' ' && safe[^1] == ' ')) && safe.AsSpan().ContainsAnyExcept(' ') ? " " : "";
        return fence + pad + safe + pad + fence;
    }

    /// <summary><paramref name="text"/> as plain text: every ASCII punctuation character Markdown could read is backslash-escaped.</summary>
    public static string Text(string text)
    {
        var safe = TerminalText.Safe(text);
        var sb = new StringBuilder(safe.Length + 8);
        foreach (var c in safe)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is ' ' or ',' or '\'' or '"' or '/' or ':' or ';' or '=' or '?' or '@' or '%' or '$' || c > 0x7f)
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('\\').Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// A message in the engine's own style, where backticks mark code (<c>`amount` must be at most 5000</c>): each
    /// backtick-quoted part becomes a <see cref="Code"/> span and the rest <see cref="Text"/>, so a quoted name
    /// from a log cannot close its span and write Markdown of its own. An unpaired backtick is shown as one.
    /// </summary>
    public static string Message(string message)
    {
        var parts = message.Split('`');
        var sb = new StringBuilder(message.Length + 16);
        for (var i = 0; i < parts.Length; i++)
        {
            var closed = i % 2 == 1 && i < parts.Length - 1;
            if (closed)
            {
                sb.Append(Code(parts[i]));
            }
            else
            {
                sb.Append(i % 2 == 1 ? "\\`" : "").Append(Text(parts[i]));
            }
        }

        return sb.ToString();
    }
}
