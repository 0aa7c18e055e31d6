using System.Text;

namespace Pacts.Cli.Rendering;

/// <summary>
/// Text from logs and calls (agent ids, tool names, values, reasons) is untrusted: before it reaches a
/// terminal its control characters are shown escaped (<c>\u001b</c>), so a log line cannot move the cursor,
/// recolour the report or forge lines of it.
/// </summary>
internal static class TerminalText
{
    public static string Safe(string? text) => Safe(text, keepTabs: false);

    /// <summary>As <see cref="Safe(string?)"/>, keeping tabs: for a source line shown under a diagnostic, whose caret lines up by them.</summary>
    public static string SafeLine(string line) => Safe(line, keepTabs: true);

    private static string Safe(string? text, bool keepTabs)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        if (!text.AsSpan().ContainsAnyInRange('\u0000', '\u001f') && !text.AsSpan().ContainsAnyInRange('\u007f', '\u009f'))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if ((c < 0x20 && !(keepTabs && c == '\t')) || (c >= 0x7f && c <= 0x9f))
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
