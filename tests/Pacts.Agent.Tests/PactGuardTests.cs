using System.Net;
using System.Text.Json;
using Pacts.Evaluating;

namespace Pacts.Agent.Tests;

public sealed record Transfer(string Destination, decimal Amount, string Currency);

public class PactGuardTests
{
    private static readonly Pact Treasury = PactSet.Load(Path.Combine(RepoRoot(), "examples", "pacts")).Find("treasury-pact")!;

    internal static string RepoRoot() => Pacts.Testing.Shared.RepoPaths.Root;

    private static readonly Transfer Allowed = new("0xA11A000000000000000000000000000000000001", 100, "USDC");
    private static readonly Transfer Forbidden = new("0xEEEE000000000000000000000000000000000666", 7500, "USDC");

    [Fact]
    public async Task Enforce_never_runs_a_forbidden_tool_and_records_it_as_denied()
    {
        var time = new ManualTimeProvider();
        var sink = new ScriptedSink(time);
        await using var telemetry = new TelemetryClient(sink, new TelemetryOptions { FlushInterval = TimeSpan.FromHours(1) }, timeProvider: time);
        var guard = new PactGuard(new LocalValidator(Treasury), telemetry, new GuardOptions { SessionId = "s", AgentId = "a" }, time);
        var ran = 0;
        var transfer = guard.Wrap<Transfer, string>("transfer_funds", (t, _) => { ran++; return Task.FromResult("tx-1"); });

        var refused = await Assert.ThrowsAsync<PactViolationException>(() => transfer(Forbidden, CancellationToken.None));
        Assert.Equal(0, ran);
        Assert.Equal(["destination", "amount"], refused.Verdict.Violations.Select(v => v.ParamPath));
        Assert.Equal("tx-1", await transfer(Allowed, CancellationToken.None));
        Assert.Equal(1, ran);

        await telemetry.FlushAsync();
        var calls = sink.Delivered.Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.Equal(["denied", "success"], calls.Select(c => c.GetProperty("outcome").GetString()));
        Assert.False(calls[0].GetProperty("metadata").GetProperty("verdict").GetProperty("valid").GetBoolean());
        Assert.Equal("treasury-pact", calls[0].GetProperty("pactId").GetString());
    }

    [Fact]
    public async Task Observe_runs_everything_and_records_the_verdict()
    {
        var time = new ManualTimeProvider();
        var sink = new ScriptedSink(time);
        await using var telemetry = new TelemetryClient(sink, new TelemetryOptions { FlushInterval = TimeSpan.FromHours(1) }, timeProvider: time);
        var guard = new PactGuard(new LocalValidator(Treasury), telemetry, new GuardOptions { SessionId = "s", AgentId = "a", Mode = GuardMode.Observe }, time);
        Assert.Equal("ok", await guard.InvokeAsync("transfer_funds", Forbidden, (_, _) => Task.FromResult("ok")));
        await telemetry.FlushAsync();
        var call = JsonDocument.Parse(Assert.Single(sink.Delivered)).RootElement;
        Assert.Equal("success", call.GetProperty("outcome").GetString());
        Assert.False(call.GetProperty("metadata").GetProperty("verdict").GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task Threshold_decides_what_enforce_refuses()
    {
        var guard = new PactGuard(new LocalValidator(Treasury), null, new GuardOptions { SessionId = "s", AgentId = "a", Threshold = Severity.Minor });
        var memo = new Dictionary<string, object> { ["destination"] = Allowed.Destination, ["amount"] = 1, ["currency"] = "USDC", ["memo"] = "a\nb" };
        await Assert.ThrowsAsync<PactViolationException>(() => guard.InvokeAsync("transfer_funds", memo, (_, _) => Task.FromResult(0)));
        var lenient = new PactGuard(new LocalValidator(Treasury), null, new GuardOptions { SessionId = "s", AgentId = "a" });
        Assert.Equal(1, await lenient.InvokeAsync("transfer_funds", memo, (_, _) => Task.FromResult(1)));
    }

    [Fact]
    public async Task Tool_results_and_exceptions_pass_through_untouched()
    {
        var time = new ManualTimeProvider();
        var sink = new ScriptedSink(time);
        await using var telemetry = new TelemetryClient(sink, new TelemetryOptions { FlushInterval = TimeSpan.FromHours(1) }, timeProvider: time);
        var guard = new PactGuard(new LocalValidator(Treasury), telemetry, new GuardOptions { SessionId = "s", AgentId = "a" }, time);
        var boom = new InvalidOperationException("rail down");
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => guard.InvokeAsync<Transfer, int>("transfer_funds", Allowed, (_, _) => throw boom));
        Assert.Same(boom, thrown);
        await telemetry.FlushAsync();
        var call = JsonDocument.Parse(Assert.Single(sink.Delivered)).RootElement;
        Assert.Equal("error", call.GetProperty("outcome").GetString());
        Assert.Equal("rail down", call.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task A_guard_whose_telemetry_sink_hangs_still_runs_allowed_tools()
    {
        var time = new ManualTimeProvider();
        var never = new TaskCompletionSource();
        var sink = new ScriptedSink(time) { Gate = () => never.Task };
        var telemetry = new TelemetryClient(sink, new TelemetryOptions { BatchSize = 1 }, timeProvider: time);
        // A pact without budgets: 2000 transfers would pass the treasury pact's daily outflow.
        var stateless = Pact.Compile("pact: p\nbindings:\n  - tool: transfer_funds\n    conditions: []\n").Pact!;
        var guard = new PactGuard(new LocalValidator(stateless), telemetry, new GuardOptions { SessionId = "s", AgentId = "a" }, time);
        var results = new List<Task<int>>();
        for (var i = 0; i < 2000; i++)
        {
            var n = i;
            results.Add(guard.InvokeAsync("transfer_funds", Allowed, (_, _) => Task.FromResult(n)));
        }

        // Every call completed synchronously with its result although no telemetry batch was ever delivered.
        Assert.All(results, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(Enumerable.Range(0, 2000), results.Select(t => t.Result));
        Assert.True(telemetry.Dropped >= 999);
        never.SetResult();
        await telemetry.DisposeAsync();
    }

    [Fact]
    public async Task A_local_guard_refuses_the_call_that_would_breach_a_critical_budget_and_charges_only_what_ran()
    {
        var time = new ManualTimeProvider();
        var guard = new PactGuard(new LocalValidator(Treasury), null, new GuardOptions { SessionId = "s", AgentId = "atlas" }, time);
        var transfer = new { destination = "0xA11A000000000000000000000000000000000001", amount = 5000, currency = "USDC" };
        await Assert.ThrowsAsync<InvalidOperationException>(() => guard.InvokeAsync<object, int>("transfer_funds", transfer, (_, _) => throw new InvalidOperationException("rail down")));
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(i, await guard.InvokeAsync("transfer_funds", transfer, (_, _) => Task.FromResult(i))); // the failed one was not charged
        }

        var ran = false;
        var refused = await Assert.ThrowsAsync<PactViolationException>(() => guard.InvokeAsync("transfer_funds", transfer, (_, _) => { ran = true; return Task.FromResult(0); }));
        Assert.False(ran);
        var breach = Assert.Single(refused.Verdict.Violations);
        Assert.Equal(("budget", "daily-outflow", "5000", "50000"), (breach.Rule, breach.Budget, breach.Value, breach.Used));

        // A refused call moved nothing: a day later the window is empty again.
        time.Advance(TimeSpan.FromHours(24));
        Assert.Equal(7, await guard.InvokeAsync("transfer_funds", transfer, (_, _) => Task.FromResult(7)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_unreachable_service_fails_open_or_closed_as_configured(bool failOpen)
    {
        using var http = new HttpClient(new FailingHandler()) { BaseAddress = new Uri("http://127.0.0.1:9/") };
        var guard = new PactGuard(new RemoteValidator(http, "pk_x_y", "treasury-pact", TimeSpan.FromSeconds(1)), null,
            new GuardOptions { SessionId = "s", AgentId = "a", FailOpen = failOpen });
        var ran = false;
        var call = guard.InvokeAsync("transfer_funds", Allowed, (_, _) => { ran = true; return Task.FromResult(1); });
        if (failOpen)
        {
            Assert.Equal(1, await call);
            Assert.True(ran);
        }
        else
        {
            await Assert.ThrowsAsync<PactUnavailableException>(() => call);
            Assert.False(ran);
        }
    }

    private sealed class FailingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("connection refused", null, HttpStatusCode.ServiceUnavailable);
    }
}
