namespace Pacts.Replay;

/// <summary>
/// A count per 64-bit key: open addressing with linear probing over two arrays. Replay's duration histogram
/// (distinct sessions need no count: <see cref="LongSet"/>), written out rather than taken from
/// <c>SortedDictionary&lt;long, long&gt;</c>: that instantiation over value types is in no ReadyToRun image, so
/// every replay ran it as unoptimised tier-0 code until tiered compilation caught up.
/// </summary>
internal sealed class LongCounts
{
    private long[] _keys = new long[64];
    private long[] _counts = new long[64]; // 0 marks an empty slot: a present key counts at least 1

    /// <summary>How many distinct keys were counted.</summary>
    public int Count { get; private set; }

    /// <summary>Adds one to <paramref name="key"/>'s count; returns the count before (0: first time).</summary>
    public long Increment(long key)
    {
        var mask = _keys.Length - 1;
        var i = Slot(key, mask);
        while (_counts[i] != 0)
        {
            if (_keys[i] == key)
            {
                return _counts[i]++;
            }

            i = (i + 1) & mask;
        }

        _keys[i] = key;
        _counts[i] = 1;
        if (++Count * 2 > _keys.Length)
        {
            Grow();
        }

        return 0;
    }

    /// <summary>The keys and their counts, keys ascending.</summary>
    public (long[] Keys, long[] Counts) Sorted()
    {
        var keys = new long[Count];
        var counts = new long[Count];
        var n = 0;
        for (var i = 0; i < _keys.Length; i++)
        {
            if (_counts[i] != 0)
            {
                (keys[n], counts[n]) = (_keys[i], _counts[i]);
                n++;
            }
        }

        Array.Sort(keys, counts);
        return (keys, counts);
    }

    private void Grow()
    {
        var (keys, counts) = (_keys, _counts);
        _keys = new long[keys.Length * 2];
        _counts = new long[keys.Length * 2];
        var mask = _keys.Length - 1;
        for (var j = 0; j < keys.Length; j++)
        {
            if (counts[j] != 0)
            {
                var i = Slot(keys[j], mask);
                while (_counts[i] != 0)
                {
                    i = (i + 1) & mask;
                }

                (_keys[i], _counts[i]) = (keys[j], counts[j]);
            }
        }
    }

    /// <summary>A slot for a key, mixed (splitmix64's finaliser) so that runs of small keys spread out.</summary>
    internal static int Slot(long key, int mask)
    {
        var z = (ulong)key;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & (uint)mask);
    }
}
