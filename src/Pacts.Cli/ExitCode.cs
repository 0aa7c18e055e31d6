namespace Pacts.Cli;

/// <summary>The process exit codes of SPEC §8.</summary>
internal enum ExitCode
{
    /// <summary>Everything valid / passed.</summary>
    Ok = 0,

    /// <summary>A finding: an invalid pact, a violation at or above <c>--fail-on</c>, a failed test.</summary>
    Findings = 1,

    /// <summary>Usage or I/O error: the command could not do its job.</summary>
    Error = 2,
}
