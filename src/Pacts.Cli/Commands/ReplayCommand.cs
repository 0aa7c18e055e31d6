using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Pacts.Cli.Rendering;
using Pacts.Evaluating;
using Pacts.Events;
using Pacts.Replay;

namespace Pacts.Cli.Commands;

/// <summary><c>pacts replay LOG...</c>: stream agent event logs through the engine into a compliance report.</summary>
internal static class ReplayCommand
{
    public static Command Create(CliContext context)
    {
        var logs = new Argument<string[]>("LOG") { Description = "JSONL logs (.gz read through gzip, - for stdin) or {\"events\": [...]} files", Arity = ArgumentArity.OneOrMore };
        var pacts = Options.Pacts(required: true);
        var verdicts = new Option<string>("--verdicts") { Description = "write one JSON line per evaluated call to this file (- for stdout)", HelpName = "FILE" };
        var format = new Option<string>("--format") { Description = "text (default), json or markdown", DefaultValueFactory = _ => "text" }
            .AcceptOnlyFromAmong("text", "json", "markdown");
        var failOn = Options.FailOn();
        var command = new Command("replay", """
            Replay recorded agent event logs: validate every tool call against its pact and print a compliance report.
            Malformed lines are counted and listed, and never stop the run.
            Exit codes: 0 no violation at or above --fail-on, 1 one or more, 2 a log or the pacts cannot be read (2 wins).

            Examples:
              pacts replay agent.jsonl --pacts pacts/
              pacts replay logs/*.jsonl.gz --pacts pacts/ --format markdown --verdicts verdicts.jsonl --fail-on critical
            """)
        {
            logs, pacts, verdicts, format, failOn,
        };
        command.SetAction(parse => (int)Run(context, parse.GetValue(logs)!, parse.GetValue(pacts)!, parse.GetValue(verdicts), parse.GetValue(format)!, parse.GetValue(failOn)!));
        return command;
    }

    private static ExitCode Run(CliContext context, string[] logs, string[] pactPaths, string? verdictsPath, string format, string failOn)
    {
        var set = PactLoading.Load(context, pactPaths);
        if (set is null)
        {
            return ExitCode.Error;
        }

        if (PactLoading.MissingLog(context, logs) is { } missing)
        {
            return missing;
        }

        TextWriter? verdictWriter = null;
        try
        {
            if (verdictsPath is not null)
            {
                verdictWriter = verdictsPath == "-" ? context.Out : new StreamWriter(verdictsPath, false, new UTF8Encoding(false), 1 << 16);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return context.Fail($"cannot write --verdicts {verdictsPath}: {ex.Message}");
        }

        var analyzer = new ReplayAnalyzer(set);
        var broken = false;
        var progress = context.Progress ? new ProgressLine(context.Err) : null;
        try
        {
            foreach (var log in logs)
            {
                try
                {
                    using var stream = EventLogReader.Open(log, context.OpenStdin);
                    // Findings are read off the report's tallies below, so without --verdicts no call is handed out.
                    analyzer.ProcessLog(
                        stream,
                        log,
                        verdictWriter is null ? null : call => WriteVerdict(verdictWriter, call.ToJsonLine()),
                        records => progress?.Tick(log, stream, records));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    broken = true;
                    if (ex is EventLogEncodingException)
                    {
                        context.Fail($"log {log} is not UTF-8 JSON lines: {ex.Message}");
                        continue;
                    }

                    var what = log.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) && ex is InvalidDataException or IOException
                        ? "is not readable gzip" : "cannot be read";
                    context.Fail($"log {log} {what} ({ex.Message}); the report covers what was read before it");
                }
            }
        }
        catch (VerdictsNotWritten ex)
        {
            // Not the log's fault: the verdicts' file or pipe failed (a full disk, a reader that went away). The
            // report would not match the verdicts, so there is none.
            progress?.Clear();
            CloseVerdicts(verdictWriter, context, quietly: true);
            return context.Fail($"cannot write --verdicts {verdictsPath}: {ex.InnerException!.Message}; stopped reading the logs");
        }

        progress?.Clear();
        if (CloseVerdicts(verdictWriter, context, quietly: false) is { } failure)
        {
            return context.Fail($"cannot write --verdicts {verdictsPath}: {failure}");
        }

        var report = analyzer.Report();
        var worst = report.InvalidBySeverity switch
        {
            { Critical: > 0 } => Severity.Critical,
            { Major: > 0 } => Severity.Major,
            { Minor: > 0 } => Severity.Minor,
            _ => (Severity?)null,
        };
        var findings = Options.Fails(worst, failOn); // the highest severity of any invalid call, as each verdict gave it
        // With --verdicts - the verdict lines own stdout (a pipe to jq, say); the report goes to stderr.
        var output = verdictsPath == "-" ? context.Err : context.Out;
        switch (format)
        {
            case "json":
                output.WriteLine(report.ToJson());
                break;
            case "markdown":
                ReportRenderer.Markdown(output, report);
                break;
            default:
                ReportRenderer.Text(output, report, context.Color);
                break;
        }

        return broken ? ExitCode.Error : findings ? ExitCode.Findings : ExitCode.Ok;
    }

    /// <summary>A one-line progress indicator on stderr, redrawn at most ten times a second.</summary>
    private sealed class ProgressLine(TextWriter err)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _records;
        private long _lastDraw;

        public void Tick(string log, Stream stream, int records)
        {
            _records += records;
            if (_clock.ElapsedMilliseconds - _lastDraw < 100)
            {
                return;
            }

            _lastDraw = _clock.ElapsedMilliseconds;
            var rate = _records / Math.Max(0.001, _clock.Elapsed.TotalSeconds);
            string bar;
            if (stream is FileStream { CanSeek: true } fs && fs.Length > 0)
            {
                var frac = (double)fs.Position / fs.Length;
                var filled = (int)(frac * 30);
                bar = $"[{new string('#', filled)}{new string('.', 30 - filled)}] {frac:P0}";
            }
            else
            {
                bar = "[streaming]";
            }

            err.Write($"\r{Path.GetFileName(log)} {bar} {_records:N0} events, {rate:N0}/s   ");
        }

        public void Clear()
        {
            if (_lastDraw > 0)
            {
                err.Write("\r" + new string(' ', 100) + "\r");
            }
        }
    }

    /// <summary>One verdict line; a failure to write it is the verdicts' own (<see cref="VerdictsNotWritten"/>), not the log's.</summary>
    private static void WriteVerdict(TextWriter writer, string line)
    {
        try
        {
            writer.WriteLine(line);
        }
        catch (IOException ex)
        {
            throw new VerdictsNotWritten(ex);
        }
    }

    /// <summary>Closes a verdicts file (stdout is the process's to flush): the error's text when its last lines fail.</summary>
    private static string? CloseVerdicts(TextWriter? writer, CliContext context, bool quietly)
    {
        if (writer is null || ReferenceEquals(writer, context.Out))
        {
            return null;
        }

        try
        {
            writer.Dispose();
            return null;
        }
        catch (IOException ex)
        {
            return quietly ? null : ex.Message;
        }
    }

    /// <summary>Writing a verdict line failed: carries the I/O error out of the replay, apart from the logs' own errors.</summary>
    private sealed class VerdictsNotWritten(IOException inner) : Exception(inner.Message, inner);
}
