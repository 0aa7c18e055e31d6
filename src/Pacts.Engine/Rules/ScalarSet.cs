using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pacts.Evaluating;
using Pacts.Numbers;
using Pacts.Reading;

namespace Pacts.Rules;

/// <summary>
/// The values of an <c>allowList</c> or <c>denyList</c>, laid out for the fastest membership test at
/// their size: short lists compare raw UTF-8 bytes (or exact decimals) one by one, long lists use frozen
/// hash sets keyed by the decoded string or the number's canonical form. Equality follows SPEC §4:
/// ordinal strings, numbers by exact value, booleans by value, different types never equal.
/// </summary>
internal sealed class ScalarSet
{
    private const int LinearLimit = 8;

    private readonly byte[][] _strings;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>>? _stringLookup;
    private readonly DecimalBound[] _numbers;
    private readonly FrozenSet<string>? _numberKeys;
    private readonly bool _true;
    private readonly bool _false;
    private readonly IReadOnlyList<PactNode> _items;
    private HashSet<string>? _keys;

    public ScalarSet(IReadOnlyList<PactNode> items)
    {
        var strings = items.Where(i => i.Kind == PactNodeKind.String).Select(i => i.Text).Distinct(StringComparer.Ordinal).ToArray();
        var numbers = items.Where(i => i.Kind == PactNodeKind.Number).Select(i => i.Text).ToArray();
        _strings = [.. strings.Select(Encoding.UTF8.GetBytes)];
        if (strings.Length > LinearLimit)
        {
            _stringLookup = strings.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        }

        // Members are normalised once here; a lookup never re-parses them.
        _numbers = [.. numbers.Select(n => new DecimalBound(Encoding.UTF8.GetBytes(n)))];
        if (numbers.Length > LinearLimit)
        {
            _numberKeys = _numbers.Select(n => Key(n.Text)).ToFrozenSet(StringComparer.Ordinal);
        }

        _true = items.Any(i => i.Kind == PactNodeKind.Boolean && i.Text == "true");
        _false = items.Any(i => i.Kind == PactNodeKind.Boolean && i.Text == "false");
        _items = items;
    }

    /// <summary>True when <paramref name="node"/> equals a member (compile-time use: overlap checks).</summary>
    public bool Contains(PactNode node)
    {
        _keys ??= [.. _items.Select(KeyOf)];
        return node.IsScalar && _keys.Contains(KeyOf(node));
    }

    public bool Contains(ref LocationValue value)
    {
        switch (value.Kind)
        {
            case JsonValueKind.String:
                return ContainsString(ref value);
            case JsonValueKind.Number:
                return ContainsNumber(value.Raw);
            case JsonValueKind.True:
                return _true;
            case JsonValueKind.False:
                return _false;
            default:
                return false;
        }
    }

    /// <summary>A key equal for equal values and different across types: <c>s:USDC</c>, <c>n:+1e1</c>, <c>b:true</c>.</summary>
    public static string KeyOf(PactNode node) => node.Kind switch
    {
        PactNodeKind.String => "s:" + node.Text,
        PactNodeKind.Number => "n:" + Key(Encoding.UTF8.GetBytes(node.Text)),
        _ => "o:" + node.Text,
    };

    public static JsonNode ItemSchema() => new JsonObject { ["type"] = new JsonArray("string", "number", "boolean") };

    private static string Key(byte[] number)
    {
        var parts = ExactDecimal.ParseTrusted(number);
        return ExactDecimal.CanonicalKey(parts);
    }

    private bool ContainsString(ref LocationValue value)
    {
        if (_stringLookup is { } lookup)
        {
            return lookup.Contains(value.Chars);
        }

        if (!value.HasEscapes)
        {
            var raw = value.Raw;
            foreach (var s in _strings)
            {
                if (raw.SequenceEqual(s))
                {
                    return true;
                }
            }

            return false;
        }

        var chars = value.Chars;
        foreach (var s in _strings)
        {
            if (Utf8EqualsChars(s, chars))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Utf8EqualsChars(byte[] utf8, ReadOnlySpan<char> chars)
    {
        Span<char> buffer = utf8.Length <= 256 ? stackalloc char[utf8.Length] : new char[utf8.Length];
        var n = Encoding.UTF8.GetChars(utf8, buffer);
        return buffer[..n].SequenceEqual(chars);
    }

    private bool ContainsNumber(ReadOnlySpan<byte> raw)
    {
        if (_numbers.Length == 0 || !ExactDecimal.TryParse(raw, out var parts))
        {
            return false;
        }

        if (_numberKeys is not null)
        {
            return _numberKeys.Contains(ExactDecimal.CanonicalKey(parts));
        }

        foreach (var member in _numbers)
        {
            if (ExactDecimal.Compare(parts, member) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
