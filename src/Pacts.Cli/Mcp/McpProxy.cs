using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pacts.Budgets;
using Pacts.Cli.Rendering;
using Pacts.Evaluating;

namespace Pacts.Cli.Mcp;

/// <summary>What the proxy was started with.</summary>
internal sealed record McpOptions(Pact Pact, Severity BlockOn, string? AgentId, BudgetBook Budgets, Stream? Events, string Command, IReadOnlyList<string> Arguments)
{
    /// <summary>Once the client has closed its input: how long calls in flight may take, then how long the server may take to exit.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where events go besides (or instead of) <see cref="Events"/>: each event's JSON line, without its newline.</summary>
    public Action<ReadOnlyMemory<byte>>? EventSink { get; init; }
}

/// <summary>
/// <c>pacts mcp</c> (SPEC §12): a stdio proxy between an MCP client (<paramref name="clientIn"/>,
/// <paramref name="clientOut"/>) and the server it starts. Every message is forwarded byte for byte except the
/// <c>tools/call</c> requests it blocks (answered with the verdict) and batches holding requests (answered -32600).
/// A call that a budget sees waits until the outcomes of the earlier such calls are known, so the proxy charges
/// exactly as a replay of its events does. Events (SPEC §6) go to <see cref="McpOptions.Events"/>, one per line,
/// flushed per event: a <c>session_start</c> when the client's <c>initialize</c> (or MCP 2026-07-28's
/// <c>server/discover</c>) passes, or at the first <c>tools/call</c> when no handshake is awaiting its answer (a
/// stateless client need not send one); a <c>tool_call</c> per call in request order; a <c>session_end</c> when either
/// side ends.
/// </summary>
internal sealed class McpProxy(McpOptions options, Stream clientIn, Stream clientOut, TextWriter err) : IDisposable
{
    /// <summary>The longest message either side may send (bytes); a longer one ends the session.</summary>
    public const int MaxMessage = 64 * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly string _sessionId = "mcp-" + Guid.NewGuid().ToString("n");
    private readonly List<PendingCall> _calls = []; // request order; written from the front once answered
    private readonly Queue<PendingCall> _held = new(); // budgeted calls waiting for earlier outcomes
    private readonly Dictionary<string, PendingCall> _byId = new(StringComparer.Ordinal);
    private readonly Lock _toServer = new();
    private readonly Lock _toClient = new();

    // Held calls released by an answer: judged and forwarded by their own loop, so the server pump never waits on the
    // server's input while the server may be waiting for its output to be read (both pipes full would deadlock).
    private readonly System.Threading.Channels.Channel<PendingCall> _released = System.Threading.Channels.Channel.CreateUnbounded<PendingCall>(new() { SingleReader = true });
    private Stream? _serverIn;
    private string? _agentId = options.AgentId;
    private string? _handshakeId; // an initialize or server/discover not yet answered
    private bool _sessionStarted;
    private int _budgetedInFlight;

    /// <inheritdoc/>
    public void Dispose()
    {
        _released.Writer.TryComplete();
    }

    /// <summary>Runs until the server exits; returns its exit code (2 when it cannot start).</summary>
    public async Task<int> RunAsync()
    {
        if (ServerProcess.Start(options.Command, options.Arguments, out var error) is not { } server)
        {
            err.WriteLine($"pacts: error: {error}");
            return (int)ExitCode.Error;
        }

        using (server)
        {
            _serverIn = server.StandardInput.BaseStream;
            // Each pump is a thread of its own reading synchronously: the kernel wakes it when a line arrives, with no
            // hop through the thread pool (async pipe reads complete there), which is where forwarded messages' tail
            // latency came from (benchmarks/README.md, "pacts mcp latency").
            var serverOut = server.StandardOutput.BaseStream;
            var fromServer = Task.Factory.StartNew(() => PumpServer(serverOut), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var fromClient = Task.Factory.StartNew(PumpClient, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var released = JudgeReleasedAsync();
            var first = await Task.WhenAny(fromServer, fromClient).ConfigureAwait(false);
            var clientClosed = first == fromClient && !fromServer.IsCompleted;
            if (clientClosed)
            {
                // The client has said all it will: let the calls it sent finish (a held call is judged once the one
                // before it is answered) before the server's input closes, for at most the grace period.
                var drain = Stopwatch.StartNew();
                while (!fromServer.IsCompleted && drain.Elapsed < options.Grace && Unfinished())
                {
                    await Task.Delay(5).ConfigureAwait(false);
                }

                if (!fromServer.IsCompleted && Unfinished())
                {
                    err.WriteLine($"pacts mcp: calls were still unanswered {options.Grace.TotalSeconds:0.#} s after the client closed its input; closing the server's input");
                }
            }

            if (fromServer.IsCompleted && await fromServer.ConfigureAwait(false) is { } problem)
            {
                err.WriteLine($"pacts mcp: {problem}; ending the session");
                Stop(server);
            }
            else if (clientClosed)
            {
                CloseServerInput();
                if (!server.WaitForExit(options.Grace))
                {
                    err.WriteLine($"pacts mcp: the server did not exit within {options.Grace.TotalSeconds:0.#} s of its input closing; stopping it");
                    Stop(server);
                }
            }

            await server.WaitForExitAsync().ConfigureAwait(false);
            await fromServer.ConfigureAwait(false);
            _released.Writer.TryComplete();
            await released.ConfigureAwait(false);
            var code = server.ExitCode;
            lock (_gate)
            {
                foreach (var call in _calls.Where(c => c.Outcome is null))
                {
                    (call.Outcome, call.ErrorMessage) = ("error", "no response");
                }

                if (!_sessionStarted && _calls.Count > 0)
                {
                    StartSession(); // calls made while a handshake was never answered are still written
                }

                WriteAnswered();
                if (_sessionStarted)
                {
                    WriteEvent(w =>
                    {
                        Header(w, "session_end");
                        w.WriteString("endedAt", Now());
                        w.WriteString("outcome", code == 0 ? "success" : "failure"); // a server that failed (or was stopped) fails the session
                    });
                }
            }

            if (!clientClosed || code != 0)
            {
                err.WriteLine(code == 0 ? "pacts mcp: the server exited" : $"pacts mcp: the server exited with code {code}");
            }

            return code;
        }
    }

    private static void Stop(Process server)
    {
        try
        {
            server.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // it had exited already
        }
    }

    private bool Unfinished()
    {
        lock (_gate)
        {
            return _calls.Exists(c => c.Outcome is null);
        }
    }

    private void PumpClient()
    {
        var reader = new LineReader(clientIn, MaxMessage);
        try
        {
            while (reader.ReadLine() is { } line)
            {
                HandleClient(line);
            }

            if (reader.Oversized)
            {
                err.WriteLine($"pacts mcp: the client sent a message over {MaxMessage} bytes; closing the server's input");
            }
        }
        catch (IOException)
        {
            // the server's input closed under us: the server pump reports why
        }
    }

    private void HandleClient(ReadOnlyMemory<byte> line)
    {
        var message = McpGate.ReadClient(line);
        switch (message.Action)
        {
            case ClientAction.Answer:
                if (message.DropReason is { } refused)
                {
                    err.WriteLine($"pacts mcp: refused {TerminalText.Safe(refused)}");
                }

                ToClient(message.Answer!);
                return;
            case ClientAction.Drop:
                err.WriteLine($"pacts mcp: dropped {message.DropReason}");
                return;
            case ClientAction.ToolCall:
                Call(message.Call!, message.ClientName, line.ToArray());
                return;
        }

        PendingCall? next = null;
        lock (_gate)
        {
            if (message.HandshakeIdJson is { } handshake)
            {
                _handshakeId = handshake;
            }

            if (!_sessionStarted)
            {
                _agentId ??= message.ClientName;
            }

            if (message.CancelledIdJson is { } cancelled && _byId.TryGetValue(cancelled, out var call) && call.Outcome is null)
            {
                // A server need not answer a cancelled request, so the call is over now: not charged (SPEC §12).
                (call.Outcome, call.ErrorMessage, call.LatencyMs) = ("error", "cancelled", call.Clock.ElapsedMilliseconds);
                next = Finish(call);
            }
        }

        ToServer(line);
        JudgeHeld(next);
    }

    private void Call(McpToolCall request, string? clientName, byte[] line)
    {
        var pact = options.Pact;
        var budgeted = pact.BudgetsSee(request.Tool);
        var call = new PendingCall(request, line, budgeted);
        bool hold;
        lock (_gate)
        {
            if (!_sessionStarted)
            {
                _agentId ??= clientName;
                if (_handshakeId is null)
                {
                    StartSession(); // no handshake (MCP 2026-07-28 need not send one), or one that failed: the session is this proxy's life
                }
            }

            _calls.Add(call);
            _byId[request.IdJson] = call;
            hold = budgeted && (_budgetedInFlight > 0 || _held.Count > 0);
            if (hold)
            {
                _held.Enqueue(call);
            }
            else if (budgeted)
            {
                _budgetedInFlight++;
            }
        }

        if (!hold)
        {
            Judge(call);
        }
    }

    /// <summary>Judges a call (its budgets against the outcomes known so far) and forwards or answers it.</summary>
    private void Judge(PendingCall call)
    {
        var request = call.Request;
        var pact = options.Pact;
        Verdict verdict;
        lock (_gate)
        {
            call.AttemptedAt = DateTimeOffset.UtcNow;
            call.Clock.Restart();
            verdict = request.Malformed is { } malformed
                ? new Verdict(pact.Id, pact.Version, request.Tool, pact.Binds(request.Tool), [malformed])
                : pact.Validate(request.Tool, request.Arguments.AsMemory());
            if (request.Malformed is null && call.Budgeted)
            {
                verdict = options.Budgets.Apply(pact, verdict, Budget(call, records: false), request.Arguments.AsMemory());
            }
        }

        var blockedByPact = verdict.HighestSeverity is { } worst && worst >= options.BlockOn;
        var blockedByTask = request.AsksForTask && call.Budgeted;
        if (request.Malformed is not null || blockedByPact || blockedByTask)
        {
            var answer = blockedByTask && !blockedByPact && request.Malformed is null
                ? McpGate.Error(request.IdJson, -32602, $"task execution of `{request.Tool}` is refused: a budget counts it, and a task's outcome arrives too late to charge it in order")
                : McpGate.Blocked(request.IdJson, verdict);
            PendingCall? next;
            lock (_gate)
            {
                (call.Outcome, call.LatencyMs) = ("denied", 0);
                next = Finish(call);
            }

            ToClient(answer);
            JudgeHeld(next);
            return;
        }

        ToServer(call.Line);
    }

    private string? PumpServer(Stream serverOut)
    {
        var reader = new LineReader(serverOut, MaxMessage);
        while (reader.ReadLine() is { } line)
        {
            if (line.Span.Trim(" \t\r"u8).IsEmpty)
            {
                continue; // nothing to pass on: a client would read an empty message
            }

            var message = McpGate.ReadServer(line);
            if (message.NotJson)
            {
                // Not a JSON-RPC message (a stray log line, say): passing it on would break the client's stream.
                err.WriteLine($"pacts mcp: the server wrote a line that is not JSON to stdout (not forwarded): {TerminalText.Safe(Preview(line))}");
                continue;
            }

            var next = message.Response is { } response ? OnResponse(response) : null;
            ToClient(line);
            if (next is not null)
            {
                _released.Writer.TryWrite(next); // after the answer it waited for has gone to the client
            }
        }

        return reader.Oversized ? $"the server wrote a message over {MaxMessage} bytes" : null;
    }

    private PendingCall? OnResponse(ServerResponse response)
    {
        lock (_gate)
        {
            if (response.IdJson == _handshakeId)
            {
                _handshakeId = null;
                if (!_sessionStarted && response.HasResult)
                {
                    StartSession();
                    WriteAnswered();
                }
            }

            if (!_byId.TryGetValue(response.IdJson, out var call) || call.Outcome is not null)
            {
                return null; // not a call, or one already over (cancelled)
            }

            call.Outcome = response.IsError ? "error" : "success";
            call.ErrorMessage = response.ErrorMessage;
            call.LatencyMs = call.Clock.ElapsedMilliseconds;
            if (call.Budgeted && call.Outcome == "success")
            {
                using var arguments = JsonDocument.Parse(call.Request.Arguments);
                options.Budgets.Record(options.Pact, Budget(call, records: true), arguments.RootElement);
            }

            return Finish(call);
        }
    }

    /// <summary>Writes the <c>session_start</c>; the agent is fixed from here on. Under the lock.</summary>
    private void StartSession()
    {
        _sessionStarted = true;
        _agentId ??= "mcp-client";
        WriteEvent(w =>
        {
            Header(w, "session_start");
            w.WriteString("startedAt", Now());
            w.WriteString("pactId", options.Pact.Id);
        });
    }

    /// <summary>
    /// A call is over (answered, denied, cancelled): write what can be written in request order and, when it was the
    /// budgeted call in flight, hand back the next held one to judge. Under the lock.
    /// </summary>
    private PendingCall? Finish(PendingCall call)
    {
        _byId.Remove(call.Request.IdJson);
        WriteAnswered();
        if (!call.Budgeted)
        {
            return null;
        }

        _budgetedInFlight--;
        if (_budgetedInFlight == 0 && _held.TryDequeue(out var next))
        {
            _budgetedInFlight++;
            return next;
        }

        return null;
    }

    private async Task JudgeReleasedAsync()
    {
        await foreach (var call in _released.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            Judge(call);
        }
    }

    private static string Preview(ReadOnlyMemory<byte> line)
    {
        var text = System.Text.Encoding.UTF8.GetString(line.Span[..Math.Min(line.Length, 200)]);
        return line.Length > 200 ? text + "..." : text;
    }

    private void JudgeHeld(PendingCall? next)
    {
        if (next is not null)
        {
            Judge(next);
        }
    }

    private BudgetCall Budget(PendingCall call, bool records) =>
        new(call.Request.Tool, _agentId ?? "mcp-client", _sessionId, call.AttemptedAt, records);

    /// <summary>Writes every call over at the front of the request order (once the session has started). Under the lock.</summary>
    private void WriteAnswered()
    {
        if (!_sessionStarted && (options.Events is not null || options.EventSink is not null))
        {
            return; // written once the session has started, in order
        }

        while (_calls.Count > 0 && _calls[0].Outcome is not null)
        {
            var c = _calls[0];
            _calls.RemoveAt(0);
            WriteEvent(w =>
            {
                Header(w, "tool_call");
                w.WriteString("pactId", options.Pact.Id);
                w.WriteString("tool", c.Request.Tool);
                // §6 params are an object: arguments that were not one (the call was denied for it) go to metadata, so the
                // line stays an event that replay and the service read.
                var notObject = c.Request.Malformed is { Rule: "type" };
                w.WritePropertyName("params");
                w.WriteRawValue(notObject ? "{}"u8 : c.Request.Arguments, skipInputValidation: true);
                w.WriteString("outcome", c.Outcome);
                w.WriteString("attemptedAt", c.AttemptedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
                w.WriteNumber("latencyMs", c.LatencyMs);
                if ((notObject ? c.Request.Malformed!.Message : c.ErrorMessage) is { } message)
                {
                    w.WriteString("errorMessage", message);
                }

                if (notObject)
                {
                    w.WriteStartObject("metadata");
                    w.WritePropertyName("arguments");
                    w.WriteRawValue(c.Request.Arguments, skipInputValidation: true);
                    w.WriteEndObject();
                }
            });
        }
    }

    private void Header(Utf8JsonWriter w, string type)
    {
        w.WriteString("type", type);
        w.WriteString("sessionId", _sessionId);
        w.WriteString("agentId", _agentId ?? "mcp-client");
    }

    private static string Now() => DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private void WriteEvent(Action<Utf8JsonWriter> body)
    {
        if (options.Events is null && options.EventSink is null)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        options.EventSink?.Invoke(buffer.WrittenMemory);
        if (options.Events is { } events)
        {
            buffer.Write("\n"u8);
            events.Write(buffer.WrittenSpan);
            events.Flush();
        }
    }

    private void ToServer(ReadOnlyMemory<byte> line)
    {
        lock (_toServer)
        {
            try
            {
                ServerProcess.WriteLine(_serverIn!, line.Span);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // the server is gone; its pump ends the session
            }
        }
    }

    private void ToClient(ReadOnlyMemory<byte> line)
    {
        lock (_toClient)
        {
            try
            {
                ServerProcess.WriteLine(clientOut, line.Span);
            }
            catch (IOException)
            {
                // the client is gone; closing its input ends the session
            }
        }
    }

    private void CloseServerInput()
    {
        lock (_toServer)
        {
            try
            {
                _serverIn?.Dispose();
            }
            catch (IOException)
            {
                // already closed
            }
        }
    }

    private sealed class PendingCall(McpToolCall request, byte[] line, bool budgeted)
    {
        public McpToolCall Request { get; } = request;

        public byte[] Line { get; } = line;

        public bool Budgeted { get; } = budgeted;

        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public DateTimeOffset AttemptedAt { get; set; } = DateTimeOffset.UtcNow;

        public string? Outcome { get; set; }

        public string? ErrorMessage { get; set; }

        public long LatencyMs { get; set; }
    }
}
