using System.Security.Cryptography;
using System.Text;

namespace Pacts.Server;

/// <summary>A stored API key: never the key itself, only its SHA-256.</summary>
public sealed record ApiKeyInfo(string Id, string Description, DateTimeOffset Created, DateTimeOffset? Revoked);

/// <summary>
/// API keys for <c>X-Pact-Key</c>. A new key is 32 random bytes, shown once as <c>pk_&lt;id&gt;_&lt;secret&gt;</c>;
/// only its SHA-256 is stored. Checks compare hashes in constant time.
/// </summary>
public sealed class KeyStore(Ledger ledger)
{
    /// <summary>How long a positive check is remembered: a revoked key stops working within this time.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _recent = new(StringComparer.Ordinal);

    public (string Key, ApiKeyInfo Info) Add(string description)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var key = $"pk_{id}_{secret}";
        var created = DateTimeOffset.UtcNow;
        using var c = ledger.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO keys (id, hash, description, created) VALUES ($id, $hash, $d, $c)";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$hash", SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        cmd.Parameters.AddWithValue("$d", description);
        cmd.Parameters.AddWithValue("$c", created.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
        return (key, new ApiKeyInfo(id, description, created, null));
    }

    public IReadOnlyList<ApiKeyInfo> List()
    {
        using var c = ledger.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, description, created, revoked FROM keys ORDER BY created";
        using var r = cmd.ExecuteReader();
        var list = new List<ApiKeyInfo>();
        while (r.Read())
        {
            list.Add(new ApiKeyInfo(r.GetString(0), r.GetString(1), DateTimeOffset.Parse(r.GetString(2), System.Globalization.CultureInfo.InvariantCulture),
                r.IsDBNull(3) ? null : DateTimeOffset.Parse(r.GetString(3), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return list;
    }

    public bool Revoke(string id)
    {
        _recent.Clear();
        using var c = ledger.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE keys SET revoked = $r WHERE id = $id AND revoked IS NULL";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$r", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return cmd.ExecuteNonQuery() == 1;
    }

    /// <summary>True when <paramref name="key"/> is a live key. The id part picks the row; the hash comparison is constant-time.</summary>
    public bool IsValid(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 256)
        {
            return false;
        }

        // A live key seen in the last few seconds skips the database; the cache is keyed by the key's hash.
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

        using var c = ledger.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT hash FROM keys WHERE id = $id AND revoked IS NULL";
        cmd.Parameters.AddWithValue("$id", parts[1]);
        var stored = cmd.ExecuteScalar() as byte[];
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
}
