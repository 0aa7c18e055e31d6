using System.CommandLine;
using Pacts.Evaluating;

namespace Pacts.Cli.Commands;

/// <summary>Options several commands share, defined once.</summary>
internal static class Options
{
    /// <summary>
    /// <c>--pacts PATH</c>, repeated to give several. One path per <c>--pacts</c>: taking every word after it made
    /// <c>pacts replay --pacts dir log.jsonl</c> read the log as a pact path and then say the log was missing.
    /// </summary>
    public static Option<string[]> Pacts(bool required) => new("--pacts")
    {
        Description = "a pact file or directory (searched recursively; *.test.yaml skipped); repeat for several: --pacts a --pacts b",
        HelpName = "PATH",
        Required = required,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary><c>--history LOG...</c>: event logs read as replay reads them, the budgets' state before what comes next.</summary>
    public static Option<string[]> History(string description) => new("--history")
    {
        Description = description,
        HelpName = "LOG",
        AllowMultipleArgumentsPerToken = true,
    };

    public static Option<string> FailOn() => new Option<string>("--fail-on")
    {
        Description = "lowest severity that makes the exit code 1: critical, major, minor or none",
        HelpName = "SEV",
        DefaultValueFactory = _ => "minor",
    }.AcceptOnlyFromAmong("critical", "major", "minor", "none");

    /// <summary>True when a verdict's highest severity is at or above the threshold (<c>none</c> never fails).</summary>
    public static bool Fails(Severity? highest, string failOn) =>
        highest is { } h && failOn != "none" && SeverityNames.TryParse(failOn, out var threshold) && h >= threshold;
}
