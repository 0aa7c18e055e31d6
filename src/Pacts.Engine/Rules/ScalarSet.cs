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
    private readonly ulong[] _heads; // each short-list string's first 8 bytes (when it has 8), compared before the rest
    private readonly int _shortestString; // bytes; an escaped text this short or shorter decodes to something shorter still
    private readonly bool _backslashMember; // a member holding a backslash: its bytes could match an escaped text
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>>? _stringLookup;
    private readonly DecimalBound[] _numbers;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>>? _numberLookup;
    private readonly bool _true;
    private readonly bool _false;
    private IReadOnlyList<PactNode>? _items; // compile time only (overlap checks), released with the rule's source
    private HashSet<string>? _keys;

    /// <summary>Builds the set; <paramref name="onRepeat"/> hears of every item equal to an earlier one (SPEC §4 equality).</summary>
    public ScalarSet(IReadOnlyList<PactNode> items, Action<PactNode>? onRepeat = null)
    {
        var strings = new HashSet<string>(items.Count, StringComparer.Ordinal);
        var numbers = new List<string>();
        HashSet<string>? numberKeys = null;
        HashSet<string>? otherKeys = null;
        foreach (var item in items)
        {
            var repeat = item.Kind switch
            {
                PactNodeKind.String => !strings.Add(item.Text),
                PactNodeKind.Number => AddNumber(numbers, ref numberKeys, item.Text),
                _ => !(otherKeys ??= new(StringComparer.Ordinal)).Add(KeyOf(item)),
            };
            if (repeat)
            {
                onRepeat?.Invoke(item);
            }
        }

        // Short lists compare raw bytes one by one; long ones only ever probe the hash set.
        _strings = strings.Count > LinearLimit ? [] : [.. strings.Select(Encoding.UTF8.GetBytes)];
        _heads = new ulong[_strings.Length]; // a loop: LINQ to ulong is generic code outside the ReadyToRun image
        _shortestString = int.MaxValue;
        for (var i = 0; i < _strings.Length; i++)
        {
            _heads[i] = Head(_strings[i]);
            _shortestString = Math.Min(_shortestString, _strings[i].Length);
            _backslashMember |= !Evaluating.NameMatch.IsPlain(_strings[i]);
        }

        if (strings.Count > LinearLimit)
        {
            // A plain hash set, not a frozen one: as fast to probe at these sizes and far cheaper to build,
            // which is what a pact with thousands of lists pays at compile time.
            _stringLookup = strings.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        // Members are normalised once here; a lookup never re-parses them. Long lists probe the canonical keys
        // the repeat check above already built.
        _numbers = [.. numbers.Select(n => new DecimalBound(Encoding.UTF8.GetBytes(n)))];
        if (numbers.Count > LinearLimit)
        {
            _numberLookup = numberKeys!.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        _true = items.Any(i => i.Kind == PactNodeKind.Boolean && i.Text == "true");
        _false = items.Any(i => i.Kind == PactNodeKind.Boolean && i.Text == "false");
        _items = items;
    }

    /// <summary>Adds a number unless an equal one (by exact value) is listed already; true when it was a repeat.</summary>
    private static bool AddNumber(List<string> numbers, ref HashSet<string>? keys, string text)
    {
        if (!(keys ??= new(StringComparer.Ordinal)).Add(Key(Encoding.UTF8.GetBytes(text))))
        {
            return true;
        }

        numbers.Add(text);
        return false;
    }

    /// <summary>True when <paramref name="node"/> equals a member (compile-time use: overlap checks).</summary>
    public bool Contains(PactNode node)
    {
        _keys ??= [.. (_items ?? throw new InvalidOperationException("a list's items are released once its pact is compiled")).Select(KeyOf)];
        return node.IsScalar && _keys.Contains(KeyOf(node));
    }

    /// <summary>Drops the item nodes and the overlap keys, which only compile-time checks use.</summary>
    public void ReleaseItems() => (_items, _keys) = (null, null);

    public bool Contains(ref LocationValue value)
    {
        switch (value.Kind)
        {
            case JsonValueKind.String:
                return ContainsString(ref value);
            case JsonValueKind.Number:
                return ContainsNumber(ref value);
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

        // Compared as written first, without looking for escapes: when no member holds a backslash, a text that
        // equals a member byte for byte has none either, so it is that value. One that matches none can still
        // spell a member with escapes only if it has some and is longer than the shortest member (every escape
        // is longer than what it stands for). So a passing value, or one no longer than any member, is never
        // searched for a backslash (the reader often said already; a JsonElement does not).
        if (!_backslashMember || !value.HasEscapes)
        {
            var raw = value.Raw;
            var head = Head(raw);
            var strings = _strings;
            var heads = _heads;
            for (var i = 0; i < strings.Length; i++)
            {
                if (heads[i] == head && raw.SequenceEqual(strings[i]))
                {
                    return true;
                }
            }

            if (raw.Length <= _shortestString || !value.HasEscapes)
            {
                return false;
            }
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

    /// <summary>The first 8 bytes as one number, or 0 for a shorter text (then the full compare decides alone).</summary>
    private static ulong Head(ReadOnlySpan<byte> utf8) =>
        utf8.Length >= sizeof(ulong) ? System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(utf8) : 0;

    private static bool Utf8EqualsChars(byte[] utf8, ReadOnlySpan<char> chars)
    {
        Span<char> buffer = utf8.Length <= 256 ? stackalloc char[utf8.Length] : new char[utf8.Length];
        var n = Encoding.UTF8.GetChars(utf8, buffer);
        return buffer[..n].SequenceEqual(chars);
    }

    /// <summary>
    /// Numbers by exact value, read through the location's own parse (shared with the condition's other rules, and
    /// compared in two words when both sides are small); long lists probe canonical keys written on the stack.
    /// </summary>
    private bool ContainsNumber(ref LocationValue value)
    {
        if (_numbers.Length == 0 || !value.IsNumber)
        {
            return false;
        }

        if (_numberLookup is { } lookup)
        {
            return ContainsKey(lookup, value.Raw);
        }

        foreach (var member in _numbers)
        {
            if (value.CompareNumber(member) == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Out of line: its stack buffer would otherwise weigh on the short-list case.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool ContainsKey(HashSet<string>.AlternateLookup<ReadOnlySpan<char>> lookup, ReadOnlySpan<byte> raw)
    {
        var parts = ExactDecimal.ParseTrusted(raw);
        Span<char> key = stackalloc char[128];
        return ExactDecimal.TryWriteCanonicalKey(parts, key, out var written)
            ? lookup.Contains(key[..written])
            : lookup.Contains(ExactDecimal.CanonicalKey(parts)); // a hundred digits or a huge exponent: rare, allowed to allocate
    }
}
