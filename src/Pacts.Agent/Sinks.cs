using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Pacts.Json;

namespace Pacts.Agent;

/// <summary>How a send went, in the terms the retry policy needs.</summary>
public enum SendOutcome
{
    /// <summary>Delivered.</summary>
    Delivered,

    /// <summary>Worth retrying: a network error, a timeout, a 5xx or a 429.</summary>
    Transient,

    /// <summary>Never worth retrying (any other 4xx): the batch is dropped.</summary>
    Permanent,
}

/// <summary>Where telemetry batches go.</summary>
public interface ITelemetrySink
{
    /// <summary>
    /// Sends one batch of events (each a complete JSON object) and says how it went. Must not throw. A
    /// <see cref="SendOutcome.Delivered"/> batch may come with a detail: the events the receiver refused one by one
    /// (resending them would not help), for the client to warn about.
    /// </summary>
    Task<(SendOutcome Outcome, string? Detail)> SendAsync(IReadOnlyList<string> events, CancellationToken cancellationToken);
}

/// <summary>The ingest endpoint of <c>pacts serve</c>: <c>POST /api/v1/telemetry/events</c> with <c>X-Pact-Key</c>.</summary>
public sealed class HttpTelemetrySink(HttpClient http, string apiKey) : ITelemetrySink
{
    /// <inheritdoc/>
    public async Task<(SendOutcome Outcome, string? Detail)> SendAsync(IReadOnlyList<string> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/telemetry/events")
        {
            Content = new StringContent("{\"events\":[" + string.Join(",", events) + "]}", Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("X-Pact-Key", apiKey);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => (SendOutcome.Delivered, await RejectionsAsync(response, events.Count, cancellationToken).ConfigureAwait(false)),
                429 or >= 500 => (SendOutcome.Transient, $"HTTP {status}"),
                _ => (SendOutcome.Permanent, $"HTTP {status}"),
            };
        }
        catch (HttpRequestException ex)
        {
            return (SendOutcome.Transient, ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (SendOutcome.Transient, "timeout");
        }
    }

    /// <summary>
    /// The events an accepted batch's answer (SPEC §9 <c>{"accepted": n, "rejected": [{"index", "reason"}], ...}</c>)
    /// names as rejected, the first five with their reasons; null when none is, or the answer is not that shape. The body
    /// is already buffered (<c>HttpClient</c>'s default), so an answer that breaks off failed the send itself: a
    /// transient failure, retried, which the service acknowledges without storing the events twice (SPEC §9).
    /// </summary>
    private static async Task<string?> RejectionsAsync(HttpResponseMessage response, int sent, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!System.Text.Unicode.Utf8.IsValid(body))
            {
                return null; // not the service's answer (it writes UTF-8): stored all the same, a 2xx is the acknowledgement
            }

            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !JsonStrings.TryGetProperty(doc.RootElement, "rejected"u8, out var rejected)
                || rejected.ValueKind != JsonValueKind.Array || rejected.GetArrayLength() == 0)
            {
                return null;
            }

            // Read so that nothing throws: a name or string escaping half a surrogate pair is matched as none and shown as escaped.
            var named = rejected.EnumerateArray().Take(5).Select(r =>
                r.ValueKind == JsonValueKind.Object
                && JsonStrings.TryGetProperty(r, "index"u8, out var i) && JsonStrings.TryGetProperty(r, "reason"u8, out var why)
                    ? $"event {i.GetRawText()}: {(why.ValueKind == JsonValueKind.String ? JsonStrings.TextOrEscaped(why) : why.GetRawText())}"
                    : r.GetRawText());
            var more = rejected.GetArrayLength() > 5 ? $"; and {rejected.GetArrayLength() - 5} more" : "";
            return $"the service rejected {rejected.GetArrayLength()} of {sent} events: {string.Join("; ", named)}{more}";
        }
        catch (JsonException)
        {
            return null; // not the service's answer shape: stored all the same, a 2xx is the acknowledgement
        }
    }
}

/// <summary>A JSONL file that <c>pacts replay</c> reads: one event per line, appended.</summary>
public sealed class JsonlFileSink(string path) : ITelemetrySink, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <inheritdoc/>
    public async Task<(SendOutcome Outcome, string? Detail)> SendAsync(IReadOnlyList<string> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await File.AppendAllLinesAsync(path, events, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            return (SendOutcome.Delivered, null);
        }
        catch (IOException ex)
        {
            return (SendOutcome.Transient, ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            return (SendOutcome.Permanent, ex.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();
}
