using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pacts.Cli.Tests;

/// <summary>SIGHUP reloads the pacts of a running `pacts serve` (SPEC §9), here a single pact file, which is not watched.</summary>
public class ServeReloadTests
{
    [Fact]
    public async Task Sighup_reloads_a_pact_file_and_a_broken_one_keeps_the_last_good_set()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no SIGHUP there
        }

        var data = Directory.CreateTempSubdirectory("pacts-hup-").FullName;
        var pact = Path.Combine(data, "one.pact.yaml");
        await File.WriteAllTextAsync(pact, "pact: hup-pact\nversion: 1\nbindings:\n  - tool: t\n    conditions: []\n");
        var port = ServeEndToEndTests.FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        var psi = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "pacts.dll"), "serve", "--pacts", pact, "--data", data, "--urls", $"http://127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var server = Process.Start(psi)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            await ServeEndToEndTests.WaitHealthy(http);
            Assert.Equal(1, await Version(http));

            await File.WriteAllTextAsync(pact, "pact: hup-pact\nversion: 2\nbindings:\n  - tool: t\n    conditions: []\n");
            await Task.Delay(500);
            Assert.Equal(1, await Version(http)); // a file is not watched: nothing changes until told
            Hangup(server.Id);
            Assert.Equal(2, await Eventually(http, 2));

            await File.WriteAllTextAsync(pact, "pact: hup-pact\nversion: 3\nbindings: [");
            Hangup(server.Id);
            await Task.Delay(1000);
            Assert.Equal(2, await Version(http)); // refused: the last good set keeps serving
            Assert.False(server.HasExited);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    private static void Hangup(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-HUP", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
    }

    private static async Task<int> Version(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonElement>("/api/v1/health")).GetProperty("pacts")[0].GetProperty("version").GetInt32();

    private static async Task<int> Eventually(HttpClient http, int want)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        int have;
        while ((have = await Version(http)) != want && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        return have;
    }
}
