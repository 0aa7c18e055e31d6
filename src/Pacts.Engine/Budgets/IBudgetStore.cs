namespace Pacts.Budgets;

/// <summary>
/// Where a <see cref="BudgetBook"/> keeps its windows. The default, <see cref="MemoryBudgetStore"/>, is a dictionary; a
/// host plugs in its own to share, observe or bound what the book holds (one store per book).
/// </summary>
/// <remarks>
/// The book calls a store only while it holds its own lock, so a store needs no locking of its own for the book's sake.
/// A pre-flight only <see cref="Find"/>s; a window is <see cref="Add"/>ed the first time a call records into it, so
/// checks never grow a store. Durable state is a checkpoint's job (<see cref="BudgetBook.WriteCheckpoint"/>,
/// <see cref="BudgetCheckpoint.Read"/>), or the log's: replaying the log rebuilds every window exactly.
/// </remarks>
public interface IBudgetStore
{
    /// <summary>How many windows the store holds.</summary>
    int Count { get; }

    /// <summary>Every window the store holds, in any order (checkpoints).</summary>
    IEnumerable<KeyValuePair<BudgetKey, BudgetWindow>> Windows { get; }

    /// <summary>The window for <paramref name="key"/>, or null if none was added.</summary>
    BudgetWindow? Find(in BudgetKey key);

    /// <summary>Keeps a new window for <paramref name="key"/> (one the store does not hold yet).</summary>
    void Add(in BudgetKey key, BudgetWindow window);
}

/// <summary>The default <see cref="IBudgetStore"/>: every window in one dictionary, for the life of the book.</summary>
public sealed class MemoryBudgetStore : IBudgetStore
{
    private readonly Dictionary<BudgetKey, BudgetWindow> _windows = new(KeyComparer.Instance);

    /// <inheritdoc/>
    public int Count => _windows.Count;

    /// <inheritdoc/>
    public IEnumerable<KeyValuePair<BudgetKey, BudgetWindow>> Windows => _windows;

    /// <inheritdoc/>
    public BudgetWindow? Find(in BudgetKey key) => _windows.GetValueOrDefault(key);

    /// <inheritdoc/>
    public void Add(in BudgetKey key, BudgetWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (!_windows.TryAdd(key, window))
        {
            throw new InvalidOperationException($"the store already holds a window for {key}");
        }
    }

    /// <summary>
    /// Hashes the scope key (randomised string hashing: agents choose it) and only the lengths and last characters of
    /// the pact id and budget name, which pact authors choose and few keys share a scope with: one string hash a
    /// lookup instead of three. Equality is still all three, ordinal.
    /// </summary>
    private sealed class KeyComparer : IEqualityComparer<BudgetKey>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(BudgetKey x, BudgetKey y) =>
            string.Equals(x.Scope, y.Scope, StringComparison.Ordinal) && string.Equals(x.Budget, y.Budget, StringComparison.Ordinal)
            && string.Equals(x.PactId, y.PactId, StringComparison.Ordinal);

        public int GetHashCode(BudgetKey key) =>
            key.Scope.GetHashCode(StringComparison.Ordinal) ^ ((Tail(key.PactId) * 31) + Tail(key.Budget)) * 16777619;

        private static int Tail(string s) => s.Length == 0 ? 0 : (s.Length << 16) | s[^1];
    }
}
