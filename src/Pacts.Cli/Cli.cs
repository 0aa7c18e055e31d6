using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Pacts.Cli.Commands;
using Pacts.Diagnostics;

namespace Pacts.Cli;

/// <summary>Builds the <c>pacts</c> command tree and runs it; parse errors are usage errors (exit 2).</summary>
internal static class Cli
{
    public static int Run(string[] args, CliContext context)
    {
        var root = new RootCommand("""
            pacts: decide whether an AI agent's tool call is allowed by a pact.
            Each command's options, examples and exit codes: pacts COMMAND --help.

            Examples:
              pacts validate pacts/
              pacts validate-call --pacts pacts/ --pact treasury-pact --tool transfer_funds --params '{"destination":"0xEVIL","amount":250}'
              pacts replay agent.jsonl --pacts pacts/
              pacts test tests/ --pacts pacts/
            """);
        root.Subcommands.Add(ValidateCommand.Create(context));
        root.Subcommands.Add(ValidateCallCommand.Create(context));
        root.Subcommands.Add(ReplayCommand.Create(context));
        root.Subcommands.Add(DiffCommand.Create(context));
        root.Subcommands.Add(McpCommand.Create(context));
        root.Subcommands.Add(TestCommand.Create(context));
        root.Subcommands.Add(SchemaCommand.Create(context));
        root.Subcommands.Add(ServeCommand.Create(context));
        root.Subcommands.Add(KeysCommand.Create(context));
        root.Subcommands.Add(LedgerCommand.Create(context));
        root.Subcommands.Add(TrustCommand.Create(context));

        // `@file` is ours (--params @FILE), not a response file.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var unknown = UnknownWords(parse);
        if (parse.Errors.Count > 0 || unknown.Count > 0)
        {
            // The specific complaint (an unknown word) first; the generic one only when it is all there is. The
            // parser's own "Unrecognized command or argument" is replaced by ours, which says what the word was taken for.
            var errors = parse.Errors.Select(e => OneLine(e.Message))
                .Where(m => !m.StartsWith("Unrecognized command or argument", StringComparison.Ordinal))
                .OrderBy(m => m.StartsWith("Required command", StringComparison.Ordinal) ? 1 : 0).ToList();
            errors.InsertRange(0, unknown);
            if (errors.Count > 1)
            {
                errors.RemoveAll(m => m.StartsWith("Required command", StringComparison.Ordinal));
            }

            foreach (var error in errors)
            {
                context.Err.WriteLine("pacts: error: " + error);
            }

            context.Err.WriteLine($"run `{CommandLine(parse.CommandResult)} --help` for usage");
            return (int)ExitCode.Error;
        }

        if (parse.Action is HelpAction && parse.CommandResult.Command == root)
        {
            // The root's command list gives each command's first line; the whole text is under `pacts COMMAND --help`.
            // The tree is built for this one run, so nothing needs restoring.
            foreach (var sub in root.Subcommands)
            {
                sub.Description = FirstLine(sub.Description);
            }
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

    /// <summary>
    /// Words the parser could not place: an unknown option (<c>--formt</c>; the parser takes it as a positional path
    /// when the command has a PATH... argument, so <c>pacts validate dir --formt json</c> looked for a file named
    /// <c>--formt</c>), or an unknown subcommand (<c>pacts valdiate</c>), each with the closest known name. After
    /// <c>--</c> every word is a value. Only the first unknown subcommand is named: the words after it follow from it.
    /// </summary>
    private static List<string> UnknownWords(ParseResult parse)
    {
        var messages = new List<string>();
        var valuesFrom = parse.Tokens.Count;
        for (var i = 0; i < parse.Tokens.Count; i++)
        {
            if (parse.Tokens[i].Type == TokenType.DoubleDash)
            {
                valuesFrom = i;
                break;
            }
        }

        bool IsValue(Token t)
        {
            for (var i = valuesFrom; i < parse.Tokens.Count; i++)
            {
                if (ReferenceEquals(parse.Tokens[i], t))
                {
                    return true;
                }
            }

            return false;
        }

        var command = parse.CommandResult;
        var where = CommandLine(command);
        var options = OptionNames(command).ToList();
        var words = command.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Where(t => !IsValue(t)).Select(t => t.Value)
            .Concat(parse.UnmatchedTokens);
        foreach (var word in words.Where(LooksLikeOption).Distinct())
        {
            var near = Suggest.Closest(word, options);
            messages.Add($"unrecognized option `{word}` for `{where}`" + (near is null ? $"; see `{where} --help`" : $"; did you mean `{near}`?"));
        }

        var unmatched = parse.UnmatchedTokens.FirstOrDefault(t => t.Length > 0 && (t[0] != '-' || t == "-"));
        if (unmatched is not null && command.Command.Subcommands.Count > 0 && messages.Count == 0)
        {
            var near = Suggest.Closest(unmatched, command.Command.Subcommands.Select(c => c.Name));
            messages.Add($"unknown command `{unmatched}` for `{where}`" + (near is null
                ? "; commands: " + string.Join(", ", command.Command.Subcommands.Select(c => c.Name))
                : $"; did you mean `{near}`?"));
        }
        else if (unmatched is not null && messages.Count == 0)
        {
            messages.Add($"unexpected argument `{unmatched}` for `{where}`");
        }

        return messages;
    }

    private static bool LooksLikeOption(string word) => word.Length > 1 && word[0] == '-' && !IsNumber(word);

    private static bool IsNumber(string word) => double.TryParse(word, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>The options <paramref name="command"/> takes, its own and the ones it inherits (<c>--help</c>), with their aliases.</summary>
    private static IEnumerable<string> OptionNames(CommandResult command)
    {
        for (var result = (SymbolResult?)command; result is not null; result = result.Parent)
        {
            if (result is CommandResult c)
            {
                foreach (var option in c.Command.Options.Where(o => ReferenceEquals(c, command) || o.Recursive || o is HelpOption))
                {
                    yield return option.Name;
                    foreach (var alias in option.Aliases)
                    {
                        yield return alias;
                    }
                }
            }
        }
    }

    /// <summary>The first line of a command's description: what the root's command list shows.</summary>
    private static string? FirstLine(string? description) =>
        description is null ? null : description.Split('\n', 2)[0].TrimEnd();

    /// <summary>The words that name a command, from <c>pacts</c> down: <c>pacts keys add</c>, not <c>pacts add</c>.</summary>
    internal static string CommandLine(CommandResult command)
    {
        var names = new List<string>();
        for (var result = (SymbolResult?)command; result is not null; result = result.Parent)
        {
            if (result is CommandResult c)
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
