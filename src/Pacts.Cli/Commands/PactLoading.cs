using Pacts.Cli.Rendering;
using Pacts.Diagnostics;

namespace Pacts.Cli.Commands;

/// <summary>Loading <c>--pacts</c> for the commands that evaluate calls: any problem is an error (exit 2).</summary>
internal static class PactLoading
{
    /// <summary>Checks that every named log (other than <c>-</c>, stdin) is a readable file, before any is read.</summary>
    /// <returns><see langword="null"/> when all exist, else the error exit after one clear line.</returns>
    public static ExitCode? MissingLog(CliContext context, string[] logs)
    {
        foreach (var log in logs)
        {
            if (log != "-" && !File.Exists(log))
            {
                return context.Fail(Directory.Exists(log)
                    ? $"cannot open log {log}: it is a directory; name the log files (a shell glob: {Path.Combine(log, "*.jsonl")})"
                    : $"cannot open log {log}: no such file; check the path");
            }
        }

        return null;
    }

    /// <summary>
    /// The budgets' state after <paramref name="logs"/>, replayed as <c>pacts replay</c> reads them (SPEC §10), with a
    /// warning per malformed line; null, with the error written, when a log cannot be read (named as
    /// <paramref name="kind"/>; <paramref name="without"/> says what cannot be had without it).
    /// </summary>
    public static Replay.ReplayAnalyzer? BudgetState(CliContext context, PactSet set, IEnumerable<string> logs, string kind, string without)
    {
        var analyzer = new Replay.ReplayAnalyzer(set);
        foreach (var log in logs)
        {
            try
            {
                using var stream = Events.EventLogReader.Open(log, context.OpenStdin);
                analyzer.ProcessLog(stream, log);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                context.Fail($"{kind} {log} cannot be read ({ex.Message}); {without}");
                return null;
            }
        }

        foreach (var m in analyzer.Report().MalformedLines)
        {
            context.Err.WriteLine($"pacts: warning: {Rendering.TerminalText.Safe(m.File)}:{m.Line}: malformed line skipped: {Rendering.TerminalText.Safe(m.Reason)}");
        }

        return analyzer;
    }

    public static PactSet? Load(CliContext context, string[] paths)
    {
        var problems = new List<Diagnostic>();
        var files = PactSet.FindFiles(paths, problems);
        if (problems.Count > 0)
        {
            foreach (var p in problems)
            {
                context.Fail($"--pacts {p.Span.File}: {p.Message}; {p.Help}");
            }

            return null;
        }

        var set = PactSet.FromCompilations([.. files.Select(Pact.Load)]);
        if (set.HasErrors)
        {
            var errors = set.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            context.Fail($"the pacts do not load ({errors.Count} error(s)); run `pacts validate {string.Join(' ', paths)}` for details");
            DiagnosticRenderer.Text(context.Err, errors, color: false);
            return null;
        }

        if (set.Pacts.Count == 0)
        {
            context.Fail($"no pact files found under {string.Join(", ", paths)}; pacts are .yaml, .yml or .json files");
            return null;
        }

        return set;
    }

    /// <summary>Picks <c>--pact ID</c>, or the only pact of the set.</summary>
    public static Pact? Pick(CliContext context, PactSet set, string? id)
    {
        if (id is null)
        {
            if (set.Pacts.Count == 1)
            {
                return set.Pacts[0];
            }

            context.Fail($"the pact set holds {set.Pacts.Count} pacts ({string.Join(", ", set.Pacts.Select(p => p.Id))}); choose one with --pact ID");
            return null;
        }

        var pact = set.Find(id);
        if (pact is null)
        {
            var near = Suggest.Closest(id, set.Pacts.Select(p => p.Id));
            context.Fail($"unknown pact `{id}`; " + (near is not null ? $"did you mean `{near}`?" : "loaded: " + string.Join(", ", set.Pacts.Select(p => p.Id))));
        }

        return pact;
    }
}
