using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Pacts.Evaluating;
using Pacts.Events;
using Pacts.Json;

namespace Pacts.Server;

/// <summary>The HTTP API of SPEC §9. Every endpoint but health needs a live key, in <c>X-Pact-Key</c> or <c>Authorization: Bearer</c>.</summary>
public static class Api
{
    public static void Map(WebApplication app)
    {
        var api = app.MapGroup("/api/v1");
        // HEAD too: load balancers and uptime checks (HAProxy's `http-check`, `curl -I`) may ask without wanting a body.
        api.MapMethods("/health", [HttpMethods.Get, HttpMethods.Head], (PactRegistry pacts) => Results.Json(new
        {
            status = "ok",
            pacts = pacts.Current.Pacts.Select(p => new { id = p.Id, version = p.Version }),
        }));

        var secured = api.MapGroup("").AddEndpointFilter(async (ctx, next) =>
        {
            var keys = ctx.HttpContext.RequestServices.GetRequiredService<KeyStore>();
            var key = KeyOf(ctx.HttpContext.Request, out var conflict);
            if (conflict)
            {
                return BadRequest("X-Pact-Key and Authorization: Bearer carry different keys", "send the key once, in either header");
            }

            if (await keys.CheckAsync(key, ctx.HttpContext.RequestAborted).ConfigureAwait(false) is not { } scope)
            {
                return Results.Problem(statusCode: 401, title: "missing or invalid API key", detail: "create a key with `pacts keys add --data DIR` and send it as `X-Pact-Key: KEY` or `Authorization: Bearer KEY`");
            }

            ctx.HttpContext.Items[ScopeItem] = scope;
            return await next(ctx).ConfigureAwait(false);
        });
        secured.MapPost("/pacts/{pactId}/validate-call", ValidateCall);
        secured.MapPost("/telemetry/events", Ingest);
        secured.MapGet("/trust/{**agentId}", Trust);
        secured.MapGet("/ledger/checkpoint", Checkpoint);
    }

    /// <summary>
    /// The key a request carries: <c>X-Pact-Key</c>, or the token of <c>Authorization: Bearer</c> (the ecosystem's
    /// convention). Both present and different is a <paramref name="conflict"/>, refused rather than guessed at.
    /// </summary>
    internal static string? KeyOf(HttpRequest request, out bool conflict)
    {
        var header = request.Headers["X-Pact-Key"].ToString();
        var authorization = request.Headers.Authorization.ToString();
        string? bearer = null;
        if (authorization.Length > 7 && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            bearer = authorization[7..].Trim();
        }

        conflict = header.Length > 0 && bearer is not null && !string.Equals(header, bearer, StringComparison.Ordinal);
        return header.Length > 0 ? header : bearer;
    }

    private const string ScopeItem = "pacts.agents";

    /// <summary>The agents the request's key may act for (set by the key filter).</summary>
    private static AgentScope ScopeOf(HttpContext http) => http.Items[ScopeItem] as AgentScope ?? AgentScope.Everyone;

    private static IResult OutOfScope(string agentId, AgentScope scope) =>
        Results.Problem(statusCode: 403, title: $"this key may not act for agent `{agentId}`", detail: $"its agents: {scope}; see `pacts keys list`");

    private static async Task<IResult> ValidateCall(string pactId, HttpRequest request, PactRegistry pacts, Ingestor ingestor, ServerOptions options, CancellationToken ct)
    {
        var pact = pacts.Current.Find(pactId);
        if (pact is null)
        {
            return Results.Problem(statusCode: 404, title: $"unknown pact `{pactId}`", detail: "loaded: " + string.Join(", ", pacts.Current.Pacts.Select(p => p.Id)));
        }

        var (doc, problem) = await ReadBody(request, options).ConfigureAwait(false);
        if (doc is null)
        {
            return problem!;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (Duplicate(root, "tool", "params", "agentId", "sessionId", "attemptedAt") is { } twice)
            {
                return BadRequest($"the body gives `{twice}` twice", "send each key once");
            }

            if (root.ValueKind != JsonValueKind.Object || !JsonStrings.TryGetProperty(root, "tool"u8, out var tool) || tool.ValueKind != JsonValueKind.String)
            {
                return BadRequest("the body needs `tool` (a string)", "send {\"tool\": \"transfer_funds\", \"params\": {...}}");
            }

            if (!JsonStrings.TryGetText(tool, out var toolName))
            {
                // Invalid UTF-8, or an escaped half of a surrogate pair (which no UTF-8 can hold): worded as replay words it.
                return BadRequest("`tool` is not valid UTF-8 text", null);
            }

            var paramsProblem = JsonStrings.TryGetProperty(root, "params"u8, out var parameters)
                ? ParamsLimits.Check(parameters, options.MaxParamDepth)
                : new ParamsProblem(ParamsProblemKind.NotObject, options.MaxParamDepth);
            if (paramsProblem is { Kind: ParamsProblemKind.NotObject })
            {
                return BadRequest("the body needs `params` (an object)", "send {\"tool\": \"transfer_funds\", \"params\": {...}}");
            }

            if (paramsProblem is not null)
            {
                return BadRequest($"params nest deeper than {paramsProblem.MaxDepth} levels", null);
            }

            // SPEC §10 pre-flight: the call as if it came next, against the ledger's budget state, recording nothing.
            if (OptionalText(root, "agentId", out var agentId) is { } badAgent)
            {
                return badAgent;
            }

            if (agentId is not null && ScopeOf(request.HttpContext) is { } scope && !scope.Allows(agentId))
            {
                return OutOfScope(agentId, scope); // a pre-flight reads the agent's budget state
            }

            if (OptionalText(root, "sessionId", out var sessionId) is { } badSession)
            {
                return badSession;
            }

            if (OptionalText(root, "attemptedAt", out var timeText) is { } badTime)
            {
                return badTime;
            }

            var attemptedAt = timeText is null ? (DateTimeOffset?)null : ParseTime(timeText);
            if (timeText is not null && attemptedAt is null)
            {
                return BadRequest($"`attemptedAt` `{timeText}` is not an ISO 8601 date-time", "send e.g. \"attemptedAt\": \"2026-03-01T17:00:00Z\"");
            }

            try
            {
                var verdict = await ingestor.PreflightAsync(pact, pacts.Current, toolName, parameters, agentId, sessionId, attemptedAt, ct).ConfigureAwait(false);
                return Results.Text(verdict.ToJson(), "application/json", Encoding.UTF8);
            }
            catch (Budgets.BudgetScopeException ex)
            {
                return BadRequest(ex.Message, $"add `{(ex.Per == Evaluating.BudgetScope.Agent ? "agentId" : "sessionId")}` to the body");
            }
        }
    }

    /// <summary>An optional string member of a pre-flight body: its text, null when absent or null, or the 400 when it is not text.</summary>
    private static IResult? OptionalText(JsonElement root, string name, out string? text)
    {
        text = null;
        if (!JsonStrings.TryGetProperty(root, Encoding.UTF8.GetBytes(name), out var field) || field.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return field.ValueKind == JsonValueKind.String && JsonStrings.TryGetText(field, out text) ? null : BadRequest($"`{name}` must be a string", null);
    }

    private static async Task<IResult> Ingest(HttpRequest request, PactRegistry pacts, Ingestor ingestor, ServerOptions options, CancellationToken ct)
    {
        var (doc, problem) = await ReadBody(request, options).ConfigureAwait(false);
        if (doc is null)
        {
            return problem!;
        }

        using (doc)
        {
            if (Duplicate(doc.RootElement, "events") is { } twice)
            {
                return BadRequest($"the body gives `{twice}` twice", "send one `events` array");
            }

            if (doc.RootElement.ValueKind != JsonValueKind.Object || !JsonStrings.TryGetProperty(doc.RootElement, "events"u8, out var events) || events.ValueKind != JsonValueKind.Array)
            {
                return BadRequest("the body must be {\"events\": [...]}", null);
            }

            if (events.GetArrayLength() > options.MaxEventsPerBatch)
            {
                return Results.Problem(statusCode: 413, title: $"{events.GetArrayLength()} events in one batch; the limit is {options.MaxEventsPerBatch}", detail: "send smaller batches");
            }

            var result = await ingestor.IngestAsync(events, pacts.Current, options.MaxParamDepth, options.MaxClockSkew, ScopeOf(request.HttpContext), ct).ConfigureAwait(false);
            request.HttpContext.Items[PactsServer.IngestItem] = new IngestSummary(result.Accepted.Count, result.Rejected.Count, result.Worst?.ToName());

            return IngestAnswer(result);
        }
    }

    /// <summary>The ingest answer: counts, rejections, verdicts and the chain head after the batch.</summary>
    private static IResult IngestAnswer(IngestResult result)
    {
        // Written by hand so each verdict goes out as the exact JSON stored in the ledger, not re-parsed.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("accepted", result.Accepted.Count);
            w.WriteNumber("duplicates", result.Duplicates);
            w.WriteStartArray("rejected");
            foreach (var (i, why) in result.Rejected)
            {
                w.WriteStartObject();
                w.WriteNumber("index", i);
                w.WriteString("reason", why);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("verdicts");
            foreach (var (i, pact, verdict) in result.Verdicts)
            {
                w.WriteStartObject();
                w.WriteNumber("index", i);
                w.WriteString("pactId", pact);
                w.WritePropertyName("verdict");
                w.WriteRawValue(verdict, skipInputValidation: true);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("head");
            w.WriteNumber("seq", result.Head.Seq);
            w.WriteString("hash", result.Head.Hash);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Results.Bytes(buffer.WrittenMemory.ToArray(), "application/json");
    }

    /// <summary>
    /// The agent id of a trust request, decoded once from the request target as sent. Ids hold slashes
    /// (<c>team/atlas</c>, <c>spiffe://prod/atlas</c>), and the router leaves <c>%2F</c> encoded while decoding
    /// <c>%25</c>, so from the routed value <c>team%2Fatlas</c> and <c>team%252Fatlas</c> would be one id. Both
    /// <c>/trust/team%2Fatlas</c> and <c>/trust/team/atlas</c> name <c>team/atlas</c>.
    /// </summary>
    internal static string AgentIdOf(HttpContext http, string routed)
    {
        const string Marker = "/api/v1/trust/";
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var at = raw?.IndexOf(Marker, StringComparison.Ordinal) ?? -1;
        if (raw is null || at < 0)
        {
            return routed;
        }

        var target = raw.AsSpan(at + Marker.Length);
        var query = target.IndexOfAny('?', '#');
        target = query < 0 ? target : target[..query];

        // Dot segments as sent (`x/../team%2Fatlas`) are resolved as RFC 3986 says, as the router resolved them, before
        // the id is decoded: an encoded slash is part of a segment, so `%2F..%2F` stays in the id.
        var segments = new List<string>();
        foreach (var range in target.Split('/'))
        {
            switch (target[range])
            {
                case ".":
                    break;
                case "..":
                    if (segments.Count == 0)
                    {
                        return routed;
                    }

                    segments.RemoveAt(segments.Count - 1);
                    break;
                default:
                    segments.Add(target[range].ToString());
                    break;
            }
        }

        return Uri.UnescapeDataString(string.Join('/', segments));
    }

    /// <summary>The latest signed checkpoint of the ledger's head (SPEC §9 <i>Checkpoints</i>).</summary>
    private static async Task<IResult> Checkpoint(CheckpointService checkpoints, CancellationToken ct) =>
        Results.Text((await checkpoints.LatestAsync(ct).ConfigureAwait(false)).ToJson(), "application/json", Encoding.UTF8);

    private static async Task<IResult> Trust(string agentId, HttpContext http, ILedgerStore store, LedgerSigner signer, CancellationToken ct)
    {
        agentId = AgentIdOf(http, agentId);
        if (ScopeOf(http) is { } scope && !scope.Allows(agentId))
        {
            return OutOfScope(agentId, scope); // before the store is asked: whether an agent has events is not told either
        }

        if (await store.TrustAsync(agentId, ct).ConfigureAwait(false) is not { } t)
        {
            return Results.Problem(statusCode: 404, title: $"no events recorded for agent `{agentId}`");
        }

        var head = await store.HeadAsync(ct).ConfigureAwait(false);
        var body = TrustAnswer(agentId, t, head, http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);

        // Signed over the bytes sent, so a counterparty can keep the answer and check it offline (`pacts trust verify`).
        http.Response.Headers["Pacts-Signature"] = signer.SignBody(body);
        return Results.Bytes(body, "application/json; charset=utf-8");
    }

    /// <summary>The body of a trust answer (SPEC §9 <c>/trust</c>): the agent's summary and the head it was read at; `pacts trust show` prints the same.</summary>
    public static byte[] TrustAnswer(string agentId, AgentTrust t, (long Seq, string Hash) head, JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(t);
        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            agentId,
            toolCalls = t.ToolCalls,
            evaluated = t.Evaluated,
            valid = t.Valid,
            complianceRate = t.Evaluated == 0 ? (double?)null : (double)t.Valid / t.Evaluated,
            invalidBySeverity = new Dictionary<string, long> { ["critical"] = t.Critical, ["major"] = t.Major, ["minor"] = t.Minor },
            topParamPaths = t.TopParamPaths.Select(p => new { paramPath = p.ParamPath, count = p.Count }),
            lastEventAt = t.LastEventAt,
            ledgerHead = new { seq = head.Seq, hash = head.Hash },
        }, json);
    }

    /// <summary>
    /// A body is parsed far deeper than any call or event may nest, so that one event too deep is rejected on its own
    /// (by the checks after parsing) instead of failing its whole batch, which an agent's client would then drop.
    /// </summary>
    private const int MaxBodyDepth = 1024;

    private static async Task<(JsonDocument?, IResult?)> ReadBody(HttpRequest request, ServerOptions options)
    {
        if (!IsJson(request.ContentType))
        {
            return (null, Results.Problem(statusCode: 415, title: request.ContentType is null ? "the body has no Content-Type" : $"the body's Content-Type is `{request.ContentType}`, not JSON",
                detail: "send `Content-Type: application/json` (UTF-8)"));
        }

        if (request.ContentLength > options.MaxBodyBytes)
        {
            return (null, Results.Problem(statusCode: 413, title: $"body of {request.ContentLength} bytes; the limit is {options.MaxBodyBytes}", detail: "send smaller batches"));
        }

        var coding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        if (coding is not ("" or "identity" or "gzip" or "x-gzip" or "deflate" or "br"))
        {
            return (null, Results.Problem(statusCode: 415, title: $"the body's Content-Encoding is `{request.Headers.ContentEncoding}`",
                detail: "send the body as it is, or compressed with gzip, deflate or br"));
        }

        await using var decoder = coding switch
        {
            "gzip" or "x-gzip" => new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            "deflate" => new ZLibStream(request.Body, CompressionMode.Decompress, leaveOpen: true), // RFC 9110's deflate is zlib
            "br" => new BrotliStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            _ => (Stream?)null,
        };

        // The limit is on what the body decompresses to, so a small gzip of gigabytes is refused after 4 MiB, not read whole.
        var body = decoder ?? request.Body;
        var decompressed = decoder is null ? "" : " once decompressed";
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int n;
        try
        {
            while ((n = await body.ReadAsync(chunk).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > options.MaxBodyBytes)
                {
                    return (null, Results.Problem(statusCode: 413, title: $"body over {options.MaxBodyBytes} bytes{decompressed}", detail: "send smaller batches"));
                }
            }
        }
        catch (InvalidDataException e)
        {
            return (null, Results.Problem(statusCode: 400, title: $"the body is not valid {coding} data: {e.Message}", detail: "send the body as its Content-Encoding says"));
        }

        var bytes = buffer.ToArray();
        if (ParamsLimits.ParseJson(bytes, MaxBodyDepth, out var error) is { } doc)
        {
            return (doc, null);
        }

        var title = error is null ? "the body is not valid JSON"
            : error.Kind == JsonSyntaxErrorKind.TooDeep ? $"the body nests deeper than {MaxBodyDepth} levels (params may nest {options.MaxParamDepth}) at {error.Where}"
            : "the body " + error.Describe(bytes);
        return (null, Results.Problem(statusCode: 400, title: title, detail: error?.Kind == JsonSyntaxErrorKind.EndOfInput ? "send the whole body" : null,
            extensions: error is null ? null : new Dictionary<string, object?> { ["offset"] = error.Offset, ["line"] = error.Line, ["column"] = error.Column }));
    }

    /// <summary><c>application/json</c> or any <c>application/*+json</c>, with no charset or UTF-8's (JSON is UTF-8, RFC 8259).</summary>
    internal static bool IsJson(string? contentType)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var type = media.MediaType.Value ?? "";
        var json = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        var charset = media.Charset.Value;
        return json && (charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The first of <paramref name="names"/> that <paramref name="root"/> gives more than once (escapes decoded), as the pact reader refuses duplicates.</summary>
    private static string? Duplicate(JsonElement root, params string[] names)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var counts = new int[names.Length];
        foreach (var p in root.EnumerateObject())
        {
            for (var i = 0; i < names.Length; i++)
            {
                if (p.NameEquals(names[i]) && ++counts[i] == 2)
                {
                    return names[i];
                }
            }
        }

        return null;
    }

    /// <summary>An ISO 8601 date-time as event logs write one (SPEC §6; no offset means UTC), or null.</summary>
    private static DateTimeOffset? ParseTime(string text) =>
        Events.EventParser.TryParseTimestamp(text, out var t) ? t : null;

    private static IResult BadRequest(string title, string? detail) => Results.Problem(statusCode: 400, title: title, detail: detail);
}
