using System.Diagnostics;

namespace Pacts.Cli.Tests;

/// <summary>
/// The real MCP servers from npm that the proxy tests run (tests/Pacts.Cli.Tests/mcp/servers/package.json, pinned with
/// its package-lock.json). <c>.ci/run</c> installs them once and names the directory in <c>PACTS_MCP_SERVERS</c>;
/// without it the first test that needs them runs <c>npm ci</c> into the test output directory, so a plain
/// <c>dotnet test</c> on a machine with node and npm needs nothing else. A machine without npm fails these tests with
/// the reason: they are never skipped.
/// </summary>
internal static class NpmServers
{
    private static readonly Lazy<Task<string>> Installed = new(InstallAsync);

    /// <summary>The executable of a server package's bin (e.g. <c>mcp-server-filesystem</c>), installed if needed.</summary>
    public static async Task<string> BinAsync(string name)
    {
        var bin = Path.Combine(await Installed.Value, "node_modules", ".bin", name);
        Assert.True(File.Exists(bin), $"{bin} is missing after npm ci");
        return bin;
    }

    private static async Task<string> InstallAsync()
    {
        if (Environment.GetEnvironmentVariable("PACTS_MCP_SERVERS") is { Length: > 0 } given)
        {
            return given;
        }

        var source = Path.Combine(CliRunner.RepoRoot, "tests", "Pacts.Cli.Tests", "mcp", "servers");
        var dir = Path.Combine(AppContext.BaseDirectory, "mcp-servers");
        Directory.CreateDirectory(dir);
        var lockFile = File.ReadAllText(Path.Combine(source, "package-lock.json"));
        var stamp = Path.Combine(dir, "installed-lock.json");
        if (File.Exists(stamp) && File.ReadAllText(stamp) == lockFile)
        {
            return dir;
        }

        File.Copy(Path.Combine(source, "package.json"), Path.Combine(dir, "package.json"), overwrite: true);
        File.WriteAllText(Path.Combine(dir, "package-lock.json"), lockFile);
        var start = new ProcessStartInfo("npm") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "ci", "--no-audit", "--no-fund" })
        {
            start.ArgumentList.Add(a);
        }

        using var npm = Process.Start(start)!;
        var output = npm.StandardOutput.ReadToEndAsync();
        var error = npm.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await npm.WaitForExitAsync(timeout.Token);
        Assert.True(npm.ExitCode == 0, $"npm ci of the MCP test servers failed ({npm.ExitCode}): {await output}{await error}");
        File.WriteAllText(stamp, lockFile);
        return dir;
    }
}
