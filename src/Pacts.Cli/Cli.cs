using System.CommandLine;
using Pacts.Cli.Commands;

namespace Pacts.Cli;

/// <summary>Builds the <c>pacts</c> command tree and runs it; parse errors are usage errors (exit 2).</summary>
internal static class Cli
{
    public static int Run(string[] args, CliContext context)
    {
        var root = new RootCommand("""
            pacts: decide whether an AI agent's tool call is allowed by a pact.

            Examples:
              pacts validate examples/pacts
              pacts validate-call --pacts examples/pacts --pact treasury-pact --tool transfer_funds --params '{"destination":"0xEVIL","amount":250}'
              pacts replay examples/events/atlas.jsonl --pacts examples/pacts
              pacts test examples/pacts
            """);
        root.Subcommands.Add(ValidateCommand.Create(context));
        root.Subcommands.Add(ValidateCallCommand.Create(context));
        root.Subcommands.Add(ReplayCommand.Create(context));
        root.Subcommands.Add(TestCommand.Create(context));
        root.Subcommands.Add(SchemaCommand.Create(context));
        root.Subcommands.Add(ServeCommand.Create(context));
        root.Subcommands.Add(KeysCommand.Create(context));
        root.Subcommands.Add(LedgerCommand.Create(context));

        // `@file` is ours (--params @FILE), not a response file.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            // The specific complaint (an unknown word) first; the generic one only when it is all there is.
            var errors = parse.Errors.OrderBy(e => e.Message.StartsWith("Required command", StringComparison.Ordinal) ? 1 : 0).ToList();
            if (errors.Count > 1)
            {
                errors.RemoveAll(e => e.Message.StartsWith("Required command", StringComparison.Ordinal));
            }

            foreach (var error in errors)
            {
                context.Err.WriteLine("pacts: error: " + OneLine(error.Message));
            }

            context.Err.WriteLine($"run `{CommandLine(parse.CommandResult)} --help` for usage");
            return (int)ExitCode.Error;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = context.Out, Error = context.Err, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (int)context.Fail(ex.Message);
        }
    }

    /// <summary>The words that name a command, from <c>pacts</c> down: <c>pacts keys add</c>, not <c>pacts add</c>.</summary>
    internal static string CommandLine(System.CommandLine.Parsing.CommandResult command)
    {
        var names = new List<string>();
        for (var result = (System.CommandLine.Parsing.SymbolResult?)command; result is not null; result = result.Parent)
        {
            if (result is System.CommandLine.Parsing.CommandResult c)
            {
                names.Add(c.Parent is null ? "pacts" : c.Command.Name);
            }
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>
    /// A parser message on one line (errors are one line each): System.CommandLine lists an option's choices on
    /// lines of their own ("Must be one of:\n\t'json'\n\t'text'"), which become "Must be one of: 'json', 'text'".
    /// </summary>
    internal static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return lines.Length <= 1 ? message.Trim() : lines[0] + " " + string.Join(", ", lines[1..]);
    }
}
