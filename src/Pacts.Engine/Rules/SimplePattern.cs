namespace Pacts.Rules;

/// <summary>
/// A fast path for the most common pact regexes: a concatenation of single-character atoms (a literal,
/// <c>.</c>, or an ASCII class such as <c>[A-Za-z0-9 _-]</c>), each with an optional quantifier
/// (<c>?</c>, <c>*</c>, <c>+</c>, <c>{n}</c>, <c>{n,m}</c>, <c>{n,}</c>). When every variable-length atom is
/// disjoint from what may follow it, a greedy left-to-right scan is exact (a char the atom could take can
/// never belong to the next atom), so matching is one pass with no backtracking and no decoding: ASCII
/// input is matched straight from its UTF-8 bytes. Anything outside that subset (groups, alternation,
/// anchors, inline options, <c>\d</c>, non-ASCII members) is left to the NonBacktracking engine, which
/// gives the same answers, only slower.
/// </summary>
internal sealed class SimplePattern
{
    /// <summary>Runs up to this long are matched byte by byte; longer ones with a vector search.</summary>
    private const int ShortRun = 8;

    private readonly Atom[] _atoms;
    private readonly System.Buffers.SearchValues<byte>?[] _asciiSets;

    /// <summary>The leading atoms that are each one exact ASCII character (<c>SKU-</c> of <c>SKU-[0-9]{4}</c>), as bytes.</summary>
    private readonly byte[] _prefix;

    private SimplePattern(Atom[] atoms)
    {
        _atoms = atoms;
        // Loops, not LINQ over our struct: generic code no image holds precompiled, and this runs at start-up.
        AsciiOnly = true;
        foreach (var atom in atoms)
        {
            AsciiOnly &= !atom.Class.MatchesNonAscii;
            TakesBackslash |= atom.Class.Contains('\\');
        }

        var prefix = new List<byte>();
        while (prefix.Count < atoms.Length && atoms[prefix.Count] is { Min: 1, Max: 1 } literal && literal.Class.SingleAscii() is { } c)
        {
            prefix.Add(c);
        }

        _prefix = [.. prefix];
        // Only atoms that can take more than a short run search with vectors (see IsMatchAscii).
        _asciiSets = new System.Buffers.SearchValues<byte>?[atoms.Length];
        for (var a = 0; a < atoms.Length; a++)
        {
            _asciiSets[a] = atoms[a].Max > ShortRun ? System.Buffers.SearchValues.Create(atoms[a].Class.AsciiMembers()) : null;
        }
    }

    /// <summary>
    /// True when no atom can take a non-ASCII character. Then <see cref="IsMatchAscii"/> is exact on any
    /// unescaped UTF-8 string, not only ASCII: a byte of 0x80 or more is taken by no atom, so the scan stops
    /// there and fails, just as the scan over the decoded string stops at that non-ASCII character.
    /// </summary>
    public bool AsciiOnly { get; }

    /// <summary>
    /// True when some atom can take a backslash. When none can, <see cref="IsMatchAscii"/> fails on any text
    /// holding one, so a match on a string's raw JSON text, escapes unexamined, is exact.
    /// </summary>
    public bool TakesBackslash { get; }

    /// <summary>Parses <paramref name="pattern"/> into the fast form, or returns null when it is outside the subset.</summary>
    public static SimplePattern? TryCreate(string pattern)
    {
        // A plain array, not a List<Atom>: a list of a struct of ours is generic code no image holds
        // precompiled, and this runs while a CLI starts. A pattern has at most one atom per character.
        var atoms = new Atom[pattern.Length];
        var count = 0;
        var i = 0;
        while (i < pattern.Length)
        {
            if (!TryReadAtomClass(pattern, ref i, out var cls))
            {
                return null;
            }

            var (min, max) = (1, 1);
            if (i < pattern.Length && !TryReadQuantifier(pattern, ref i, ref min, ref max))
            {
                return null;
            }

            if (i < pattern.Length && pattern[i] is '?' or '+')
            {
                return null; // lazy or possessive suffix
            }

            atoms[count++] = new Atom(cls, min, max);
        }

        // Exactness condition: a variable atom must not share a char with any atom that could take the
        // next char (the following atoms up to and including the first one that must match something).
        for (var a = 0; a < count; a++)
        {
            if (atoms[a].Min == atoms[a].Max)
            {
                continue;
            }

            for (var b = a + 1; b < count; b++)
            {
                if (atoms[a].Class.Overlaps(atoms[b].Class))
                {
                    return null;
                }

                if (atoms[b].Min > 0)
                {
                    break;
                }
            }
        }

        return new SimplePattern(atoms[..count]);
    }

    /// <summary>
    /// Whole-input match over ASCII bytes (each byte one UTF-16 code unit): the same greedy scan, but each
    /// atom that may take more than a few bytes finds its run with one vectorised <see cref="MemoryExtensions.IndexOfAnyExcept{T}(ReadOnlySpan{T}, System.Buffers.SearchValues{T})"/>
    /// over its class's members instead of a test per byte.
    /// </summary>
    public bool IsMatchAscii(ReadOnlySpan<byte> input)
    {
        // A literal prefix is one compare, not an atom loop per character.
        if (!input.StartsWith(_prefix))
        {
            return false;
        }

        var pos = _prefix.Length;
        var atoms = _atoms;
        for (var a = _prefix.Length; a < atoms.Length; a++)
        {
            var rest = input[pos..];
            var limit = Math.Min(atoms[a].Max, rest.Length);
            int run;
            if (limit <= ShortRun)
            {
                // A literal or a short run: a bitmap test per byte beats setting up a vector search.
                run = 0;
                while (run < limit && atoms[a].Class.Contains(rest[run]))
                {
                    run++;
                }
            }
            else
            {
                run = rest[..limit].IndexOfAnyExcept(_asciiSets[a]!);
                if (run < 0)
                {
                    run = limit;
                }
            }

            if (run < atoms[a].Min)
            {
                return false;
            }

            pos += run;
        }

        return pos == input.Length;
    }

    /// <summary>Whole-input match over UTF-16 code units.</summary>
    public bool IsMatch(ReadOnlySpan<char> input) => IsMatch<char>(input);

    /// <summary>The greedy scan: each atom takes as many units as it may, then the next atom starts.</summary>
    private bool IsMatch<T>(ReadOnlySpan<T> input)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        var pos = 0;
        foreach (var atom in _atoms)
        {
            var n = 0;
            while (n < atom.Max && pos < input.Length && atom.Class.Contains(int.CreateTruncating(input[pos])))
            {
                n++;
                pos++;
            }

            if (n < atom.Min)
            {
                return false;
            }
        }

        return pos == input.Length;
    }

    private static bool TryReadAtomClass(string p, ref int i, out CharClass cls)
    {
        cls = default;
        var c = p[i];
        switch (c)
        {
            case '.':
                i++;
                cls = CharClass.Single('\n').Negate();
                return true;
            case '[':
                return TryReadClass(p, ref i, out cls);
            case '\\':
                if (i + 1 < p.Length && IsEscapableLiteral(p[i + 1]))
                {
                    cls = CharClass.Single(p[i + 1]);
                    i += 2;
                    return true;
                }

                return false;
            default:
                if (c > 127 || "()|^$*+?{}]#".Contains(c, StringComparison.Ordinal) || char.IsWhiteSpace(c) && c != ' ')
                {
                    return false;
                }

                cls = CharClass.Single(c);
                i++;
                return true;
        }
    }

    private static bool TryReadClass(string p, ref int i, out CharClass cls)
    {
        cls = default;
        i++; // '['
        var negated = i < p.Length && p[i] == '^';
        if (negated)
        {
            i++;
        }

        var set = default(CharClass);
        var empty = true;
        while (i < p.Length && p[i] != ']')
        {
            empty = false;
            if (!TryReadClassChar(p, ref i, out var lo))
            {
                return false;
            }

            var hi = lo;
            if (i + 1 < p.Length && p[i] == '-' && p[i + 1] != ']')
            {
                i++;
                if (!TryReadClassChar(p, ref i, out hi) || hi < lo)
                {
                    return false;
                }
            }

            for (var ch = lo; ch <= hi; ch++)
            {
                set = set.With(ch);
            }
        }

        if (i >= p.Length || empty)
        {
            return false; // unclosed, or `[]`
        }

        i++; // ']'
        cls = negated ? set.Negate() : set;
        return true;
    }

    private static bool TryReadClassChar(string p, ref int i, out char c)
    {
        c = p[i];
        if (c == '\\')
        {
            if (i + 1 < p.Length && IsEscapableLiteral(p[i + 1]))
            {
                c = p[i + 1];
                i += 2;
                return true;
            }

            return false;
        }

        if (c > 127 || c == '[')
        {
            return false; // non-ASCII member, or a nested class / subtraction
        }

        i++;
        return true;
    }

    private static bool IsEscapableLiteral(char c) => c < 128 && !char.IsAsciiLetterOrDigit(c) && c != '_' && c != ' ';

    private static bool TryReadQuantifier(string p, ref int i, ref int min, ref int max)
    {
        switch (p[i])
        {
            case '?':
                (min, max) = (0, 1);
                i++;
                return true;
            case '*':
                (min, max) = (0, int.MaxValue);
                i++;
                return true;
            case '+':
                (min, max) = (1, int.MaxValue);
                i++;
                return true;
            case '{':
                {
                    var close = p.IndexOf('}', i);
                    if (close < 0)
                    {
                        return false;
                    }

                    var body = p.AsSpan(i + 1, close - i - 1);
                    var comma = body.IndexOf(',');
                    var ok = comma < 0
                        ? int.TryParse(body, System.Globalization.NumberStyles.None, null, out min) && (max = min) >= 0
                        : int.TryParse(body[..comma], System.Globalization.NumberStyles.None, null, out min)
                          && (comma == body.Length - 1 ? (max = int.MaxValue) > 0 : int.TryParse(body[(comma + 1)..], System.Globalization.NumberStyles.None, null, out max));
                    if (!ok || max < min)
                    {
                        return false;
                    }

                    i = close + 1;
                    return true;
                }

            default:
                return true; // no quantifier
        }
    }

    private readonly record struct Atom(CharClass Class, int Min, int Max);

    /// <summary>An ASCII bitmap; a negated class also matches every non-ASCII code unit.</summary>
    private readonly record struct CharClass(ulong Low, ulong High, bool MatchesNonAscii)
    {
        public static CharClass Single(char c) => default(CharClass).With(c);

        public CharClass With(char c) => c < 64 ? this with { Low = Low | (1UL << c) } : this with { High = High | (1UL << (c - 64)) };

        public CharClass Negate() => new(~Low, ~High, !MatchesNonAscii);

        public bool Contains(int c) => c < 64 ? (Low >> c & 1) != 0 : c < 128 ? (High >> (c - 64) & 1) != 0 : MatchesNonAscii;

        /// <summary>The ASCII characters in the class, as bytes.</summary>
        public byte[] AsciiMembers()
        {
            var members = new List<byte>();
            for (var c = 0; c < 128; c++)
            {
                if (Contains(c))
                {
                    members.Add((byte)c);
                }
            }

            return [.. members];
        }

        /// <summary>The class's one member when it holds exactly one ASCII character and nothing else, else null.</summary>
        public byte? SingleAscii() =>
            !MatchesNonAscii && System.Numerics.BitOperations.PopCount(Low) + System.Numerics.BitOperations.PopCount(High) == 1
                ? (byte)(Low != 0 ? System.Numerics.BitOperations.TrailingZeroCount(Low) : 64 + System.Numerics.BitOperations.TrailingZeroCount(High))
                : null;

        public bool Overlaps(CharClass other) => (Low & other.Low) != 0 || (High & other.High) != 0 || MatchesNonAscii && other.MatchesNonAscii;
    }
}
