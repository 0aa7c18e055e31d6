using Microsoft.Data.Sqlite;
using Pacts.Server;

namespace Pacts.Cli.Tests;

/// <summary>`pacts ledger keygen|public-key`, `ledger verify --checkpoint` catching a removed tail, and `pacts trust verify`.</summary>
public class CheckpointCommandTests
{
    private static void InTempDir(Action<string> test) => LedgerCommandTests.InTempDir(test);

    private static (long Seq, string Hash) Fill(string dir, int events)
    {
        using var ledger = new SqliteLedgerStore(dir);
        var entries = Enumerable.Range(0, events).Select(k => new LedgerEntry(
            $$"""{"type":"session_start","sessionId":"c{{k}}","agentId":"agent","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}""", null)).ToList();
        return ledger.AppendAsync(entries).GetAwaiter().GetResult().Head;
    }

    [Fact]
    public void Keygen_writes_an_owner_only_key_once_and_public_key_prints_its_public_half() => InTempDir(dir =>
    {
        var path = Path.Combine(dir, "signing-key.pem");
        var made = CliRunner.Run("ledger", "keygen", path);
        Assert.Equal(0, made.Exit);
        var keyId = made.Out.Trim();
        Assert.Matches("^[0-9a-f]{64}$", keyId);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var again = CliRunner.Run("ledger", "keygen", path);
        Assert.Equal(2, again.Exit);
        Assert.Contains("exists; a signing key is never replaced", again.Err, StringComparison.Ordinal);

        var shown = CliRunner.Run("ledger", "public-key", "--signing-key", path);
        Assert.Equal(0, shown.Exit);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", shown.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", shown.Out, StringComparison.Ordinal);
        Assert.Contains(keyId, shown.Err, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(dir, "junk.pem"), "not a key");
        var junk = CliRunner.Run("ledger", "public-key", "--signing-key", Path.Combine(dir, "junk.pem"));
        Assert.Equal(2, junk.Exit);
        Assert.Contains("junk.pem: not a private key", junk.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", junk.Err, StringComparison.Ordinal);
    });

    [Fact]
    public void A_signed_checkpoint_proves_a_tail_was_cut_and_an_altered_or_foreign_one_is_refused() => InTempDir(dir =>
    {
        var head = Fill(dir, 12);
        var keyPath = Path.Combine(dir, "signing-key.pem");
        var pub = Path.Combine(dir, "ledger.pub");
        using (var signer = LedgerSigner.LoadOrCreate(keyPath))
        {
            File.WriteAllText(pub, signer.PublicKeyPem);
            File.WriteAllText(Path.Combine(dir, "cp.json"), signer.Sign(head.Seq, head.Hash, DateTimeOffset.UtcNow).ToJson());
        }

        var ok = CliRunner.Run("ledger", "verify", "--data", dir, "--checkpoint", Path.Combine(dir, "cp.json"), "--public-key", pub);
        Assert.Equal(0, ok.Exit);
        Assert.Equal($"ledger ok: 12 records, head {head.Seq}:{head.Hash}, nothing removed up to {head.Seq}:{head.Hash}\n", ok.Out);
        var ownKey = CliRunner.Run("ledger", "verify", "--data", dir, "--checkpoint", Path.Combine(dir, "cp.json"));
        Assert.Equal(0, ownKey.Exit);
        Assert.Contains("checked with the service's own key", ownKey.Err, StringComparison.Ordinal);

        // An altered checkpoint: the signature no longer holds.
        File.WriteAllText(Path.Combine(dir, "altered.json"), File.ReadAllText(Path.Combine(dir, "cp.json")).Replace($"\"seq\":{head.Seq}", "\"seq\":3", StringComparison.Ordinal));
        var altered = CliRunner.Run("ledger", "verify", "--data", dir, "--checkpoint", Path.Combine(dir, "altered.json"), "--public-key", pub);
        Assert.Equal(1, altered.Exit);
        Assert.Contains("has a bad signature", altered.Out, StringComparison.Ordinal);

        // Another key's checkpoint.
        using (var other = LedgerSigner.Generate())
        {
            File.WriteAllText(Path.Combine(dir, "foreign.json"), other.Sign(head.Seq, head.Hash, DateTimeOffset.UtcNow).ToJson());
            var foreign = CliRunner.Run("ledger", "verify", "--data", dir, "--checkpoint", Path.Combine(dir, "foreign.json"), "--public-key", pub);
            Assert.Equal(1, foreign.Exit);
            Assert.Contains($"is signed by key {other.KeyId}", foreign.Out, StringComparison.Ordinal);
        }

        // The tail cut, summaries rebuilt so the chain alone looks whole: the checkpoint catches it.
        using (var c = new SqliteConnection($"Data Source={Path.Combine(dir, SqliteLedgerStore.FileName)};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DELETE FROM events WHERE seq > 10; DROP TABLE agent_summary; DROP TABLE agent_paths";
            cmd.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        Assert.Equal(0, CliRunner.Run("ledger", "verify", "--data", dir).Exit);
        var cut = CliRunner.Run("ledger", "verify", "--data", dir, "--checkpoint", Path.Combine(dir, "cp.json"), "--public-key", pub);
        Assert.Equal(1, cut.Exit);
        Assert.Contains("records were removed from its end", cut.Out, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(dir, "bad.json"), "{\"seq\":\"x\"}");
        var bad = CliRunner.Run("ledger", "verify", "--data", dir, "--checkpoint", Path.Combine(dir, "bad.json"), "--public-key", pub);
        Assert.Equal(2, bad.Exit);
        Assert.Contains("not a checkpoint: `seq`", bad.Err, StringComparison.Ordinal);
    });

    [Fact]
    public void Trust_verify_accepts_the_bytes_signed_and_refuses_any_other() => InTempDir(dir =>
    {
        using var signer = LedgerSigner.Generate();
        var pub = Path.Combine(dir, "ledger.pub");
        File.WriteAllText(pub, signer.PublicKeyPem);
        var body = """{"agentId":"atlas","toolCalls":3,"complianceRate":0.6666666666666666}"""u8.ToArray();
        File.WriteAllBytes(Path.Combine(dir, "trust.json"), body);
        var header = signer.SignBody(body);

        var ok = CliRunner.Run("trust", "verify", "--public-key", pub, "--signature", header, Path.Combine(dir, "trust.json"));
        Assert.Equal(0, ok.Exit);
        Assert.Equal($"trust answer signed by key {signer.KeyId}\n", ok.Out);

        File.WriteAllBytes(Path.Combine(dir, "edited.json"), [.. body.Select(b => b == (byte)'3' ? (byte)'4' : b)]);
        var edited = CliRunner.Run("trust", "verify", "--public-key", pub, "--signature", header, Path.Combine(dir, "edited.json"));
        Assert.Equal(1, edited.Exit);
        Assert.Contains("the body differs", edited.Out, StringComparison.Ordinal);
        Assert.Equal(1, CliRunner.Run("trust", "verify", "--public-key", pub, "--signature", "es256;x", Path.Combine(dir, "trust.json")).Exit);
        Assert.Equal(2, CliRunner.Run("trust", "verify", "--public-key", Path.Combine(dir, "missing.pub"), "--signature", header, Path.Combine(dir, "trust.json")).Exit);
    });
}
