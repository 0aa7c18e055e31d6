using System.CommandLine;
using Pacts.Schema;

namespace Pacts.Cli.Commands;

/// <summary><c>pacts schema</c>: the JSON Schema of pact documents, generated from the engine's rule catalogue.</summary>
internal static class SchemaCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("schema", """
            Print the JSON Schema (draft 2020-12) of pact documents.

            Example:
              pacts schema > pact.schema.json
              # then, first line of a pact: # yaml-language-server: $schema=./pact.schema.json
            """);
        command.SetAction(_ =>
        {
            context.Out.WriteLine(PactSchema.ToJson());
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
