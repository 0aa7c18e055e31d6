using System.CommandLine;
using System.Diagnostics;
using Pacts.Cli.Rendering;
using Pacts.Events;
using Pacts.Paths;
using Pacts.Replay;
using Pacts.Syntax;

namespace Pacts.Cli.Commands;

/// <summary><c>pacts diff LOG... --baseline … --candidate …</c>: what a pact change does to recorded traffic (SPEC §11).</summary>
internal static class DiffCommand
{
    public static Command Create(CliContext context)
    {
        var logs = new Argument<string[]>("LOG") { Description = "JSONL logs (.gz read through gzip, - for stdin), ledger exports included", Arity = ArgumentArity.OneOrMore };
        var baseline = new Option<string>("--baseline")
        {
            Description = "the pacts before the change: a path, `recorded` (the verdicts a ledger export carries) or git:REV (the --candidate path at that revision)",
            HelpName = "PATH|recorded|git:REV",
            Required = true,
        };
        var candidate = new Option<string>("--candidate") { Description = "the pacts after the change (a file or directory)", HelpName = "PATH", Required = true };
        var amount = new Option<string>("--amount") { Description = "a param path whose amounts (budget charge rules) are added up over newly-valid and newly-invalid calls", HelpName = "PATH" };
        var format = new Option<string>("--format") { Description = "text (default), json or markdown", DefaultValueFactory = _ => "text" }
            .AcceptOnlyFromAmong("text", "json", "markdown");
        var failOn = new Option<string>("--fail-on")
        {
            Description = "which flips make the exit code 1: newly-invalid, newly-valid, changed, any (default) or none",
            HelpName = "KIND",
            DefaultValueFactory = _ => "any",
        }.AcceptOnlyFromAmong("newly-invalid", "newly-valid", "changed", "any", "none");
        var command = new Command("diff", """
            Replay logs under two pact sets (each with its own budget state) and report every tool call whose verdict differs.
            Exit codes: 0 no flip of the --fail-on kind, 1 one or more, 2 a log or the pacts cannot be read.

            Examples:
              pacts diff traffic.jsonl --baseline pacts-main/ --candidate pacts/
              pacts diff export.jsonl --baseline recorded --candidate pacts/ --amount amount --format markdown
              pacts diff traffic.jsonl --baseline git:origin/main --candidate pacts/ --fail-on newly-invalid
            """)
        {
            logs, baseline, candidate, amount, format, failOn,
        };
        command.SetAction(parse => (int)Run(context, parse.GetValue(logs)!, parse.GetValue(baseline)!, parse.GetValue(candidate)!, parse.GetValue(amount), parse.GetValue(format)!, parse.GetValue(failOn)!));
        return command;
    }

    private static ExitCode Run(CliContext context, string[] logs, string baselineArg, string candidatePath, string? amountText, string format, string failOn)
    {
        ParamPath? amount = null;
        if (amountText is not null && !ParamPath.TryParse(amountText, out amount, out var pathError))
        {
            return context.Fail($"--amount `{amountText}` is not a param path: {pathError}");
        }

        var candidate = PactLoading.Load(context, [candidatePath]);
        if (candidate is null)
        {
            return ExitCode.Error;
        }

        PactSet? baseline = null;
        if (baselineArg.StartsWith("git:", StringComparison.Ordinal))
        {
            baseline = LoadAtRevision(context, candidatePath, baselineArg["git:".Length..]);
            if (baseline is null)
            {
                return ExitCode.Error;
            }
        }
        else if (baselineArg != "recorded")
        {
            baseline = PactLoading.Load(context, [baselineArg]);
            if (baseline is null)
            {
                return ExitCode.Error;
            }
        }

        if (PactLoading.MissingLog(context, logs) is { } missing)
        {
            return missing;
        }

        var diff = new PactDiff(baseline, candidate, amount);
        var broken = false;
        foreach (var log in logs)
        {
            try
            {
                using var stream = EventLogReader.Open(log, context.OpenStdin);
                diff.ProcessLog(stream, log);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                broken = true;
                context.Fail($"log {log} cannot be read ({ex.Message}); the diff covers what was read before it");
            }
        }

        var report = diff.Report();
        switch (format)
        {
            case "json":
                context.Out.WriteLine(report.ToJson());
                break;
            case "markdown":
                DiffRenderer.Markdown(context.Out, report);
                break;
            default:
                DiffRenderer.Text(context.Out, report);
                break;
        }

        return broken ? ExitCode.Error : report.Fails(failOn) ? ExitCode.Findings : ExitCode.Ok;
    }

    /// <summary>
    /// The pacts under <paramref name="path"/> as they are at git revision <paramref name="revision"/>, read from the
    /// repository that holds the path (<c>git ls-tree</c> and <c>git show</c>: no checkout, no clone).
    /// </summary>
    private static PactSet? LoadAtRevision(CliContext context, string path, string revision)
    {
        var full = Path.GetFullPath(path);
        var dir = Directory.Exists(full) ? full : Path.GetDirectoryName(full)!;
        if (Git(dir, out var top, "rev-parse", "--show-toplevel") is { } notRepo)
        {
            return Failed(context, $"--baseline git:{revision}: {path} is not in a git repository ({notRepo})");
        }

        var relative = Path.GetRelativePath(top.Trim(), full).Replace('\\', '/');
        if (Git(top.Trim(), out var listing, "ls-tree", "-r", "-z", "--name-only", revision, "--", relative == "." ? "" : relative) is { } badRevision)
        {
            return Failed(context, $"--baseline git:{revision}: {badRevision}");
        }

        var compilations = new List<PactCompilation>();
        foreach (var name in listing.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!PactSet.IsPactFile(name))
            {
                continue;
            }

            if (Git(top.Trim(), out var text, "show", $"{revision}:{name}") is { } unreadable)
            {
                return Failed(context, $"--baseline git:{revision}: cannot read {name} ({unreadable})");
            }

            var format = name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? PactFormat.Json : PactFormat.Yaml;
            compilations.Add(Pact.Compile(text, $"{revision}:{name}", format));
        }

        var set = PactSet.FromCompilations(compilations);
        if (set.HasErrors)
        {
            context.Fail($"--baseline git:{revision}: the pacts there do not load");
            DiagnosticRenderer.Text(context.Err, [.. set.Diagnostics.Where(d => d.Severity == Diagnostics.DiagnosticSeverity.Error)], color: false);
            return null;
        }

        return set.Pacts.Count == 0 ? Failed(context, $"--baseline git:{revision}: no pact files under {relative} at that revision") : set;
    }

    private static PactSet? Failed(CliContext context, string message)
    {
        context.Fail(message);
        return null;
    }

    /// <summary>Runs git; null and its stdout when it succeeds, else its first stderr line (or why it could not start).</summary>
    private static string? Git(string workingDirectory, out string stdout, params string[] args)
    {
        stdout = "";
        var start = new ProcessStartInfo("git") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        try
        {
            using var git = Process.Start(start)!;
            var stderr = git.StandardError.ReadToEndAsync();
            stdout = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            var error = stderr.GetAwaiter().GetResult();
            return git.ExitCode == 0 ? null : error.Split('\n', 2)[0].Trim() is { Length: > 0 } line ? line : $"git exited with {git.ExitCode}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"cannot run git: {ex.Message}";
        }
    }
}
