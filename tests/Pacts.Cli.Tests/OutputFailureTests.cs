using System.Diagnostics;

namespace Pacts.Cli.Tests;

/// <summary>
/// Output that cannot be written (a full disk, a reader that went away) is an error of its own, exit 2: never a
/// success with lines missing, and never blamed on the log being read.
/// </summary>
public class OutputFailureTests
{
    private static string CallLine(int i) =>
        $$"""{"type":"tool_call","sessionId":"s{{i}}","agentId":"a","tool":"get_balance","params":{"wallet":"0xA11A000000000000000000000000000000000001"},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z","pactId":"treasury-pact"}""";

    [Theory]
    [InlineData(25)] // the verdicts fit the writer's buffer: its last flush, at the end, is what fails
    [InlineData(5_000)] // a flush in the middle of the run fails
    public void A_verdicts_file_that_cannot_be_written_is_exit_2_and_names_the_verdicts(int calls)
    {
        var log = string.Join("\n", Enumerable.Range(0, calls).Select(CallLine));
        var (exit, stdout, stderr) = CliRunner.RunWithStdin(log, "replay", "-", "--pacts", "examples/pacts", "--verdicts", "/dev/full");
        Assert.Equal(2, exit);
        Assert.StartsWith("pacts: error: cannot write --verdicts /dev/full: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot be read", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout); // no report that the verdicts would not match
    }

    [Fact]
    public async Task A_reader_of_stdout_that_goes_away_stops_the_replay_with_exit_2()
    {
        // .NET's console stream drops writes to a closed pipe without a word: the replay read on for nobody and
        // exited 0 with the verdicts lost (`pacts replay --verdicts - | consumer`, the consumer dead).
        var log = Path.Combine(Path.GetTempPath(), $"pacts-pipe-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(log, Enumerable.Range(0, 200_000).Select(CallLine));
        try
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { Path.Combine(AppContext.BaseDirectory, "pacts.dll"), "replay", log, "--pacts", Path.Combine(CliRunner.RepoRoot, "examples", "pacts"), "--verdicts", "-" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.StartsWith("{\"line\":1,", await p.StandardOutput.ReadLineAsync(), StringComparison.Ordinal);
            p.StandardOutput.Close(); // the reader goes away after one line
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await p.WaitForExitAsync(timeout.Token);
            Assert.Equal(2, p.ExitCode);
            var errors = await stderr;
            Assert.Contains("pacts: error: cannot write --verdicts -: ", errors, StringComparison.Ordinal);
            Assert.Contains("stopped reading the logs", errors, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public void A_report_to_a_full_disk_is_exit_2()
    {
        var psi = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", $"dotnet '{Path.Combine(AppContext.BaseDirectory, "pacts.dll")}' validate examples/pacts > /dev/full" },
            WorkingDirectory = CliRunner.RepoRoot,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(2, p.ExitCode);
        Assert.Equal("pacts: error: cannot write to stdout: No space left on device\n", stderr);
    }
    [Theory]
    [InlineData(">")] // a file the shell truncated and writes at its own offset
    [InlineData(">>")] // a file opened for appending
    [InlineData("| cat >")] // a pipe
    public void Stdout_goes_where_the_shell_offset_is_so_output_interleaves_with_the_script(string redirect)
    {
        // A FileStream over fd 1 wrote the file with pwrite at a position of its own, from 0, and never moved the
        // offset the shell shares: `{ echo before; pacts --version; echo after; } > f` came out as before, after and
        // a clobbered version line. `for ... do pacts ...; done > report.txt` in CI scripts was garbled the same way.
        var file = Path.Combine(Path.GetTempPath(), $"pacts-offset-{Guid.NewGuid():N}.txt");
        var pacts = $"dotnet '{Path.Combine(AppContext.BaseDirectory, "pacts.dll")}'";
        try
        {
            File.WriteAllText(file, redirect == ">>" ? "kept\n" : "");
            var psi = new ProcessStartInfo("/bin/sh")
            {
                ArgumentList = { "-c", $"{{ echo before; {pacts} --version; {pacts} validate examples/pacts; echo after; }} {redirect} '{file}'" },
                WorkingDirectory = CliRunner.RepoRoot,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.Equal("", stderr);
            Assert.Equal(0, p.ExitCode);
            var lines = File.ReadAllLines(file);
            var expectedStart = redirect == ">>" ? new[] { "kept", "before" } : ["before"];
            Assert.Equal(expectedStart, lines[..expectedStart.Length]);
            Assert.Matches(@"^\d+\.\d+\.\d+", lines[expectedStart.Length]); // the version line, whole
            Assert.Equal("after", lines[^1]);
            Assert.Contains(lines, l => l.Contains("pacts valid", StringComparison.Ordinal) || l.Contains("valid", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
