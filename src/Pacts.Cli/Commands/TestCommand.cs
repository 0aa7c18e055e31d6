using System.CommandLine;
using System.Text.RegularExpressions;
using Pacts.Cli.Rendering;
using Pacts.Diagnostics;
using Pacts.Testing;

namespace Pacts.Cli.Commands;

/// <summary><c>pacts test PATH...</c>: run pact test files (SPEC §7).</summary>
internal static class TestCommand
{
    public static Command Create(CliContext context)
    {
        var paths = new Argument<string[]>("PATH") { Description = "test files or directories (only *.test.yaml and *.test.yml files are read)", Arity = ArgumentArity.OneOrMore };
        var pacts = Options.Pacts(required: false);
        var format = new Option<string>("--format") { Description = "text (default), json or junit (JUnit XML for CI test reports)", DefaultValueFactory = _ => "text" }
            .AcceptOnlyFromAmong("text", "json", "junit");
        var run = new Option<string>("--run")
        {
            Description = "run only the cases whose name matches this .NET regex (a partial match, as go test -run; NonBacktracking)",
            HelpName = "REGEX",
        };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "text format: name every case run, PASS or FAIL" };
        var command = new Command("test", """
            Run pact test files: each case calls a tool with params and states the verdict it expects.
            Prints each failing case with the expected and the actual verdict field by field, and what differs;
            ends with `N passed, M failed`.
            Exit codes: 0 all pass, 1 any fail, 2 error (a test file or the pacts cannot be loaded, a bad --run).

            A test file (*.test.yaml):
              pact: treasury-pact          # a pact id from --pacts, or the pact itself as an inline mapping
              cases:
                - name: evil destination is critical
                  tool: transfer_funds
                  params: {destination: "0xEVIL", amount: 250}
                  expect:
                    valid: false           # required: true or false
                    violations:            # optional: the violations, one entry each, in any order
                      - {paramPath: destination, rule: allowList, severity: critical}
            An expected violation names any of paramPath, rule, severity, value and message; only the fields
            written are compared. The list must match the actual violations one-to-one: as many entries as
            violations, each matched to its own (a violation that is not listed fails the case).

            Examples:
              pacts test pacts/ --pacts pacts/
              pacts test tests/ --pacts pacts/ --run 'destination' -v
              pacts test tests/ --pacts pacts/ --format junit > pacts-tests.xml
            """)
        {
            paths, pacts, format, run, verbose,
        };
        command.SetAction(parse => (int)Run(context, parse.GetValue(paths)!, parse.GetValue(pacts), parse.GetValue(format)!, parse.GetValue(run), parse.GetValue(verbose)));
        return command;
    }

    private static ExitCode Run(CliContext context, string[] paths, string[]? pactPaths, string format, string? runPattern, bool verbose)
    {
        Func<string, bool>? select = null;
        if (runPattern is not null)
        {
            try
            {
                var regex = new Regex(runPattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
                select = regex.IsMatch;
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                return context.Fail($"--run `{runPattern}` is not a regex pacts can run: {ex.Message.TrimEnd('.')}; write a .NET regex without backreferences or lookarounds");
            }
        }

        PactSet? set = null;
        if (pactPaths is { Length: > 0 })
        {
            set = PactLoading.Load(context, pactPaths);
            if (set is null)
            {
                return ExitCode.Error;
            }
        }

        var problems = new List<Diagnostic>();
        var files = PactTestRunner.FindFiles(paths, problems);
        foreach (var p in problems)
        {
            context.Fail($"{p.Span.File}: {p.Message}; {p.Help}");
        }

        if (problems.Count == 0 && files.Count == 0)
        {
            context.Fail($"no *.test.yaml files under {string.Join(", ", paths)}");
            return ExitCode.Error;
        }

        var results = new List<PactTestFileResult>();
        foreach (var file in files)
        {
            var result = PactTestRunner.RunFile(file, set, select);
            results.Add(result);
            if (result.Errors.Count > 0)
            {
                context.Err.WriteLine($"pacts: error: {TerminalText.Safe(file)}: the test file cannot run");
                DiagnosticRenderer.Text(context.Err, result.Errors, color: false);
            }
        }

        if (runPattern is not null && results.All(r => r.Cases.Count == 0) && results.All(r => r.Errors.Count == 0))
        {
            context.Err.WriteLine($"pacts: warning: no case name matches --run `{TerminalText.Safe(runPattern)}`");
        }

        switch (format)
        {
            case "json":
                TestReportRenderer.Json(context.Out, results);
                break;
            case "junit":
                TestReportRenderer.JUnit(context.Out, results);
                break;
            default:
                TestReportRenderer.Text(context.Out, results, verbose, context.Color);
                break;
        }

        var broken = problems.Count > 0 || results.Any(r => r.Errors.Count > 0);
        return broken ? ExitCode.Error : results.Any(r => r.Cases.Any(c => !c.Passed)) ? ExitCode.Findings : ExitCode.Ok;
    }
}
