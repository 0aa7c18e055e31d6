namespace Pacts.Replay;

/// <summary>
/// A set of 64-bit keys in one array (open addressing, linear probing, at most 3/4 full): replay's distinct
/// sessions, by hash of the id. The one part of replay's memory that grows with the log, so it holds keys only,
/// 8 bytes a slot: 11–21 bytes a distinct session (a <see cref="LongCounts"/> took 32–64), which keeps a log of
/// 10M distinct sessions (~110M treasury-mix events) at 128 MB for it (192 MB for the moment it grows). 0 marks an empty slot; the key 0 is
/// remembered on the side.
/// </summary>
internal sealed class LongSet
{
    private long[] _slots = new long[64];
    private bool _hasZero;

    /// <summary>How many distinct keys were added.</summary>
    public int Count { get; private set; }

    /// <summary>Adds <paramref name="key"/>; true if it was not there yet.</summary>
    public bool Add(long key)
    {
        if (key == 0)
        {
            if (_hasZero)
            {
                return false;
            }

            _hasZero = true;
            Count++;
            return true;
        }

        if (!Insert(_slots, key))
        {
            return false;
        }

        if (++Count > _slots.Length / 4 * 3)
        {
            var bigger = new long[_slots.Length * 2];
            foreach (var k in _slots)
            {
                if (k != 0)
                {
                    Insert(bigger, k);
                }
            }

            _slots = bigger;
        }

        return true;
    }

    private static bool Insert(long[] slots, long key)
    {
        var mask = slots.Length - 1;
        var i = LongCounts.Slot(key, mask);
        while (slots[i] != 0)
        {
            if (slots[i] == key)
            {
                return false;
            }

            i = (i + 1) & mask;
        }

        slots[i] = key;
        return true;
    }
}
