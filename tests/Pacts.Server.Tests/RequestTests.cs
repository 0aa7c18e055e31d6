using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Pacts.Server.Tests;

/// <summary>What the service answers about a request before it judges anything: the key, the media type, the JSON.</summary>
public class RequestTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string Validate = "/api/v1/pacts/treasury-pact/validate-call";
    private const string Ingest = "/api/v1/telemetry/events";

    private static ByteArrayContent Body(string json, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return content;
    }

    [Theory]
    [InlineData(Validate, """{"tool":""", 8L)]
    [InlineData(Ingest, """{"events":[{"type":"session_start","sessionId":"s""", 49L)]
    [InlineData(Ingest, """{"events":[{"type":"session_start","sessionId":"s1","agentId":"a","startedAt":"2026-11-21T08:00:00Z"},""", 102L)]
    public async Task A_truncated_body_is_answered_as_cut_short_with_its_offset_not_as_too_deep(string path, string body, long offset)
    {
        var response = await service.Client().PostAsync(path, Body(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var title = problem.GetProperty("title").GetString()!;
        Assert.DoesNotContain("deeper", title, StringComparison.Ordinal);
        Assert.StartsWith("the body is not valid JSON: it ends before its value is complete", title, StringComparison.Ordinal);
        Assert.Contains($"byte offset {offset}", title, StringComparison.Ordinal);
        Assert.Equal(offset, problem.GetProperty("offset").GetInt64());
    }

    [Fact]
    public async Task A_bad_token_and_real_depth_are_each_named_with_their_offset()
    {
        var client = service.Client();
        var bad = await (await client.PostAsync(Validate, Body("""{"tool":"t",,"params":{}}"""))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("the body is not valid JSON: unexpected `,` (byte offset 12, line 1, column 13)", bad.GetProperty("title").GetString());
        var deep = new string('[', 1100);
        var tooDeep = await (await client.PostAsync(Validate, Body($$$"""{"tool":"t","params":{"a":{{{deep}}}}}"""))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("the body nests deeper than 1024 levels (params may nest 64) at byte offset 1048", tooDeep.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")] // what `curl -d` sends unless told
    [InlineData("application/xml")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData(null)]
    public async Task A_body_that_is_not_JSON_by_its_media_type_is_415(string? contentType)
    {
        var client = service.Client();
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync(Validate, Body("""{"tool":"get_balance","params":{}}""", contentType))).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync(Ingest, Body("""{"events":[]}""", contentType))).StatusCode);
    }

    private static ByteArrayContent Compressed(string json, string coding, Func<Stream, Stream> compressor)
    {
        var packed = new MemoryStream();
        using (var z = compressor(packed))
        {
            z.Write(Encoding.UTF8.GetBytes(json));
        }

        var content = new ByteArrayContent(packed.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        content.Headers.ContentEncoding.Add(coding);
        return content;
    }

    private static Func<Stream, Stream> Compressor(string coding) => coding switch
    {
        "gzip" => s => new System.IO.Compression.GZipStream(s, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true),
        "deflate" => s => new System.IO.Compression.ZLibStream(s, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true),
        _ => s => new System.IO.Compression.BrotliStream(s, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true),
    };

    // What OpenTelemetry-style exporters send by default: a compressed body is read as what it decompresses to, the
    // body limit applying to that (a small gzip of gigabytes is refused, not read whole).
    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task A_compressed_body_is_read_decompressed_and_limited_by_its_decompressed_size(string coding)
    {
        var client = service.Client();
        var ok = await client.PostAsync(Validate, Compressed("""{"tool":"get_balance","params":{"wallet":"0xEVIL"}}""", coding, Compressor(coding)));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.False((await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("valid").GetBoolean());

        var bomb = await client.PostAsync(Ingest, Compressed("""{"events":[""" + new string(' ', 5 * 1024 * 1024) + "]}", coding, Compressor(coding)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bomb.StatusCode);
        Assert.EndsWith("bytes once decompressed", (await bomb.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_what_its_content_encoding_says_is_refused()
    {
        var client = service.Client();
        var broken = Body("""{"events":[]}""");
        broken.Headers.ContentEncoding.Add("gzip");
        var response = await client.PostAsync(Ingest, broken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("the body is not valid gzip data", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), StringComparison.Ordinal);

        var unknown = Body("""{"events":[]}""");
        unknown.Headers.ContentEncoding.Add("zstd");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync(Ingest, unknown)).StatusCode);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON; charset=UTF-8")]
    [InlineData("application/problem+json")]
    [InlineData("application/vnd.pacts.events+json")]
    public async Task JSON_media_types_are_accepted(string contentType)
    {
        var response = await service.Client().PostAsync(Ingest, Body("""{"events":[]}""", contentType));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(Ingest, """{"events":[],"events":[{"type":"x"}]}""", "events")]
    [InlineData(Ingest, """{"events":[],"ev\u0065nts":[]}""", "events")]
    [InlineData(Validate, """{"tool":"get_balance","params":{},"tool":"transfer_funds"}""", "tool")]
    [InlineData(Validate, """{"tool":"get_balance","params":{"wallet":"0xEVIL"},"params":{}}""", "params")]
    public async Task A_top_level_key_given_twice_is_refused_naming_it(string path, string body, string key)
    {
        var response = await service.Client().PostAsync(path, Body(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"the body gives `{key}` twice", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_bearer_token_is_a_key_and_two_different_keys_are_refused()
    {
        var bearer = service.Client(withKey: false);
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", service.Key);
        Assert.Equal(HttpStatusCode.OK, (await bearer.PostAsync(Ingest, Body("""{"events":[]}"""))).StatusCode);

        var wrong = service.Client(withKey: false);
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", service.Key + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PostAsync(Ingest, Body("""{"events":[]}"""))).StatusCode);

        var basic = service.Client(withKey: false);
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", service.Key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await basic.PostAsync(Ingest, Body("""{"events":[]}"""))).StatusCode);

        var both = service.Client();
        both.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", service.Key);
        Assert.Equal(HttpStatusCode.OK, (await both.PostAsync(Ingest, Body("""{"events":[]}"""))).StatusCode);

        var conflicting = service.Client();
        conflicting.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "pk_other_key");
        var refused = await conflicting.PostAsync(Ingest, Body("""{"events":[]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("different keys", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
