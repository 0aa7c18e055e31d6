using System.CommandLine;
using Pacts.Cli.Rendering;
using Pacts.Diagnostics;

namespace Pacts.Cli.Commands;

/// <summary><c>pacts validate PATH...</c>: load and compile every pact, print every diagnostic.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliContext context)
    {
        var paths = new Argument<string[]>("PATH") { Description = "pact files or directories", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format") { Description = "text, json, github (Actions annotations) or sarif (SARIF 2.1.0, for code scanning)", DefaultValueFactory = _ => "text" }
            .AcceptOnlyFromAmong("text", "json", "github", "sarif");
        var strict = new Option<bool>("--strict") { Description = "warnings fail the run too (exit 1)" };
        var tools = new Option<string>("--tools")
        {
            Description = "also check the pacts against an MCP server's tools (a tools/list result, as `pacts mcp tools` prints): warnings PACT2NN",
            HelpName = "FILE",
        };
        var toolsStrict = new Option<bool>("--tools-strict") { Description = "with --tools: its findings are errors (exit 1)" };
        var command = new Command("validate", """
            Load and compile pacts; print every error and warning as file:line:col: error PACT0NN: message.
            Exit codes: 0 all valid (warnings allowed), 1 any error (or, with --strict, any warning), 2 usage or I/O error.

            Examples:
              pacts validate pacts/
              pacts validate pacts/ --format github --strict
              pacts mcp tools -- npx -y @modelcontextprotocol/server-filesystem /srv >tools.json
              pacts validate pacts/filesystem.pact.yaml --tools tools.json --tools-strict
            """)
        {
            paths,
            format,
            strict,
            tools,
            toolsStrict,
        };
        command.SetAction(parse => (int)Run(context, parse.GetValue(paths)!, parse.GetValue(format)!, parse.GetValue(strict), parse.GetValue(tools), parse.GetValue(toolsStrict)));
        return command;
    }

    private static ExitCode Run(CliContext context, string[] paths, string format, bool strict, string? toolsPath, bool toolsStrict)
    {
        if (toolsStrict && toolsPath is null)
        {
            return context.Fail("--tools-strict needs --tools FILE");
        }

        Mcp.ToolsLint? lint = null;
        if (toolsPath is not null && (lint = Mcp.ToolsLint.Read(toolsPath, out var toolsError)) is null)
        {
            return context.Fail(toolsError!);
        }

        var problems = new List<Diagnostic>();
        var files = PactSet.FindFiles(paths, problems);
        if (problems.Count > 0)
        {
            foreach (var p in problems)
            {
                context.Fail($"{p.Span.File}: {p.Message}; {p.Help}");
            }

            return ExitCode.Error;
        }

        if (files.Count == 0)
        {
            return context.Fail($"no pact files under {string.Join(", ", paths)}; pacts are .yaml, .yml or .json files (*.test.yaml and *.schema.json are skipped)");
        }

        var set = PactSet.FromCompilations([.. files.Select(Pact.Load)]);
        if (set.Diagnostics.Any(d => d.Code == DiagnosticCodes.Io))
        {
            foreach (var d in set.Diagnostics.Where(d => d.Code == DiagnosticCodes.Io))
            {
                context.Fail($"{d.Span.File}: {d.Message}");
            }

            return ExitCode.Error;
        }

        IReadOnlyList<Diagnostic> diagnostics = set.Diagnostics;
        if (lint is not null)
        {
            // Only files that compiled without an error: a broken pact has its own diagnostics to fix first.
            var broken = set.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Span.File).ToHashSet(StringComparer.Ordinal);
            var found = lint.Check(files.Where(f => !broken.Contains(f)));
            diagnostics = [.. diagnostics, .. found.Select(d => toolsStrict ? d with { Severity = DiagnosticSeverity.Error } : d)];
        }

        switch (format)
        {
            case "json":
                DiagnosticRenderer.Json(context.Out, diagnostics, files.Count);
                break;
            case "github":
                DiagnosticRenderer.GitHub(context.Out, diagnostics);
                break;
            case "sarif":
                SarifRenderer.Write(context.Out, diagnostics, typeof(ValidateCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
                break;
            default:
                DiagnosticRenderer.Text(context.Out, diagnostics, context.Color);
                var errors = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
                var warnings = diagnostics.Count - errors;
                context.Out.WriteLine($"{files.Count} file(s) checked: {Plural(set.Pacts.Count, "pact")} valid, {Plural(errors, "error")}, {Plural(warnings, "warning")}");
                break;
        }

        return diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) || (strict && diagnostics.Count > 0) ? ExitCode.Findings : ExitCode.Ok;
    }

    private static string Plural(int n, string word) => n == 1 ? $"1 {word}" : $"{n} {word}s";
}
