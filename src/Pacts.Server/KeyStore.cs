using System.Security.Cryptography;
using System.Text;

namespace Pacts.Server;

/// <summary>A stored API key: never the key itself, only its SHA-256.</summary>
public sealed record ApiKeyInfo(string Id, string Description, DateTimeOffset Created, DateTimeOffset? Revoked)
{
    /// <summary>The agents the key may ingest as and read the trust of; <see cref="AgentScope.Everyone"/> when unscoped.</summary>
    public AgentScope Agents { get; init; } = AgentScope.Everyone;
}

/// <summary>A live key as the store holds it: its SHA-256 and its scope.</summary>
public sealed record LiveKey(byte[] Hash, AgentScope Agents);

/// <summary>
/// Which agent ids a key may act for (<c>pacts keys add --agents</c>): each pattern an exact id or a prefix ending in
/// <c>*</c> (<c>team-a/*</c>); none means every agent, today's meaning of a key. Ids compare ordinally.
/// </summary>
public sealed class AgentScope
{
    private AgentScope(IReadOnlyList<string> patterns) => Patterns = patterns;

    /// <summary>A key for every agent.</summary>
    public static AgentScope Everyone { get; } = new([]);

    /// <summary>The patterns, as given; empty for <see cref="Everyone"/>.</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>True for a key that names no agents (every agent).</summary>
    public bool IsEveryone => Patterns.Count == 0;

    /// <summary>The scope of <paramref name="patterns"/>; throws <see cref="ArgumentException"/> naming a pattern that is not one.</summary>
    public static AgentScope Of(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var list = patterns.Distinct(StringComparer.Ordinal).ToArray();
        foreach (var p in list)
        {
            if (Problem(p) is { } problem)
            {
                throw new ArgumentException($"agent pattern `{p}`: {problem}", nameof(patterns));
            }
        }

        return list.Length == 0 ? Everyone : new AgentScope(list);
    }

    /// <summary>Why <paramref name="pattern"/> is not an agent pattern, or null when it is one.</summary>
    public static string? Problem(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length == 0 || pattern == "*")
        {
            return pattern.Length == 0 ? "empty" : "`*` alone would be every agent: give no --agents for an unscoped key";
        }

        if (pattern.AsSpan(0, pattern.Length - 1).Contains('*'))
        {
            return "`*` may only end a pattern (exact id, or a prefix followed by `*`)";
        }

        return pattern.Any(char.IsControl) ? "holds a control character" : null;
    }

    /// <summary>True when the key may act for <paramref name="agentId"/>.</summary>
    public bool Allows(string agentId)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        if (IsEveryone)
        {
            return true;
        }

        foreach (var p in Patterns)
        {
            if (p[^1] == '*' ? agentId.StartsWith(p[..^1], StringComparison.Ordinal) : agentId == p)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => IsEveryone ? "every agent" : string.Join(", ", Patterns);
}

/// <summary>
/// API keys for <c>X-Pact-Key</c>. A new key is 32 random bytes, shown once as <c>pk_&lt;id&gt;_&lt;secret&gt;</c>;
/// only its SHA-256 is stored (in the <see cref="ILedgerStore"/>). Checks compare hashes in constant time. The
/// synchronous members are for the CLI and tests, where no request thread waits on them.
/// </summary>
public sealed class KeyStore(ILedgerStore store)
{
    /// <summary>How long a positive check is remembered: a revoked key stops working within this time.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Until, AgentScope Scope)> _recent = new(StringComparer.Ordinal);

    /// <summary>Creates a key for <paramref name="agents"/> (null: every agent).</summary>
    public async Task<(string Key, ApiKeyInfo Info)> AddAsync(string description, AgentScope? agents = null, CancellationToken ct = default)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var key = $"pk_{id}_{secret}";
        var info = new ApiKeyInfo(id, description, DateTimeOffset.UtcNow, null) { Agents = agents ?? AgentScope.Everyone };
        await store.AddKeyAsync(info, SHA256.HashData(Encoding.UTF8.GetBytes(key)), ct).ConfigureAwait(false);
        return (key, info);
    }

    /// <inheritdoc cref="AddAsync"/>
    public (string Key, ApiKeyInfo Info) Add(string description, AgentScope? agents = null) => AddAsync(description, agents).GetAwaiter().GetResult();

    public IReadOnlyList<ApiKeyInfo> List() => store.KeysAsync().GetAwaiter().GetResult();

    public bool Revoke(string id)
    {
        _recent.Clear();
        return store.RevokeKeyAsync(id, DateTimeOffset.UtcNow).GetAwaiter().GetResult();
    }

    /// <summary>True when <paramref name="key"/> is a live key. The id part picks the row; the hash comparison is constant-time.</summary>
    public async Task<bool> IsValidAsync(string? key, CancellationToken ct = default) => await CheckAsync(key, ct).ConfigureAwait(false) is not null;

    /// <summary>The agents a live <paramref name="key"/> may act for; null when it is not a live key.</summary>
    public async Task<AgentScope?> CheckAsync(string? key, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 256)
        {
            return null;
        }

        // A live key seen in the last few seconds skips the store; the cache is keyed by the key's hash.
        var digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        if (_recent.TryGetValue(digest, out var seen) && Environment.TickCount64 < seen.Until)
        {
            return seen.Scope;
        }

        var parts = key.Split('_');
        if (parts.Length < 3 || parts[0] != "pk")
        {
            return null;
        }

        var stored = await store.LiveKeyAsync(parts[1], ct).ConfigureAwait(false);
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        if (stored is null || !CryptographicOperations.FixedTimeEquals(stored.Hash, actual))
        {
            return null;
        }

        if (_recent.Count > 10_000)
        {
            _recent.Clear();
        }

        _recent[digest] = (Environment.TickCount64 + (long)CacheFor.TotalMilliseconds, stored.Agents);
        return stored.Agents;
    }

    /// <inheritdoc cref="IsValidAsync"/>
    public bool IsValid(string? key) => IsValidAsync(key).GetAwaiter().GetResult();
}
