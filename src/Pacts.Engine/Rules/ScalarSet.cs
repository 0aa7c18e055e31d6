using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pacts.Json;
using Pacts.Numbers;
using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary>
/// The values of an <c>allowList</c> or <c>denyList</c>, laid out for the fastest membership test at
/// their size: short lists compare raw UTF-8 bytes (or exact decimals) one by one; long lists probe a
/// <see cref="Utf8Set"/> over the list's own UTF-8 (a value without escapes is looked up as its bytes, never
/// decoded) or a hash set of the numbers' canonical forms. Equality follows SPEC §4:
/// ordinal strings, numbers by exact value, booleans by value, different types never equal.
/// </summary>
internal sealed class ScalarSet
{
    private const int LinearLimit = 8;

    private readonly byte[][] _strings;
    private readonly ulong[] _heads; // each short-list string's first 8 bytes (when it has 8), compared before the rest
    private readonly int _shortestString; // bytes; an escaped text this short or shorter decodes to something shorter still
    private readonly bool _backslashMember; // a member holding a backslash: its bytes could match an escaped text
    private readonly Utf8Set? _stringSet; // long lists: the members' UTF-8, probed with the value's
    private readonly DecimalBound[] _numbers;
    private readonly HashSet<string>? _numberKeys; // canonical keys (ExactDecimal.CanonicalKey) of the listed numbers; null for none
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>>? _numberLookup;
    private readonly bool _true;
    private readonly bool _false;
    private readonly bool _null;

    /// <summary>
    /// Builds the set from a list's columns (strings hashed as the UTF-8 the reader left them in, so a long list
    /// costs no object per value); <paramref name="onRepeat"/> hears of every item equal to an earlier one (SPEC §4
    /// equality).
    /// </summary>
    public ScalarSet(ScalarItems items, Action<PactNode>? onRepeat = null)
    {
        var strings = new Utf8Set(items.Utf8, items.Ends, items.Count);
        Span<int> firstStrings = stackalloc int[LinearLimit]; // the distinct strings' items while the list is short
        var numbers = new List<DecimalBound>();
        for (var i = 0; i < items.Count; i++)
        {
            var text = items.TextUtf8(i);
            var repeat = items.Kind(i) switch
            {
                PactNodeKind.String => !strings.Add(i),
                PactNodeKind.Number => !(_numberKeys ??= new HashSet<string>(StringComparer.Ordinal)).Add(Key(text)),
                PactNodeKind.Boolean when text[0] == (byte)'t' => Seen(ref _true),
                PactNodeKind.Boolean => Seen(ref _false),
                _ => Seen(ref _null),
            };
            if (repeat)
            {
                onRepeat?.Invoke(items[i]);
            }
            else if (items.Kind(i) == PactNodeKind.String && strings.Count <= LinearLimit)
            {
                firstStrings[strings.Count - 1] = i;
            }
            else if (items.Kind(i) == PactNodeKind.Number)
            {
                // Members are normalised once here; a lookup never re-parses them.
                numbers.Add(new DecimalBound(text.ToArray()));
            }
        }

        // Short lists compare raw bytes one by one; long ones only ever probe the hash set.
        _stringSet = strings.Count > LinearLimit ? strings : null;
        _strings = new byte[_stringSet is null ? strings.Count : 0][];
        _heads = new ulong[_strings.Length]; // loops: LINQ to ulong is generic code outside the ReadyToRun image
        _shortestString = int.MaxValue;
        for (var i = 0; i < _strings.Length; i++)
        {
            _strings[i] = items.TextUtf8(firstStrings[i]).ToArray();
            _heads[i] = Head(_strings[i]);
            _shortestString = Math.Min(_shortestString, _strings[i].Length);
            _backslashMember |= !Json.NameMatch.IsPlain(_strings[i]);
        }

        _numbers = [.. numbers];
        if (numbers.Count > LinearLimit)
        {
            _numberLookup = _numberKeys!.GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }

    /// <summary>Marks a boolean or null as listed; true when it was already.</summary>
    private static bool Seen(ref bool flag)
    {
        var was = flag;
        flag = true;
        return was;
    }

    /// <summary>True when the list names <c>null</c> (which no param value ever equals: null is absent).</summary>
    public bool HasNull => _null;

    /// <summary>True when <paramref name="node"/> equals a member (compile-time use: overlap checks).</summary>
    public bool Contains(PactNode node) => node.Kind switch
    {
        PactNodeKind.String => ContainsUtf8(Encoding.UTF8.GetBytes(node.Text)),
        PactNodeKind.Number => _numberKeys?.Contains(Key(Encoding.UTF8.GetBytes(node.Text))) == true,
        PactNodeKind.Boolean => node.Text == "true" ? _true : _false,
        PactNodeKind.Null => _null,
        _ => false,
    };

    /// <summary>True when a member string is exactly these (decoded, valid) UTF-8 bytes.</summary>
    private bool ContainsUtf8(ReadOnlySpan<byte> utf8)
    {
        if (_stringSet is { } set)
        {
            return set.Contains(utf8);
        }

        foreach (var s in _strings)
        {
            if (utf8.SequenceEqual(s))
            {
                return true;
            }
        }

        return false;
    }

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

    /// <remarks><c>null</c> is allowed: the compiler only warns about it (PACT105), so the schema may not refuse it.</remarks>
    public static JsonNode ItemSchema() => new JsonObject { ["type"] = new JsonArray("string", "number", "boolean", "null") };

    private static string Key(ReadOnlySpan<byte> number)
    {
        var parts = ExactDecimal.ParseTrusted(number);
        return ExactDecimal.CanonicalKey(parts);
    }

    private bool ContainsString(ref LocationValue value)
    {
        if (_stringSet is { } set)
        {
            // A text without escapes is its own UTF-8; one with escapes is decoded first.
            return value.HasEscapes ? ContainsDecoded(set, value.Chars) : set.Contains(value.Raw);
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

    /// <summary>
    /// An escaped text, decoded, against a long list. Out of line: its stack buffer would otherwise weigh on the
    /// common case. Text that is not valid UTF-16 (an escaped half of a surrogate pair) is no member: every member is
    /// valid text, and re-encoding with replacement characters would make it equal to one.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool ContainsDecoded(Utf8Set set, ReadOnlySpan<char> chars)
    {
        var max = Encoding.UTF8.GetMaxByteCount(chars.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= 512 ? stackalloc byte[512] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        try
        {
            return System.Text.Unicode.Utf8.FromUtf16(chars, buffer, out _, out var written, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done
                && set.Contains(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
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
