using System.CommandLine;
using Pacts.Evaluating;

namespace Pacts.Cli.Commands;

/// <summary>Options several commands share, defined once.</summary>
internal static class Options
{
    public static Option<string[]> Pacts(bool required) => new("--pacts")
    {
        Description = "pact files or directories (searched recursively; *.test.yaml skipped)",
        Required = required,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = true,
    };

    public static Option<string> FailOn() => new Option<string>("--fail-on")
    {
        Description = "lowest severity that makes the exit code 1: critical, major, minor or none",
        DefaultValueFactory = _ => "minor",
    }.AcceptOnlyFromAmong("critical", "major", "minor", "none");

    /// <summary>True when a verdict's highest severity is at or above the threshold (<c>none</c> never fails).</summary>
    public static bool Fails(Severity? highest, string failOn) =>
        highest is { } h && failOn != "none" && SeverityNames.TryParse(failOn, out var threshold) && h >= threshold;
}
