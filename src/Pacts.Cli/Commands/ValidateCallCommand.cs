using System.CommandLine;
using System.Text;
using Pacts.Cli.Rendering;

namespace Pacts.Cli.Commands;

/// <summary><c>pacts validate-call</c>: one offline pre-flight check of a tool call.</summary>
internal static class ValidateCallCommand
{
    public static Command Create(CliContext context)
    {
        var pacts = Options.Pacts(required: true);
        var pact = new Option<string>("--pact") { Description = "pact id; may be omitted when the set holds one pact", HelpName = "ID" };
        var tool = new Option<string>("--tool") { Description = "the tool name", HelpName = "NAME", Required = true };
        var parameters = new Option<string>("--params") { Description = "the params: JSON text, @FILE, or - for stdin", HelpName = "JSON|@FILE|-", Required = true };
        var format = new Option<string>("--format") { Description = "json (default) or text", DefaultValueFactory = _ => "json" }
            .AcceptOnlyFromAmong("json", "text");
        var failOn = Options.FailOn();
        var history = Options.History("event logs of the calls before this one (read as replay reads them), for the pact's budgets");
        var agentId = new Option<string>("--agent-id") { Description = "the calling agent's id (needed by per-agent budgets)", HelpName = "ID" };
        var sessionId = new Option<string>("--session-id") { Description = "the call's session id (needed by per-session budgets)", HelpName = "ID" };
        var at = new Option<string>("--at") { Description = "the call's attemptedAt, ISO 8601 (default: now)", HelpName = "TIME" };
        var command = new Command("validate-call", """
            Validate one tool call against a pact and print the verdict.
            Exit codes: 0 valid, 1 a violation at or above --fail-on (default minor), 2 error.

            Examples:
              pacts validate-call --pacts pacts/ --pact treasury-pact --tool transfer_funds \
                --params '{"destination":"0xEVIL","amount":250,"currency":"USDC"}' --agent-id atlas
              echo '{"amount": 10}' | pacts validate-call --pacts treasury.pact.yaml --tool transfer_funds --params - --format text
              pacts validate-call --pacts pacts/ --tool transfer_funds --params '{"amount": 900}' \
                --history today.jsonl --agent-id atlas --session-id s-42 --at 2026-03-01T17:00:00Z
            """)
        {
            pacts, pact, tool, parameters, format, failOn, history, agentId, sessionId, at,
        };
        command.SetAction(parse => (int)Run(
            context, parse.GetValue(pacts)!, parse.GetValue(pact), parse.GetValue(tool)!, parse.GetValue(parameters)!, parse.GetValue(format)!, parse.GetValue(failOn)!,
            new Preflight(parse.GetValue(history) ?? [], parse.GetValue(agentId), parse.GetValue(sessionId), parse.GetValue(at))));
        return command;
    }

    /// <summary>The SPEC §10 pre-flight options: the history before the call and the call's scope ids and time.</summary>
    private sealed record Preflight(string[] History, string? AgentId, string? SessionId, string? At);

    private static ExitCode Run(CliContext context, string[] pactPaths, string? pactId, string tool, string paramsArg, string format, string failOn, Preflight preflight)
    {
        var set = PactLoading.Load(context, pactPaths);
        if (set is null)
        {
            return ExitCode.Error;
        }

        var pact = PactLoading.Pick(context, set, pactId);
        if (pact is null)
        {
            return ExitCode.Error;
        }

        if (!TryReadParams(context, paramsArg, out var bytes, out var source))
        {
            return ExitCode.Error;
        }

        if (Text.SourceText.ByteOrderMark(bytes) is { UnitBytes: > 1, Name: var encoding })
        {
            // Windows PowerShell's `>` and `Out-File` write UTF-16; JSON here is UTF-8 (RFC 8259).
            return context.Fail($"{source} is {encoding} text (it starts with a {encoding} byte order mark); pass UTF-8 JSON, e.g. convert it with `iconv -f {encoding} -t UTF-8`");
        }

        var json = bytes.AsMemory();
        if (json.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            json = json[3..]; // a byte order mark from an editor is not part of the params
        }

        using var doc = ParamsLimits.Parse(json, out var problem);
        if (doc is null)
        {
            return problem!.Kind switch
            {
                // The library refuses raw params this deep, and replay reports them as a malformed line: no verdict here either.
                ParamsProblemKind.TooDeep => context.Fail($"{source} nests deeper than {problem.MaxDepth} levels ({problem.Syntax!.Where}); params may nest at most {problem.MaxDepth} (objects and arrays, the params object first)"),
                ParamsProblemKind.NotObject => context.Fail($"{source} must be a JSON object, not {Pact.Describe(problem.Found)}; wrap the params in {{...}}"),
                _ => context.Fail($"{source} {problem.Syntax?.Describe(json.Span) ?? "is not valid JSON"}; pass a JSON object such as '{{\"amount\": 250}}'"),
            };
        }

        var verdict = pact.Validate(tool, doc.RootElement);
        if (pact.BudgetNames.Count > 0 || preflight.History.Length > 0)
        {
            if (Budgeted(context, set, pact, verdict, tool, doc.RootElement, preflight) is not { } judged)
            {
                return ExitCode.Error;
            }

            verdict = judged;
        }

        if (format == "text")
        {
            VerdictRenderer.Text(context.Out, verdict, context.Color);
        }
        else
        {
            context.Out.WriteLine(verdict.ToJson());
        }

        return Options.Fails(verdict.HighestSeverity, failOn) ? ExitCode.Findings : ExitCode.Ok;
    }

    /// <summary>
    /// The verdict with the pact's budgets judged as if the call came next after <c>--history</c> (SPEC §10); null,
    /// with the error written, when a log cannot be read, <c>--at</c> is not a time, or a budget lacks its scope id.
    /// </summary>
    private static Evaluating.Verdict? Budgeted(CliContext context, PactSet set, Pact pact, Evaluating.Verdict verdict, string tool, System.Text.Json.JsonElement parameters, Preflight preflight)
    {
        var at = DateTimeOffset.UtcNow;
        if (preflight.At is { } text && !Events.EventParser.TryParseTimestamp(text, out at))
        {
            context.Fail($"--at `{text}` is not an ISO 8601 date-time; write e.g. 2026-03-01T17:00:00Z");
            return null;
        }

        if (PactLoading.BudgetState(context, set, preflight.History, "--history log", "no verdict without the whole history") is not { } analyzer)
        {
            return null;
        }

        try
        {
            return analyzer.Budgets.Apply(pact, verdict, new Budgets.BudgetCall(tool, preflight.AgentId, preflight.SessionId, at, Records: false), parameters);
        }
        catch (Budgets.BudgetScopeException ex)
        {
            context.Fail($"{ex.Message} with {(ex.Per == Evaluating.BudgetScope.Agent ? "--agent-id" : "--session-id")}");
            return null;
        }
    }

    private static bool TryReadParams(CliContext context, string arg, out byte[] bytes, out string source)
    {
        bytes = [];
        if (arg == "-")
        {
            source = "params from stdin";
            using var stdin = context.OpenStdin();
            using var buffer = new MemoryStream();
            stdin.CopyTo(buffer);
            bytes = buffer.ToArray();
            return true;
        }

        if (arg.StartsWith('@'))
        {
            var path = arg[1..];
            source = $"params file {path}";
            try
            {
                bytes = File.ReadAllBytes(path);
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                context.Fail($"cannot read params file {path}: {ex.Message}");
                return false;
            }
        }

        source = "--params";
        bytes = Encoding.UTF8.GetBytes(arg);
        return true;
    }
}
