using System.Net;
using System.Text;
using Pacts.Server;

namespace Pacts.Cli.Tests;

/// <summary>`pacts validate-call` and the service's validate-call, given the same params, judge or refuse them alike.</summary>
public class ParamsAgreementTests
{
    private static string Nested(int levels) => "{\"wallet\":" + new string('[', levels - 1) + new string(']', levels - 1) + "}";

    [Fact]
    public async Task The_CLI_and_the_service_give_the_same_answer_for_the_same_params()
    {
        // (params, what the CLI says after naming them, what the service says after "the body"); null: a verdict from both.
        (string Params, string? Cli, string? Service)[] cases =
        [
            (Nested(64), null, null),
            ("""{"wallet":"0xA11A000000000000000000000000000000000001"}""", null, null),
            (Nested(65), "nests deeper than 64 levels", "params nest deeper than 64 levels"),
            ("""{"wallet":[1""", "is not valid JSON: it ends before its value is complete", "the body is not valid JSON: it ends before its value is complete"),
            ("""{"wallet":x}""", "is not valid JSON: unexpected `x`", "the body is not valid JSON: unexpected `x`"),
            ("[1]", "must be a JSON object, not an array", "the body needs `params` (an object)"),
        ];

        var data = Directory.CreateTempSubdirectory("pacts-agree-").FullName;
        try
        {
            var key = CliRunner.Run("keys", "add", "--data", data, "--description", "agreement").Out.Trim();
            var pacts = Path.Combine(CliRunner.RepoRoot, "examples", "pacts");
            await using var app = PactsServer.Build(["--pacts", pacts, "--data", data, "--urls", "http://127.0.0.1:0", "--log-level", "none"]);
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            http.DefaultRequestHeaders.Add("X-Pact-Key", key);
            foreach (var (parameters, cliSays, serviceSays) in cases)
            {
                var cli = CliRunner.Run("validate-call", "--pacts", pacts, "--pact", "treasury-pact", "--tool", "get_balance", "--params", parameters);
                var body = $$"""{"tool":"get_balance","params":{{parameters}}""" + (parameters.EndsWith('}') || parameters.EndsWith(']') ? "}" : "");
                var response = await http.PostAsync("/api/v1/pacts/treasury-pact/validate-call", new StringContent(body, Encoding.UTF8, "application/json"));
                var answer = await response.Content.ReadAsStringAsync();
                if (cliSays is null)
                {
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    Assert.Equal(answer, cli.Out.TrimEnd('\n'));
                    continue;
                }

                Assert.Equal(2, cli.Exit);
                Assert.Contains($"--params {cliSays}", cli.Err, StringComparison.Ordinal);
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Contains(serviceSays!, answer, StringComparison.Ordinal);
            }

            await app.StopAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Pacts.Testing.Shared.TempDirs.Remove(data);
        }
    }
}
