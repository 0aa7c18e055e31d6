using System.CommandLine;
using Pacts.Cli.Rendering;
using Pacts.Diagnostics;
using Pacts.Evaluating;
using Pacts.Testing;

namespace Pacts.Cli.Commands;

/// <summary><c>pacts test PATH...</c>: run pact test files (SPEC §7).</summary>
internal static class TestCommand
{
    public static Command Create(CliContext context)
    {
        var paths = new Argument<string[]>("PATH") { Description = "test files or directories (only *.test.yaml files are read)", Arity = ArgumentArity.OneOrMore };
        var pacts = Options.Pacts(required: false);
        var command = new Command("test", """
            Run pact test files: each case calls a tool with params and states the expected verdict.
            Prints each failing case with expected against actual; ends with `N passed, M failed`.
            Exit codes: 0 all pass, 1 any fail, 2 error (a test file or the pacts cannot be loaded).

            Examples:
              pacts test examples/pacts --pacts examples/pacts
              pacts test ../shared/conformance
            """)
        {
            paths, pacts,
        };
        command.SetAction(parse => (int)Run(context, parse.GetValue(paths)!, parse.GetValue(pacts)));
        return command;
    }

    private static ExitCode Run(CliContext context, string[] paths, string[]? pactPaths)
    {
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

        int passed = 0, failed = 0;
        var broken = problems.Count > 0;
        foreach (var file in files)
        {
            var result = PactTestRunner.RunFile(file, set);
            if (result.Errors.Count > 0)
            {
                broken = true;
                context.Err.WriteLine($"pacts: error: {TerminalText.Safe(file)}: the test file cannot run");
                DiagnosticRenderer.Text(context.Err, result.Errors, color: false);
            }

            foreach (var c in result.Cases)
            {
                if (c.Passed)
                {
                    passed++;
                    continue;
                }

                failed++;
                context.Out.WriteLine($"{DiagnosticRenderer.Paint("FAIL", "31", context.Color)} {TerminalText.Safe(c.File)}:{c.Line}: {TerminalText.Safe(c.Name)}");
                context.Out.WriteLine($"  {TerminalText.Safe(c.Failure)}");
                context.Out.WriteLine($"  expected: {TerminalText.Safe(c.Expected)}");
                if (c.Actual is { } verdict)
                {
                    context.Out.WriteLine($"  actual:   {(verdict.Valid ? "valid" : "invalid")}" + (verdict.Valid ? "" : ", violations:"));
                    foreach (var v in verdict.Violations)
                    {
                        context.Out.WriteLine(TerminalText.Safe($"    - {{paramPath: {v.ParamPath}, rule: {v.Rule}, severity: {v.Severity.ToName()}" + (v.Value is null ? "" : $", value: {VerdictRenderer.Shorten(v.Value)}") + "}"));
                    }
                }
            }
        }

        context.Out.WriteLine($"{passed} passed, {failed} failed");
        return broken ? ExitCode.Error : failed > 0 ? ExitCode.Findings : ExitCode.Ok;
    }
}
