using System.Net.Http.Json;
using System.Text.Json;
using Pacts.Evaluating;

namespace Pacts.Agent;

/// <summary>What the guard does with a verdict.</summary>
public enum GuardMode
{
    /// <summary>Record the verdict and always run the tool.</summary>
    Observe,

    /// <summary>Refuse calls whose highest severity is at or above the threshold.</summary>
    Enforce,
}

/// <summary>Settings of a <see cref="PactGuard"/>.</summary>
public sealed record GuardOptions
{
    /// <summary>The session the guarded calls belong to.</summary>
    public required string SessionId { get; init; }

    /// <summary>The agent making them.</summary>
    public required string AgentId { get; init; }

    /// <summary>Observe or enforce (default <see cref="GuardMode.Enforce"/>).</summary>
    public GuardMode Mode { get; init; } = GuardMode.Enforce;

    /// <summary>In enforce mode, the lowest severity that refuses a call (default critical).</summary>
    public Severity Threshold { get; init; } = Severity.Critical;

    /// <summary>When the validator cannot answer (remote down or slow): run the tool (true) or refuse it (false, the default).</summary>
    public bool FailOpen { get; init; }

    /// <summary>How params are serialised before validation (default: web defaults, camelCase).</summary>
    public JsonSerializerOptions SerializerOptions { get; init; } = new(JsonSerializerDefaults.Web);
}

/// <summary>Thrown instead of running a tool the pact forbids; carries the verdict.</summary>
public sealed class PactViolationException : Exception
{
    /// <summary>Creates the exception for <paramref name="verdict"/>.</summary>
    public PactViolationException(Verdict verdict)
        : base($"`{verdict?.Tool}` refused by pact `{verdict?.PactId}`: " + string.Join("; ", verdict?.Violations.Select(v => $"{v.ParamPath} {v.Rule} ({v.Severity.ToName()})") ?? []))
    {
        Verdict = verdict ?? throw new ArgumentNullException(nameof(verdict));
    }

    /// <summary>The verdict that refused the call.</summary>
    public Verdict Verdict { get; }
}

/// <summary>Thrown when validation could not be done and the guard fails closed.</summary>
public sealed class PactUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Who makes a guarded call and when: what a pact's budgets (SPEC §10) need beyond the params.</summary>
/// <param name="AgentId">The agent making the call.</param>
/// <param name="SessionId">The session it belongs to.</param>
/// <param name="AttemptedAt">When it is attempted.</param>
public readonly record struct GuardedCall(string AgentId, string SessionId, DateTimeOffset AttemptedAt);

/// <summary>Decides calls: the embedded engine, or the service's <c>validate-call</c>.</summary>
public interface ICallValidator
{
    /// <summary>The pact the calls are checked against.</summary>
    string PactId { get; }

    /// <summary>The verdict, or an exception when no verdict can be had.</summary>
    Task<Verdict> ValidateAsync(string tool, JsonElement parameters, CancellationToken cancellationToken);

    /// <summary>
    /// The verdict of the <paramref name="guarded"/> call as a pre-flight of the next call (SPEC §10: budgets judged, nothing
    /// recorded). By default the stateless verdict; validators that know budget state override it.
    /// </summary>
    Task<Verdict> ValidateAsync(string tool, JsonElement parameters, GuardedCall guarded, CancellationToken cancellationToken) =>
        ValidateAsync(tool, parameters, cancellationToken);

    /// <summary>Told what a guarded call came to (<c>success</c>, <c>error</c>, <c>denied</c>), so budget state can record it. By default nothing.</summary>
    void Recorded(string tool, JsonElement parameters, GuardedCall guarded, string outcome)
    {
    }
}

/// <summary>
/// Validation with the embedded engine: sub-microsecond, no I/O. It keeps its own budget state (SPEC §10) for the calls
/// it guards: each call is judged as the next after those this validator saw run, and only a call that ran with
/// outcome <c>success</c> is charged.
/// </summary>
public sealed class LocalValidator(Pact pact) : ICallValidator
{
    private readonly Budgets.BudgetBook _budgets = new();

    /// <inheritdoc/>
    public string PactId => pact.Id;

    /// <inheritdoc/>
    public Task<Verdict> ValidateAsync(string tool, JsonElement parameters, CancellationToken cancellationToken) =>
        Task.FromResult(pact.Validate(tool, parameters));

    /// <inheritdoc/>
    public Task<Verdict> ValidateAsync(string tool, JsonElement parameters, GuardedCall guarded, CancellationToken cancellationToken) =>
        Task.FromResult(_budgets.Apply(pact, pact.Validate(tool, parameters), new Budgets.BudgetCall(tool, guarded.AgentId, guarded.SessionId, guarded.AttemptedAt, Records: false), parameters));

    /// <inheritdoc/>
    public void Recorded(string tool, JsonElement parameters, GuardedCall guarded, string outcome)
    {
        if (pact.BudgetNames.Count > 0 && Budgets.BudgetCall.OutcomeRecords(outcome))
        {
            _budgets.Record(pact, new Budgets.BudgetCall(tool, guarded.AgentId, guarded.SessionId, guarded.AttemptedAt, Records: true), parameters);
        }
    }
}

/// <summary>Validation by <c>POST /api/v1/pacts/{id}/validate-call</c> on a <c>pacts serve</c>, with a timeout.</summary>
public sealed class RemoteValidator(HttpClient http, string apiKey, string pactId, TimeSpan timeout) : ICallValidator
{
    /// <inheritdoc/>
    public string PactId => pactId;

    /// <inheritdoc/>
    public Task<Verdict> ValidateAsync(string tool, JsonElement parameters, CancellationToken cancellationToken) =>
        SendAsync(new { tool, @params = parameters }, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>The service judges the budgets against its ledger (SPEC §10), so the agent and session ids go with the call.</remarks>
    public Task<Verdict> ValidateAsync(string tool, JsonElement parameters, GuardedCall guarded, CancellationToken cancellationToken) =>
        SendAsync(new { tool, @params = parameters, agentId = guarded.AgentId, sessionId = guarded.SessionId, attemptedAt = guarded.AttemptedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken);

    private async Task<Verdict> SendAsync<TBody>(TBody request, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        using var message = new HttpRequestMessage(HttpMethod.Post, $"api/v1/pacts/{Uri.EscapeDataString(pactId)}/validate-call")
        {
            Content = JsonContent.Create(request),
        };
        message.Headers.Add("X-Pact-Key", apiKey);
        try
        {
            using var response = await http.SendAsync(message, cts.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? Verdict.FromJson(body) ?? throw new PactUnavailableException("the service answered an empty verdict")
                : throw new PactUnavailableException($"validate-call answered HTTP {(int)response.StatusCode}: {body}");
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PactUnavailableException($"validate-call did not answer within {timeout.TotalMilliseconds:F0} ms", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new PactUnavailableException("validate-call could not be reached: " + ex.Message, ex);
        }
    }
}

/// <summary>
/// Wraps tools so each call is checked against a pact before it runs. In <see cref="GuardMode.Enforce"/> a
/// call at or above the threshold is refused with <see cref="PactViolationException"/> and recorded with
/// outcome <c>denied</c>; the tool never runs. Results and exceptions of the tool pass through untouched.
/// Every invocation emits exactly one <c>tool_call</c> with outcome, latency, error message and verdict.
/// </summary>
public sealed class PactGuard(ICallValidator validator, TelemetryClient? telemetry, GuardOptions options, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Wraps <paramref name="tool"/> under the name <paramref name="toolName"/>.</summary>
    public Func<TParams, CancellationToken, Task<TResult>> Wrap<TParams, TResult>(string toolName, Func<TParams, CancellationToken, Task<TResult>> tool) =>
        (parameters, ct) => InvokeAsync(toolName, parameters, tool, ct);

    /// <summary>Checks and runs one call.</summary>
    public async Task<TResult> InvokeAsync<TParams, TResult>(string toolName, TParams parameters, Func<TParams, CancellationToken, Task<TResult>> tool, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(options);
        var started = _time.GetTimestamp();
        var json = JsonSerializer.SerializeToElement(parameters, options.SerializerOptions);
        var now = _time.GetUtcNow();
        var call = new GuardedCall(options.AgentId, options.SessionId, now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond))); // the telemetry's precision: the guard charges the time a replay reads
        Verdict? verdict = null;
        try
        {
            verdict = await validator.ValidateAsync(toolName, json, call, cancellationToken).ConfigureAwait(false);
        }
        catch (PactUnavailableException) when (options.FailOpen)
        {
            // Fail open: run without a verdict; the tool_call records none.
        }
        catch (PactUnavailableException ex)
        {
            Record(toolName, json, call, "denied", started, "pact check unavailable (fail-closed): " + ex.Message, null);
            throw;
        }

        if (verdict is not null && options.Mode == GuardMode.Enforce && verdict.HighestSeverity is { } severity && severity >= options.Threshold)
        {
            var refusal = new PactViolationException(verdict);
            Record(toolName, json, call, "denied", started, refusal.Message, verdict);
            throw refusal;
        }

        try
        {
            var result = await tool(parameters, cancellationToken).ConfigureAwait(false);
            Record(toolName, json, call, "success", started, null, verdict);
            return result;
        }
        catch (Exception ex)
        {
            Record(toolName, json, call, "error", started, ex.Message, verdict);
            throw;
        }
    }

    private void Record(string toolName, JsonElement json, GuardedCall call, string outcome, long started, string? error, Verdict? verdict)
    {
        validator.Recorded(toolName, json, call, outcome);
        telemetry?.ToolCallAt(options.SessionId, options.AgentId, toolName, json, outcome, call.AttemptedAt,
            _time.GetElapsedTime(started).TotalMilliseconds, error, validator.PactId, verdict);
    }
}
