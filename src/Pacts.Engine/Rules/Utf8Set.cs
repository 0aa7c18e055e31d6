using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary>
/// A set of UTF-8 strings that lives in a list's own columns (<see cref="ScalarItems.Utf8"/> and
/// <see cref="ScalarItems.Ends"/>): an open-addressing table of item numbers, probed linearly, at most half full.
/// Adding a value costs no allocation, and a lookup hashes and compares the value's bytes as they are, with no
/// decoding to UTF-16. The hash is <see cref="HashCode"/>'s, seeded per process, so which values share a probe run
/// is not predictable from outside. Immutable once its list has been added; lookups are thread-safe.
/// </summary>
internal sealed class Utf8Set
{
    private readonly byte[] _utf8;
    private readonly int[] _ends;
    private readonly int[] _slots; // item number + 1 per slot; 0 is empty

    /// <summary>An empty set over the columns, with room for <paramref name="capacity"/> of their items.</summary>
    public Utf8Set(byte[] utf8, int[] ends, int capacity)
    {
        _utf8 = utf8;
        _ends = ends;
        _slots = new int[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, capacity * 2))];
    }

    /// <summary>How many distinct strings were added.</summary>
    public int Count { get; private set; }

    /// <summary>Adds item <paramref name="item"/>'s text; false when an equal one is in the set already.</summary>
    public bool Add(int item)
    {
        if (Find(ScalarItems.TextOf(_utf8, _ends, item), out var slot))
        {
            return false;
        }

        _slots[slot] = item + 1;
        Count++;
        return true;
    }

    /// <summary>True when a member is exactly <paramref name="utf8"/>.</summary>
    public bool Contains(ReadOnlySpan<byte> utf8) => Find(utf8, out _);

    /// <summary>Probes for <paramref name="utf8"/>: true with its slot, or false with the empty slot that ended the run.</summary>
    private bool Find(ReadOnlySpan<byte> utf8, out int slot)
    {
        var slots = _slots;
        var mask = slots.Length - 1;
        for (slot = Hash(utf8) & mask; ; slot = (slot + 1) & mask)
        {
            var at = slots[slot];
            if (at == 0)
            {
                return false;
            }

            if (ScalarItems.TextOf(_utf8, _ends, at - 1).SequenceEqual(utf8))
            {
                return true;
            }
        }
    }

    private static int Hash(ReadOnlySpan<byte> utf8)
    {
        var hash = default(HashCode);
        hash.AddBytes(utf8);
        return hash.ToHashCode();
    }
}
