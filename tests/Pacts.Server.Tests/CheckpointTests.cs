using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Pacts.Server.Tests;

/// <summary>SPEC §9 <i>Checkpoints</i>: signatures that hold for what was signed and for nothing else, and the service's two signed answers.</summary>
public class CheckpointTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public void A_checkpoint_verifies_with_its_key_only_and_not_once_altered()
    {
        using var signer = LedgerSigner.Generate();
        using var other = LedgerSigner.Generate();
        var checkpoint = signer.Sign(42, new string('a', 64), new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal("2026-12-07T12:00:00.000Z", checkpoint.At);
        Assert.Equal("es256", checkpoint.Alg);
        Assert.Equal(signer.KeyId, checkpoint.KeyId);
        Assert.True(signer.Verify(checkpoint));
        Assert.False(other.Verify(checkpoint));
        Assert.False(signer.Verify(checkpoint with { Seq = 41 }));
        Assert.False(signer.Verify(checkpoint with { Hash = new string('b', 64) }));
        Assert.False(signer.Verify(checkpoint with { At = "2026-12-07T12:00:01.000Z" }));
        Assert.Equal(checkpoint, Checkpoint.Parse(checkpoint.ToJson(), out _));
        Assert.Equal("pacts-checkpoint\n42\n" + new string('a', 64) + "\n2026-12-07T12:00:00.000Z", Encoding.UTF8.GetString(checkpoint.Payload()));

        using var publicOnly = LedgerKey.FromPem(signer.PublicKeyPem, "test");
        Assert.Equal(signer.KeyId, publicOnly.KeyId);
        Assert.True(publicOnly.Verify(checkpoint));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Convert.FromBase64String(
            string.Concat(signer.PublicKeyPem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)))))), signer.KeyId);
    }

    [Fact]
    public void A_key_file_is_made_once_owner_only_and_read_back_the_same()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-key-").FullName;
        try
        {
            var path = Path.Combine(dir, "k.pem");
            string id;
            using (var made = LedgerSigner.LoadOrCreate(path))
            {
                id = made.KeyId;
                Assert.Throws<IOException>(() => made.Save(path));
            }

            using (var again = LedgerSigner.LoadOrCreate(path))
            {
                Assert.Equal(id, again.KeyId);
            }

            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }

            File.WriteAllText(Path.Combine(dir, "bad.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
            var ex = Assert.Throws<InvalidOperationException>(() => LedgerSigner.Load(Path.Combine(dir, "bad.pem")));
            Assert.Contains("bad.pem", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Pacts.Testing.Shared.TempDirs.Remove(dir);
        }
    }

    [Fact]
    public async Task The_service_signs_its_head_and_every_trust_answer_with_the_key_in_its_data_directory()
    {
        var client = service.Client();
        var session = $"cp-{Guid.NewGuid():N}";
        var batch = $$"""{"events":[{"type":"session_start","sessionId":"{{session}}","agentId":"{{session}}","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"},{"type":"tool_call","sessionId":"{{session}}","agentId":"{{session}}","tool":"get_balance","params":{"wallet":"0xA11A000000000000000000000000000000000001"},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}]}""";
        var ingest = await (await client.PostAsync("/api/v1/telemetry/events", new StringContent(batch, Encoding.UTF8, "application/json"))).Content.ReadFromJsonAsync<JsonElement>();
        var head = ingest.GetProperty("head");

        using var key = LedgerKey.FromPem(await File.ReadAllTextAsync(Path.Combine(service.DataDir, "signing-key.pem")), "service key");
        var signer = service.Factory.Services.GetRequiredService<CheckpointService>();
        await signer.SignAsync(); // what the 60 s timer does
        var answer = await client.GetAsync("/api/v1/ledger/checkpoint");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var checkpoint = Checkpoint.Parse(await answer.Content.ReadAsStringAsync(), out _)!;
        Assert.True(key.Verify(checkpoint));
        Assert.True(checkpoint.Seq >= head.GetProperty("seq").GetInt64());
        Assert.Equal(checkpoint, Checkpoint.Parse(await File.ReadAllTextAsync(Path.Combine(service.DataDir, CheckpointService.FileName)), out _));
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.Client(withKey: false).GetAsync("/api/v1/ledger/checkpoint")).StatusCode);

        var trust = await client.GetAsync($"/api/v1/trust/{session}");
        var body = await trust.Content.ReadAsByteArrayAsync();
        var header = trust.Headers.GetValues("Pacts-Signature").Single();
        Assert.StartsWith($"es256;{key.KeyId};", header, StringComparison.Ordinal);
        Assert.True(key.VerifyBody(body, header));
        body[^2] ^= 1;
        Assert.False(key.VerifyBody(body, header));
        Assert.Equal(1, JsonDocument.Parse(await trust.Content.ReadAsStringAsync()).RootElement.GetProperty("toolCalls").GetInt32());
    }

    [Fact]
    public async Task Shutdown_signs_the_head_last_ingested()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-cp-stop-").FullName;
        try
        {
            long seq;
            using (var factory = new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseSetting("pacts", Pacts.Testing.Shared.RepoPaths.ExamplePacts);
                b.UseSetting("data", dir);
            }))
            {
                var client = factory.CreateClient();
                client.DefaultRequestHeaders.Add("X-Pact-Key", factory.Services.GetRequiredService<KeyStore>().Add("t").Key);
                var batch = """{"events":[{"type":"session_start","sessionId":"stop","agentId":"stop","startedAt":"2026-11-21T08:00:00Z","pactId":"treasury-pact"}]}""";
                var ingest = await (await client.PostAsync("/api/v1/telemetry/events", new StringContent(batch, Encoding.UTF8, "application/json"))).Content.ReadFromJsonAsync<JsonElement>();
                seq = ingest.GetProperty("head").GetProperty("seq").GetInt64();
            }

            var text = await File.ReadAllTextAsync(Path.Combine(dir, CheckpointService.FileName));
            var last = Checkpoint.Parse(text, out var problem) ?? throw new Xunit.Sdk.XunitException($"{problem}: {text}");
            Assert.Equal(seq, last.Seq);
            using var key = LedgerKey.FromPem(await File.ReadAllTextAsync(Path.Combine(dir, "signing-key.pem")), "key");
            Assert.True(key.Verify(last));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Pacts.Testing.Shared.TempDirs.Remove(dir);
        }
    }
}
