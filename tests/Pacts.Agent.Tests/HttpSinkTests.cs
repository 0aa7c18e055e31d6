using System.Net;

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
}
