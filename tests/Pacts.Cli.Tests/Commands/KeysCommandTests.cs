namespace Pacts.Cli.Tests;

/// <summary>`pacts keys`: keys scoped to agents (`--agents`), shown by `keys list`; a pattern that is not one is refused.</summary>
public class KeysCommandTests
{
    [Fact]
    public void A_key_scoped_to_agents_lists_its_patterns_and_an_unscoped_one_a_star()
    {
        var data = Directory.CreateTempSubdirectory("pacts-keys-").FullName;
        var scoped = CliRunner.Run("keys", "add", "--data", data, "--description", "team a", "--agents", "team-a/*", "atlas");
        Assert.Equal(0, scoped.Exit);
        Assert.StartsWith("pk_", scoped.Out, StringComparison.Ordinal);
        Assert.Contains("created for team-a/*, atlas;", scoped.Err, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("keys", "add", "--data", data, "--description", "ops").Exit);

        var list = CliRunner.Run("keys", "list", "--data", data);
        Assert.Equal(0, list.Exit);
        var lines = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("active   agents: team-a/*,atlas  team a", lines[0], StringComparison.Ordinal);
        Assert.Contains("active   agents: *  ops", lines[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a*b", "--agents: agent pattern `a*b`: `*` may only end a pattern")]
    [InlineData("*", "--agents: agent pattern `*`: `*` alone would be every agent")]
    public void A_pattern_that_is_not_one_is_one_clear_error_and_makes_no_key(string pattern, string expected)
    {
        var data = Directory.CreateTempSubdirectory("pacts-keys-").FullName;
        var result = CliRunner.Run("keys", "add", "--data", data, "--description", "x", "--agents", pattern);
        Assert.Equal(2, result.Exit);
        Assert.Contains(expected, result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Err, StringComparison.Ordinal);
        Assert.Empty(result.Out);
        Assert.False(File.Exists(Path.Combine(data, "ledger.db")));
    }
}
