namespace Pacts.Tests;

/// <summary>Replay's hand-written tables, held to the BCL collections they replace.</summary>
public class ReplayTableTests
{
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public FsCheck.Property LongCounts_counts_and_sorts_exactly_as_a_dictionary_would() => ForRandomKeys((next, count) =>
    {
        var counts = new Pacts.Replay.LongCounts();
        var reference = new Dictionary<long, long>();
        for (var i = 0; i < count; i++)
        {
            var key = next();
            var before = reference.GetValueOrDefault(key);
            Assert.Equal(before, counts.Increment(key));
            reference[key] = before + 1;
        }

        Assert.Equal(reference.Count, counts.Count);
        var (keys, values) = counts.Sorted();
        Assert.Equal(reference.Keys.Order(), keys);
        Assert.Equal(keys.Select(k => reference[k]), values);
    });

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public FsCheck.Property LongSet_holds_exactly_what_a_hash_set_would() => ForRandomKeys((next, count) =>
    {
        var set = new Pacts.Replay.LongSet();
        var reference = new HashSet<long>();
        for (var i = 0; i < count; i++)
        {
            var key = next();
            Assert.Equal(reference.Add(key), set.Add(key));
        }

        Assert.Equal(reference.Count, set.Count);
        Assert.All(reference, k => Assert.False(set.Add(k))); // every key still there after the growths
        Assert.Equal(reference.Count, set.Count);
    });

    /// <summary>
    /// Runs <paramref name="check"/> on up to 3,000 keys a case, through the tables' growth: small keys in runs
    /// (durations), random 64-bit keys (session hashes), negatives, zero and the extremes.
    /// </summary>
    private static FsCheck.Property ForRandomKeys(Action<Func<long>, int> check) =>
        FsCheck.Fluent.Prop.ForAll(FsCheck.Fluent.Arb.From(FsCheck.Fluent.Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            check(() => rng.Next(4) switch
            {
                0 => rng.Next(0, 50),
                1 => rng.NextInt64(long.MinValue, long.MaxValue),
                2 => -rng.Next(0, 5),
                _ => rng.Next(2) == 0 ? long.MinValue : long.MaxValue,
            }, rng.Next(0, 3_000));
        });
}
