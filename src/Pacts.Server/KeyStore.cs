using System.Security.Cryptography;
using System.Text;

namespace Pacts.Server;

/// <summary>A stored API key: never the key itself, only its SHA-256.</summary>
public sealed record ApiKeyInfo(string Id, string Description, DateTimeOffset Created, DateTimeOffset? Revoked);

/// <summary>
/// API keys for <c>X-Pact-Key</c>. A new key is 32 random bytes, shown once as <c>pk_&lt;id&gt;_&lt;secret&gt;</c>;
/// only its SHA-256 is stored (in the <see cref="ILedgerStore"/>). Checks compare hashes in constant time. The
/// synchronous members are for the CLI and tests, where no request thread waits on them.
/// </summary>
public sealed class KeyStore(ILedgerStore store)
{
    /// <summary>How long a positive check is remembered: a revoked key stops working within this time.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _recent = new(StringComparer.Ordinal);

    public async Task<(string Key, ApiKeyInfo Info)> AddAsync(string description, CancellationToken ct = default)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var key = $"pk_{id}_{secret}";
        var info = new ApiKeyInfo(id, description, DateTimeOffset.UtcNow, null);
        await store.AddKeyAsync(info, SHA256.HashData(Encoding.UTF8.GetBytes(key)), ct).ConfigureAwait(false);
        return (key, info);
    }

    public (string Key, ApiKeyInfo Info) Add(string description) => AddAsync(description).GetAwaiter().GetResult();

    public IReadOnlyList<ApiKeyInfo> List() => store.KeysAsync().GetAwaiter().GetResult();

    public bool Revoke(string id)
    {
        _recent.Clear();
        return store.RevokeKeyAsync(id, DateTimeOffset.UtcNow).GetAwaiter().GetResult();
    }

    /// <summary>True when <paramref name="key"/> is a live key. The id part picks the row; the hash comparison is constant-time.</summary>
    public async Task<bool> IsValidAsync(string? key, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 256)
        {
            return false;
        }

        // A live key seen in the last few seconds skips the store; the cache is keyed by the key's hash.
        var digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        if (_recent.TryGetValue(digest, out var until) && Environment.TickCount64 < until)
        {
            return true;
        }

        var parts = key.Split('_');
        if (parts.Length < 3 || parts[0] != "pk")
        {
            return false;
        }

        var stored = await store.LiveKeyHashAsync(parts[1], ct).ConfigureAwait(false);
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var ok = stored is not null && CryptographicOperations.FixedTimeEquals(stored, actual);
        if (ok)
        {
            if (_recent.Count > 10_000)
            {
                _recent.Clear();
            }

            _recent[digest] = Environment.TickCount64 + (long)CacheFor.TotalMilliseconds;
        }

        return ok;
    }

    /// <inheritdoc cref="IsValidAsync"/>
    public bool IsValid(string? key) => IsValidAsync(key).GetAwaiter().GetResult();
}
