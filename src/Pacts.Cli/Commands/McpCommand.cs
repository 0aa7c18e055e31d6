using System.CommandLine;
using Pacts.Cli.Mcp;
using Pacts.Evaluating;

namespace Pacts.Cli.Commands;

/// <summary><c>pacts mcp</c> (SPEC §12): a stdio proxy that enforces a pact on an MCP server's tool calls.</summary>
internal static class McpCommand
{
    public static Command Create(CliContext context)
    {
        var pacts = Options.Pacts(required: true);
        var pact = new Option<string>("--pact") { Description = "pact id; may be omitted when the set holds one pact", HelpName = "ID" };
        var blockOn = new Option<string>("--block-on")
        {
            Description = "lowest severity that blocks a call: critical (default), major or minor",
            HelpName = "SEV",
            DefaultValueFactory = _ => "critical",
        }.AcceptOnlyFromAmong("critical", "major", "minor");
        var agentId = new Option<string>("--agent-id") { Description = "the agent's id in events and budgets (default: the client's clientInfo.name)", HelpName = "ID" };
        var history = Options.History("event logs of earlier calls (read as replay reads them), the budgets' starting state");
        var events = new Option<string>("--events") { Description = "append the session's events here (JSONL, flushed per event); its earlier events also start the budgets", HelpName = "FILE" };
        var ingest = new Option<string>("--ingest") { Description = "send the session's events to `pacts serve` at this URL (batched, retried, never blocking the proxy)", HelpName = "URL" };
        var key = new Option<string>("--key") { Description = "the ingest key for --ingest (default: the PACTS_KEY environment variable, which keeps it out of process listings)", HelpName = "KEY" };
        var grace = new Option<int>("--grace")
        {
            Description = "once the client closes its input: seconds the calls in flight may take, then seconds the server may take to exit (default 10)",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 10,
        };
        var server = new Argument<string[]>("COMMAND") { Description = "the MCP server to start, after --", Arity = ArgumentArity.OneOrMore };
        var command = new Command("mcp", """
            Run an MCP server (stdio) behind a pact: every message passes unchanged except the tools/call requests the
            pact blocks, which the client gets back as an error result naming each violation.
            Exit code: the server's; 2 when the pacts, the history or the server cannot be used.

            Examples:
              pacts mcp --pacts pacts/ --pact filesystem-pact -- npx -y @modelcontextprotocol/server-filesystem /srv/data
              pacts mcp --pacts pacts/ --block-on major --events agent-events.jsonl -- node server.js
              PACTS_KEY=pk_... pacts mcp --pacts pacts/ --ingest http://127.0.0.1:8080 --history today.jsonl -- node server.js
            """)
        {
            pacts, pact, blockOn, agentId, history, events, ingest, key, grace, server, Tools(context),
        };
        command.SetAction(async (parse, _) => (int)await RunAsync(
            context,
            new Settings(parse.GetValue(pacts)!, parse.GetValue(pact), parse.GetValue(blockOn)!, parse.GetValue(agentId), parse.GetValue(history) ?? [],
                parse.GetValue(events), parse.GetValue(ingest), parse.GetValue(key), parse.GetValue(grace), parse.GetValue(server)!)).ConfigureAwait(false));
        return command;
    }

    /// <summary><c>pacts mcp tools -- COMMAND</c>: print a server's tools/list result, the file <c>validate --tools</c> reads.</summary>
    private static Command Tools(CliContext context)
    {
        var server = new Argument<string[]>("COMMAND") { Description = "the MCP server to start, after --", Arity = ArgumentArity.OneOrMore };
        var timeout = new Option<int>("--timeout")
        {
            Description = "seconds to wait for the server's answers (default 30)",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 30,
        };
        var command = new Command("tools", """
            Start an MCP server (stdio), ask for its tools (tools/list, every page) and print them as one JSON result,
            {"tools": [...]}, the file `pacts validate --tools` checks pacts against.
            Exit codes: 0 listed, 2 the server cannot start, dies or does not answer.

            Example:
              pacts mcp tools -- npx -y @modelcontextprotocol/server-filesystem /srv/data >tools.json
            """)
        {
            server, timeout,
        };
        command.SetAction(async (parse, _) =>
        {
            var argv = parse.GetValue(server)!;
            var seconds = parse.GetValue(timeout);
            if (seconds < 1)
            {
                return (int)context.Fail("--timeout must be at least 1 second");
            }

            var (tools, error) = await ToolsLister.ListAsync(argv[0], argv[1..], TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
            if (tools is null)
            {
                return (int)context.Fail(error!);
            }

            context.Out.WriteLine(tools);
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private sealed record Settings(string[] Pacts, string? PactId, string BlockOn, string? AgentId, string[] History, string? EventsPath, string? Ingest, string? Key, int Grace, string[] Server);

    private static async Task<ExitCode> RunAsync(CliContext context, Settings settings)
    {
        var (pactPaths, pactId, blockOn, agentId, history, eventsPath, ingestUrl, key, grace, server) = settings;
        if (eventsPath is not null && ingestUrl is not null)
        {
            return context.Fail("give --events FILE or --ingest URL, not both (SPEC §12): a file for a proxy on its own, the service for a fleet");
        }

        if (grace < 1)
        {
            return context.Fail("--grace must be at least 1 second");
        }

        Uri? ingest = null;
        if (ingestUrl is not null)
        {
            if (!Uri.TryCreate(ingestUrl.EndsWith('/') ? ingestUrl : ingestUrl + "/", UriKind.Absolute, out ingest) || ingest.Scheme is not ("http" or "https"))
            {
                return context.Fail($"--ingest {ingestUrl} is not an http(s) URL (the address `pacts serve` listens on, e.g. http://127.0.0.1:8080)");
            }

            key ??= Environment.GetEnvironmentVariable("PACTS_KEY");
            if (string.IsNullOrEmpty(key))
            {
                return context.Fail("--ingest needs a key: --key KEY, or the PACTS_KEY environment variable");
            }
        }
        else if (key is not null)
        {
            return context.Fail("--key is the key for --ingest URL; give both");
        }

        var set = PactLoading.Load(context, pactPaths);
        if (set is null || PactLoading.Pick(context, set, pactId) is not { } pact)
        {
            return ExitCode.Error;
        }

        _ = SeverityNames.TryParse(blockOn, out var threshold);
        var logs = eventsPath is not null && File.Exists(eventsPath) ? [.. history, eventsPath] : history;
        if (PactLoading.MissingLog(context, history) is { } missing)
        {
            return missing;
        }

        // Budget state: the history and the events file's earlier sessions, replayed as replay reads them.
        if (PactLoading.BudgetState(context, set, logs, "log", "the budgets cannot start without it") is not { } analyzer)
        {
            return ExitCode.Error;
        }

        FileStream? events = null;
        try
        {
            if (eventsPath is not null)
            {
                events = new FileStream(eventsPath, FileMode.Append, FileAccess.Write, FileShare.Read);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return context.Fail($"cannot open --events {eventsPath}: {ex.Message}");
        }

        await using (events)
        {
            using var http = ingest is null ? null : new HttpClient { BaseAddress = ingest, Timeout = TimeSpan.FromSeconds(10) };
            var telemetry = http is null ? null : new Pacts.Agent.TelemetryClient(new Pacts.Agent.HttpTelemetrySink(http, key!), new Pacts.Agent.TelemetryOptions { BatchSize = 25, FlushInterval = TimeSpan.FromSeconds(1) }, new StderrLogger(context.Err));
            var options = new McpOptions(pact, threshold, agentId, analyzer.Budgets, events, server[0], server[1..])
            {
                Grace = TimeSpan.FromSeconds(grace),
                EventSink = telemetry is null ? null : json => telemetry.RecordJson(System.Text.Encoding.UTF8.GetString(json.Span)),
            };
            int code;
            using (var stdin = context.OpenStdin())
            using (var stdout = context.OpenStdout())
            using (var proxy = new McpProxy(options, stdin, stdout, context.Err))
            {
                code = await proxy.RunAsync().ConfigureAwait(false);
            }

            if (telemetry is not null)
            {
                // What is still buffered goes out now, with the client's retries, for at most the grace period.
                var drained = telemetry.DisposeAsync().AsTask();
                if (await Task.WhenAny(drained, Task.Delay(TimeSpan.FromSeconds(grace))).ConfigureAwait(false) != drained || telemetry.Buffered > 0 || telemetry.Dropped > 0)
                {
                    context.Err.WriteLine($"pacts mcp: {telemetry.Buffered + telemetry.Dropped} event(s) not delivered to {ingest}; {telemetry.Sent} delivered");
                }
            }

            return (ExitCode)code;
        }
    }

    /// <summary>The telemetry client's warnings (a dropped batch, a full buffer) as <c>pacts mcp:</c> lines on stderr.</summary>
    private sealed class StderrLogger(TextWriter err) : Microsoft.Extensions.Logging.ILogger<Pacts.Agent.TelemetryClient>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lock (err)
                {
                    err.WriteLine($"pacts mcp: telemetry: {formatter(state, exception)}");
                }
            }
        }
    }
}
