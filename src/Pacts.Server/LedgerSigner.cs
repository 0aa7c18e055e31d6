using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Pacts.Server;

/// <summary>
/// A signed statement of the ledger's head (SPEC §9 <i>Checkpoints</i>): <c>{"seq", "hash", "at", "alg", "keyId",
/// "signature"}</c>, the signature over the UTF-8 bytes of <c>pacts-checkpoint\n&lt;seq&gt;\n&lt;hash&gt;\n&lt;at&gt;</c>.
/// </summary>
public sealed record Checkpoint(long Seq, string Hash, string At, string Alg, string KeyId, string Signature)
{
    /// <summary>The bytes the signature covers.</summary>
    public byte[] Payload() => Encoding.UTF8.GetBytes($"pacts-checkpoint\n{Seq.ToString(CultureInfo.InvariantCulture)}\n{Hash}\n{At}");

    /// <summary>The checkpoint as JSON, members in the SPEC's order.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("seq", Seq);
            w.WriteString("hash", Hash);
            w.WriteString("at", At);
            w.WriteString("alg", Alg);
            w.WriteString("keyId", KeyId);
            w.WriteString("signature", Signature);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads a checkpoint; null with <paramref name="problem"/> when the text is not one.</summary>
    public static Checkpoint? Parse(string json, out string? problem)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            string Text(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new FormatException($"`{name}` is missing or not a string");
            if (r.ValueKind != JsonValueKind.Object || !r.TryGetProperty("seq", out var seq) || seq.ValueKind != JsonValueKind.Number || !seq.TryGetInt64(out var n) || n < 0)
            {
                throw new FormatException("`seq` is missing or not a whole number");
            }

            problem = null;
            return new Checkpoint(n, Text("hash"), Text("at"), Text("alg"), Text("keyId"), Text("signature"));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            problem = ex is JsonException ? "not JSON: " + ex.Message.Split(" Path:", 2)[0] : ex.Message;
            return null;
        }
    }
}

/// <summary>
/// The key that checks checkpoints and trust answers: ECDSA P-256 (<c>es256</c>), SHA-256, signatures as the 64-byte
/// r‖s of IEEE P1363 (as JWS ES256 writes them), base64. <see cref="KeyId"/> is the hex SHA-256 of the public key's
/// SubjectPublicKeyInfo (DER), which <see cref="PublicKeyPem"/> holds.
/// </summary>
public class LedgerKey : IDisposable
{
    /// <summary>The one algorithm this build signs with.</summary>
    public const string Alg = "es256";

    private protected LedgerKey(ECDsa key)
    {
        Key = key;
        var spki = key.ExportSubjectPublicKeyInfo();
        KeyId = Convert.ToHexStringLower(SHA256.HashData(spki));
        PublicKeyPem = PemEncoding.WriteString("PUBLIC KEY", spki) + "\n";
    }

    /// <summary>Hex SHA-256 of the public key (SubjectPublicKeyInfo DER).</summary>
    public string KeyId { get; }

    /// <summary>The public key, PEM (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
    public string PublicKeyPem { get; }

    private protected ECDsa Key { get; }

    /// <summary>A public key from PEM text (a <c>PUBLIC KEY</c>, or a private key, whose public half is used).</summary>
    public static LedgerKey FromPem(string pem, string source) => new(Import(pem, source));

    /// <summary>A public key from a PEM file; <see cref="InvalidOperationException"/> naming the file when it cannot be read or is not one.</summary>
    public static LedgerKey FromFile(string path) => FromPem(ReadPem(path), path);

    /// <summary>The text of a key file; <see cref="InvalidOperationException"/> naming it when it cannot be read.</summary>
    private protected static string ReadPem(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{path}: cannot read the key ({ex.Message})", ex);
        }
    }

    /// <summary>An ECDSA P-256 key from PEM; <see cref="InvalidOperationException"/> naming <paramref name="source"/> when it is not one.</summary>
    private protected static ECDsa Import(string pem, string source)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (ArgumentException ex)
        {
            key.Dispose();
            throw new InvalidOperationException($"{source}: not a PEM ECDSA key ({ex.Message.Split(" (Parameter", 2)[0]})", ex);
        }
        catch (CryptographicException ex)
        {
            key.Dispose();
            throw new InvalidOperationException($"{source}: not an ECDSA P-256 key ({ex.Message})", ex);
        }

        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new InvalidOperationException($"{source}: an ECDSA key of {key.KeySize} bits; checkpoints use P-256");
        }

        return key;
    }

    /// <summary>True when <paramref name="checkpoint"/> is signed by this key (algorithm, key id and signature).</summary>
    public bool Verify(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return checkpoint.Alg == Alg && checkpoint.KeyId == KeyId && VerifyBytes(checkpoint.Payload(), checkpoint.Signature);
    }

    /// <summary>True when <paramref name="header"/> (<c>Pacts-Signature: es256;KEYID;BASE64</c>) signs <paramref name="body"/> with this key.</summary>
    public bool VerifyBody(ReadOnlySpan<byte> body, string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var parts = header.Split(';');
        return parts.Length == 3 && parts[0].Trim() == Alg && parts[1].Trim() == KeyId && VerifyBytes(body, parts[2].Trim());
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Key.Dispose();
        GC.SuppressFinalize(this);
    }

    private bool VerifyBytes(ReadOnlySpan<byte> data, string signature)
    {
        var bytes = new byte[64];
        return Convert.TryFromBase64String(signature, bytes, out var n) && n == 64
            && Key.VerifyData(data, bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}

/// <summary>The service's signing key (<c>--signing-key FILE</c>, PKCS#8 PEM, written 0600).</summary>
public sealed class LedgerSigner : LedgerKey
{
    private LedgerSigner(ECDsa key)
        : base(key)
    {
    }

    /// <summary>A new P-256 key.</summary>
    public static LedgerSigner Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads a private key file; <see cref="InvalidOperationException"/> naming the file when it is not one.</summary>
    public static LedgerSigner Load(string path)
    {
        var pem = ReadPem(path);
        return pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal)
            ? new LedgerSigner(Import(pem, path))
            : throw new InvalidOperationException($"{path}: not a private key (PEM `PRIVATE KEY`); make one with `pacts ledger keygen FILE`");
    }

    /// <summary>The key in <paramref name="path"/>, or a new one written there when the file does not exist.</summary>
    public static LedgerSigner LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return Load(path);
        }

        var signer = Generate();
        try
        {
            signer.Save(path);
        }
        catch (IOException) when (File.Exists(path))
        {
            signer.Dispose();
            return Load(path); // another instance wrote it first
        }

        return signer;
    }

    /// <summary>Writes the private key as PKCS#8 PEM, readable by its owner only; refuses to replace a file.</summary>
    public void Save(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        var pem = Encoding.ASCII.GetBytes(PemEncoding.WriteString("PRIVATE KEY", Key.ExportPkcs8PrivateKey()) + "\n");
        stream.Write(pem);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Signs the head <paramref name="seq"/>:<paramref name="hash"/> as of <paramref name="at"/>.</summary>
    public Checkpoint Sign(long seq, string hash, DateTimeOffset at)
    {
        var unsigned = new Checkpoint(seq, hash, at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), Alg, KeyId, "");
        return unsigned with { Signature = Convert.ToBase64String(Key.SignData(unsigned.Payload(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)) };
    }

    /// <summary>The <c>Pacts-Signature</c> header value for <paramref name="body"/>: <c>es256;KEYID;BASE64</c>.</summary>
    public string SignBody(ReadOnlySpan<byte> body) =>
        $"{Alg};{KeyId};{Convert.ToBase64String(Key.SignData(body, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))}";

}
