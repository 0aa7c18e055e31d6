using System.Net;
using System.Text;

namespace Pacts.Agent.Tests;

public class HttpSinkTests
{
    /// <summary>A fake server: answers each request with the next scripted status (or hangs for a timeout).</summary>
    private sealed class ScriptedServer(params int[] statuses) : HttpMessageHandler
    {
        private int _i;

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Bodies.Add(await request.Content!.ReadAsStringAsync(cancellationToken));
            Assert.Equal("pk_test", request.Headers.GetValues("X-Pact-Key").Single());
            var status = statuses[Math.Min(_i++, statuses.Length - 1)];
            if (status == 0)
            {
                throw new TaskCanceledException("the request timed out");
            }

            return new HttpResponseMessage((HttpStatusCode)status);
        }
    }

    [Theory]
    [InlineData(200, SendOutcome.Delivered)]
    [InlineData(500, SendOutcome.Transient)]
    [InlineData(503, SendOutcome.Transient)]
    [InlineData(429, SendOutcome.Transient)]
    [InlineData(0, SendOutcome.Transient)]
    [InlineData(400, SendOutcome.Permanent)]
    [InlineData(401, SendOutcome.Permanent)]
    [InlineData(413, SendOutcome.Permanent)]
    public async Task Statuses_map_to_retry_semantics(int status, SendOutcome expected)
    {
        using var http = new HttpClient(new ScriptedServer(status)) { BaseAddress = new Uri("http://pacts.test/") };
        var (outcome, _) = await new HttpTelemetrySink(http, "pk_test").SendAsync(["{\"type\":\"x\"}"], CancellationToken.None);
        Assert.Equal(expected, outcome);
    }

    [Fact]
    public async Task Against_a_scripted_server_500_429_and_a_timeout_are_retried_then_delivered_in_one_envelope()
    {
        var time = new ManualTimeProvider();
        var server = new ScriptedServer(500, 429, 0, 200);
        using var http = new HttpClient(server) { BaseAddress = new Uri("http://pacts.test/") };
        await using var client = new TelemetryClient(new HttpTelemetrySink(http, "pk_test"), new TelemetryOptions { FlushInterval = TimeSpan.FromHours(1) }, timeProvider: time);
        client.SessionStart("s", "a");
        var flush = client.FlushAsync();
        for (var i = 0; i < 1000 && !flush.IsCompleted; i++)
        {
            await Task.Delay(1);
            time.Advance(TimeSpan.FromMilliseconds(50));
        }

        await flush;
        Assert.Equal(4, server.Bodies.Count);
        Assert.Equal(1, client.Sent);
        Assert.StartsWith("{\"events\":[{\"type\":\"session_start\"", server.Bodies[^1], StringComparison.Ordinal);
    }

    /// <summary>Answers 200 with <paramref name="body"/>, as <c>pacts serve</c> answers an accepted batch.</summary>
    private sealed class Answering(string body, Encoding? encoding = null) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, encoding ?? Encoding.UTF8) });
    }

    [Fact]
    public async Task An_answer_that_is_not_utf8_acknowledges_without_a_detail()
    {
        using var http = new HttpClient(new Answering("""{"rejected":[{"index":0,"reason":"café"}]}""", Encoding.Latin1)) { BaseAddress = new Uri("http://pacts.test/") };
        Assert.Equal((SendOutcome.Delivered, (string?)null), await new HttpTelemetrySink(http, "pk_test").SendAsync(["{}"], CancellationToken.None));
    }

    [Theory]
    [InlineData("""{"accepted":2,"duplicates":0,"rejected":[],"verdicts":[]}""", null)]
    [InlineData("not json", null)]
    [InlineData("", null)]
    [InlineData("""{"accepted":1,"duplicates":0,"rejected":[{"index":1,"reason":"attemptedAt lies more than 30 s after the service's clock"}],"verdicts":[]}""",
        "the service rejected 1 of 2 events: event 1: attemptedAt lies more than 30 s after the service's clock")]
    [InlineData("""{"rejected":[{"index":0,"reason":"a"},{"index":1,"reason":"b"},{"index":2,"reason":"c"},{"index":3,"reason":"d"},{"index":4,"reason":"e"},{"index":5,"reason":"f"},7]}""",
        "the service rejected 7 of 2 events: event 0: a; event 1: b; event 2: c; event 3: d; event 4: e; and 2 more")]
    [InlineData("""{"\ud800":1,"rejected":[{"\udc00":0,"index":0,"reason":"bad \ud800"}]}""", "the service rejected 1 of 2 events: event 0: bad \\ud800")]
    public async Task An_accepted_batch_names_the_events_the_service_rejected_one_by_one(string answer, string? detail)
    {
        using var http = new HttpClient(new Answering(answer)) { BaseAddress = new Uri("http://pacts.test/") };
        var (outcome, said) = await new HttpTelemetrySink(http, "pk_test").SendAsync(["{\"type\":\"x\"}", "{\"type\":\"y\"}"], CancellationToken.None);
        Assert.Equal(SendOutcome.Delivered, outcome); // stored or judged: resending would not change the answer
        Assert.Equal(detail, said);
    }

    /// <summary>A 200 whose body breaks off while it is read (the connection dropped after the headers).</summary>
    private sealed class CutShort : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new Broken() });

        private sealed class Broken : HttpContent
        {
            protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
                throw new IOException("the connection was reset");

            protected override bool TryComputeLength(out long length)
            {
                length = 0;
                return false;
            }
        }
    }

    [Fact]
    public async Task An_answer_that_breaks_off_is_a_transient_failure_so_the_batch_is_retried()
    {
        // Safe to resend: the service acknowledges a retried event without storing it again.
        using var http = new HttpClient(new CutShort()) { BaseAddress = new Uri("http://pacts.test/") };
        var (outcome, said) = await new HttpTelemetrySink(http, "pk_test").SendAsync(["{\"type\":\"x\"}"], CancellationToken.None);
        Assert.Equal(SendOutcome.Transient, outcome);
        Assert.Equal("Error while copying content to a stream.", said); // HttpClient's HttpRequestException
    }

    [Fact]
    public async Task The_client_warns_about_events_the_service_rejected_and_does_not_resend_them()
    {
        var log = new ListLogger<TelemetryClient>();
        var rejected = """{"accepted":0,"duplicates":0,"rejected":[{"index":0,"reason":"missing agentId"}],"verdicts":[]}""";
        using var http = new HttpClient(new Answering(rejected)) { BaseAddress = new Uri("http://pacts.test/") };
        await using (var client = new TelemetryClient(new HttpTelemetrySink(http, "pk_test"), new TelemetryOptions { FlushInterval = TimeSpan.FromHours(1) }, log))
        {
            client.SessionStart("s", "a");
            await client.FlushAsync();
            Assert.Equal(1, client.Sent);
            Assert.Equal(0, client.Dropped);
        }

        Assert.Contains("Warning: telemetry batch delivered, but the service rejected 1 of 1 events: event 0: missing agentId", log.Lines);
    }
}
