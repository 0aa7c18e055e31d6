using System.Text;

namespace Pacts.Paths;

/// <summary>The kind of one param path segment.</summary>
public enum SegmentKind
{
    /// <summary>An object key (<c>a</c>, <c>['key.with.dots']</c>).</summary>
    Key,

    /// <summary>An array index (<c>[0]</c>).</summary>
    Index,

    /// <summary>Every element of an array (<c>[*]</c>).</summary>
    Wildcard,
}

/// <summary>One segment of a <see cref="ParamPath"/>. Keys carry their UTF-8 bytes for allocation-free lookups.</summary>
public sealed class PathSegment
{
    private PathSegment(SegmentKind kind, string key, int index)
    {
        Kind = kind;
        Key = key;
        Index = index;
        Utf8Key = Encoding.UTF8.GetBytes(key);
        PlainKey = Json.NameMatch.IsPlain(Utf8Key);
    }

    /// <summary>The segment's kind.</summary>
    public SegmentKind Kind { get; }

    /// <summary>The key for <see cref="SegmentKind.Key"/> segments, else empty.</summary>
    public string Key { get; }

    /// <summary>The index for <see cref="SegmentKind.Index"/> segments.</summary>
    public int Index { get; }

    internal byte[] Utf8Key { get; }

    /// <summary>True when the key holds no backslash, so a name written with these very bytes is this key.</summary>
    internal bool PlainKey { get; }

    internal static PathSegment ForKey(string key) => new(SegmentKind.Key, key, -1);

    internal static PathSegment ForIndex(int index) => new(SegmentKind.Index, "", index);

    internal static PathSegment ForWildcard() => new(SegmentKind.Wildcard, "", -1);
}

/// <summary>
/// A parsed <c>paramPath</c> (SPEC §3): <c>a</c>, <c>a.b</c>, <c>a[0]</c>, <c>items[*].sku</c>,
/// <c>['key.with.dots']</c>. Parsed once at compile time.
/// </summary>
public sealed class ParamPath
{
    private ParamPath(string text, IReadOnlyList<PathSegment> segments)
    {
        Text = text;
        Segments = segments;
        WildcardCount = segments.Count(s => s.Kind == SegmentKind.Wildcard);
    }

    /// <summary>The most segments a path may have: params nest at most 64 levels, so a longer path can never resolve.</summary>
    public const int MaxSegments = 128;

    private const string Ident = "[A-Za-z_$][A-Za-z0-9_$-]*";
    private const string Quoted = "'(?:[^'\\\\]|\\\\['\"\\\\])*'|\"(?:[^\"\\\\]|\\\\['\"\\\\])*\"";

    // 0 to int.MaxValue (2147483647) with no leading zero, digit by digit.
    private const string Index = "0|[1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}"
        + "|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7]";

    /// <summary>
    /// The path grammar as an ECMAScript regex, for the pact JSON Schema's <c>pattern</c> (editors flag a malformed
    /// path as it is typed). It must accept exactly what <see cref="TryParse"/> accepts, the segment limit included;
    /// a property test holds the two together. <c>$</c> ends the text in ECMAScript (in .NET it also matches before a
    /// final newline).
    /// </summary>
    internal const string Pattern = "^(?:" + Ident + "|\\[(?:" + Quoted + ")\\])(?:\\." + Ident + "|\\[(?:" + Index + "|\\*|" + Quoted + ")\\]){0,127}$";

    /// <summary>The path as written in the pact.</summary>
    public string Text { get; }

    /// <summary>The segments; the first is always a key.</summary>
    public IReadOnlyList<PathSegment> Segments { get; }

    /// <summary>How many <c>[*]</c> segments the path has.</summary>
    public int WildcardCount { get; }

    /// <summary>Parses a path, or explains why it is malformed.</summary>
    /// <param name="text">The path text.</param>
    /// <param name="path">The parsed path when the text is well-formed.</param>
    /// <param name="error">What is wrong, when it is not.</param>
    public static bool TryParse(string text, out ParamPath? path, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        path = null;
        var segments = new List<PathSegment>();
        var i = 0;
        if (text.Length == 0)
        {
            error = "a param path cannot be empty";
            return false;
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (segments.Count > 0 && c == '.')
            {
                i++;
                if (i >= text.Length || !IsIdentStart(text[i]))
                {
                    error = $"expected a key after `.` at position {i + 1}";
                    return false;
                }

                segments.Add(PathSegment.ForKey(ReadIdent(text, ref i)));
            }
            else if (segments.Count == 0 && IsIdentStart(c))
            {
                segments.Add(PathSegment.ForKey(ReadIdent(text, ref i)));
            }
            else if (c == '[')
            {
                i++;
                if (i >= text.Length)
                {
                    error = "unclosed `[`";
                    return false;
                }

                var d = text[i];
                if (d is '\'' or '"')
                {
                    if (!TryReadQuoted(text, ref i, d, out var key, out error))
                    {
                        return false;
                    }

                    segments.Add(PathSegment.ForKey(key));
                }
                else if (segments.Count == 0)
                {
                    error = "a path starts with a key, not an index";
                    return false;
                }
                else if (d == '*')
                {
                    i++;
                    segments.Add(PathSegment.ForWildcard());
                }
                else if (char.IsAsciiDigit(d))
                {
                    var start = i;
                    while (i < text.Length && char.IsAsciiDigit(text[i]))
                    {
                        i++;
                    }

                    var digits = text.AsSpan(start, i - start);
                    if (digits.Length > 1 && digits[0] == '0')
                    {
                        error = $"index `{digits}` has a leading zero";
                        return false;
                    }

                    if (!int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
                    {
                        error = $"index `{digits}` is too large";
                        return false;
                    }

                    segments.Add(PathSegment.ForIndex(index));
                }
                else
                {
                    error = $"expected an index, `*` or a quoted key after `[` at position {i + 1}";
                    return false;
                }

                if (i >= text.Length || text[i] != ']')
                {
                    error = $"expected `]` at position {i + 1}";
                    return false;
                }

                i++;
            }
            else
            {
                error = segments.Count == 0
                    ? $"a path starts with a key; `{c}` cannot start one"
                    : $"unexpected `{c}` at position {i + 1}";
                return false;
            }
        }

        if (segments.Count > MaxSegments)
        {
            error = $"the path has {segments.Count} segments; the limit is {MaxSegments}";
            return false;
        }

        error = null;
        path = new ParamPath(text, segments);
        return true;
    }

    /// <summary>True when <paramref name="s"/> is an identifier segment and so renders dotted.</summary>
    public static bool IsIdentifier(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.Length == 0 || !IsIdentStart(s[0]))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!IsIdentPart(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Appends a key as a concrete path segment: dotted when an identifier, else <c>['…']</c>.</summary>
    public static void AppendKey(StringBuilder sb, string key, bool first)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(key);
        if (IsIdentifier(key))
        {
            if (!first)
            {
                sb.Append('.');
            }

            sb.Append(key);
            return;
        }

        sb.Append("['");
        foreach (var c in key)
        {
            if (c is '\'' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        sb.Append("']");
    }

    /// <summary>Renders a single top-level key as a concrete path (<c>amount</c>, <c>['x y']</c>).</summary>
    public static string RenderKey(string key)
    {
        var sb = new StringBuilder(key.Length + 4);
        AppendKey(sb, key, first: true);
        return sb.ToString();
    }

    /// <summary>
    /// Renders a concrete path: the first <paramref name="resolved"/> segments with wildcards replaced by
    /// the element index chosen for that segment (<c>trail[s]</c> for segment <c>s</c>), then the remaining
    /// segments as written (wildcards as <c>[*]</c>).
    /// </summary>
    internal string Render(ReadOnlySpan<int> trail, int resolved)
    {
        if (WildcardCount == 0 && Text.AsSpan().IndexOfAny('[', '\'', '"') < 0)
        {
            return Text; // identifiers and dots only: the path as written is its rendering
        }

        var sb = new StringBuilder(Text.Length + 8);
        for (var s = 0; s < Segments.Count; s++)
        {
            var seg = Segments[s];
            switch (seg.Kind)
            {
                case SegmentKind.Key:
                    AppendKey(sb, seg.Key, s == 0);
                    break;
                case SegmentKind.Index:
                    sb.Append('[').Append(seg.Index).Append(']');
                    break;
                default:
                    if (s < resolved)
                    {
                        sb.Append('[').Append(trail[s]).Append(']');
                    }
                    else
                    {
                        sb.Append("[*]");
                    }

                    break;
            }
        }

        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private static bool IsIdentStart(char c) => char.IsAsciiLetter(c) || c is '_' or '$';

    private static bool IsIdentPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' or '-';

    private static string ReadIdent(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && IsIdentPart(text[i]))
        {
            i++;
        }

        return text[start..i];
    }

    private static bool TryReadQuoted(string text, ref int i, char quote, out string key, out string? error)
    {
        var sb = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\')
            {
                if (i + 1 < text.Length && text[i + 1] is '\'' or '"' or '\\')
                {
                    sb.Append(text[i + 1]);
                    i += 2;
                    continue;
                }

                key = "";
                error = $"unknown escape in quoted key at position {i + 1}; only \\', \\\" and \\\\ are escapes";
                return false;
            }

            if (c == quote)
            {
                i++;
                key = sb.ToString();
                error = null;
                return true;
            }

            sb.Append(c);
            i++;
        }

        key = "";
        error = "unclosed quoted key";
        return false;
    }
}
