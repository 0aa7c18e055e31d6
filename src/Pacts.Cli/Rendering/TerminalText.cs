using System.Text;

namespace Pacts.Cli.Rendering;

/// <summary>
/// Text from logs and calls (agent ids, tool names, values, reasons) is untrusted: before it reaches a
/// terminal its control characters are shown escaped (<c>\u001b</c>), so a log line cannot move the cursor,
/// recolour the report or forge lines of it. So are the characters that change how text reads without being seen:
/// Unicode format characters (bidirectional overrides, which can show <c>transfer_funds</c> backwards or reorder a
/// line; zero-width spaces and joiners, which make two different tool names look the same; the invisible "tag"
/// characters that hide text for a model to read), line and paragraph separators, noncharacters, unassigned code
/// points and lone surrogates. An auditor
/// reading a report sees every character that is there.
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

        // Printable ASCII (the usual case) needs no look at each character.
        var first = text.AsSpan().IndexOfAnyExceptInRange(' ', '~');
        if (first < 0)
        {
            return text;
        }

        StringBuilder? sb = null;
        var i = first;
        while (i < text.Length)
        {
            var status = Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used);
            var hidden = status != System.Buffers.OperationStatus.Done || IsHidden(rune, keepTabs);
            if (hidden)
            {
                sb ??= new StringBuilder(text.Length + 8).Append(text, 0, i);
                for (var k = 0; k < used; k++)
                {
                    sb.Append("\\u").Append(((int)text[i + k]).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            else
            {
                sb?.Append(text, i, used);
            }

            i += used;
        }

        return sb?.ToString() ?? text;
    }

    private static bool IsHidden(Rune rune, bool keepTabs)
    {
        if (rune.Value == '\t')
        {
            return !keepTabs;
        }

        // Noncharacters (U+FDD0..U+FDEF and the last two code points of every plane) and unassigned code points have
        // no glyph a reader can trust either: a terminal may drop them, so they are shown escaped too.
        if (rune.Value is >= 0xFDD0 and <= 0xFDEF || (rune.Value & 0xFFFE) == 0xFFFE)
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
            or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator
            or System.Globalization.UnicodeCategory.OtherNotAssigned;
    }
}
