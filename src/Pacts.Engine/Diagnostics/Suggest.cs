using Pacts.Text;

namespace Pacts.Diagnostics;

/// <summary>"Did you mean" hints: the closest known word by case-insensitive match, then edit distance.</summary>
public static class Suggest
{
    /// <summary>The candidate closest to <paramref name="word"/>, or null when none is close enough to suggest.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            if (string.Equals(c, word, StringComparison.OrdinalIgnoreCase))
            {
                return c;
            }

            var d = Distance(word.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = c;
            }
        }

        return best is not null && bestDistance <= Math.Max(1, Math.Min(3, best.Length / 3)) ? best : null;
    }

    /// <summary>Reports an unknown key with a hint: the closest known key, else the list of keys allowed there.</summary>
    internal static void UnknownKey(DiagnosticBag diagnostics, string key, SourceSpan span, IReadOnlyCollection<string> known, string where)
    {
        var near = Closest(key, known);
        diagnostics.Error(DiagnosticCodes.UnknownKey, span, $"unknown key `{key}` in {where}",
            near is not null ? $"did you mean `{near}`?" : "allowed keys: " + string.Join(", ", known.Select(k => $"`{k}`")));
    }

    private static int Distance(string a, string b)
    {
        if (a.Length > 64 || b.Length > 64)
        {
            return int.MaxValue;
        }

        Span<int> prev = stackalloc int[b.Length + 1];
        Span<int> cur = stackalloc int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }

            cur.CopyTo(prev);
        }

        return prev[b.Length];
    }
}
