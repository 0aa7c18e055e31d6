using System.Diagnostics;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Pacts.Cli.Tests;

/// <summary>
/// The GitHub Action (action.yml): every input reaches the script as the variable it reads, every output is one the
/// script writes, and the script itself runs as a pull-request job would (.ci/action-check.sh, with this build's tool).
/// </summary>
public partial class ActionTests
{
    private static string Root => CliRunner.RepoRoot;

    private static YamlMappingNode Action()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, "action.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode ScriptStep()
    {
        var steps = (YamlSequenceNode)((YamlMappingNode)Action()["runs"])["steps"];
        return steps.Cast<YamlMappingNode>().Single(s => s.Children.ContainsKey("id") && s["id"].ToString() == "pacts");
    }

    [Fact]
    public void Every_input_reaches_the_script_as_a_variable_it_reads()
    {
        var inputs = ((YamlMappingNode)Action()["inputs"]).Children.Keys.Select(k => k.ToString()).ToList();
        var env = ((YamlMappingNode)ScriptStep()["env"]).Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());
        var script = File.ReadAllText(Path.Combine(Root, "action", "pacts-ci.sh"));
        var text = File.ReadAllText(Path.Combine(Root, "action.yml"));
        Assert.Contains("action/pacts-ci.sh", ScriptStep()["run"].ToString(), StringComparison.Ordinal);
        foreach (var input in inputs)
        {
            Assert.True(text.Contains($"${{{{ inputs.{input} }}}}", StringComparison.Ordinal), $"input {input} is never used");
        }

        foreach (var (name, value) in env)
        {
            Assert.Contains("${{", value, StringComparison.Ordinal);
            Assert.True(script.Contains($"${{{name}", StringComparison.Ordinal), $"the script never reads {name}");
        }
    }

    [Fact]
    public void Every_output_is_one_the_script_writes()
    {
        var script = File.ReadAllText(Path.Combine(Root, "action", "pacts-ci.sh"));
        var outputs = (YamlMappingNode)Action()["outputs"];
        Assert.NotEmpty(outputs.Children);
        foreach (var (key, node) in outputs.Children)
        {
            var name = key.ToString();
            Assert.Equal($"${{{{ steps.pacts.outputs.{name} }}}}", ((YamlMappingNode)node)["value"].ToString());
            Assert.Matches(new Regex($@"(record|output) {Regex.Escape(name)} "), script);
        }
    }

    [Fact]
    public async Task The_script_passes_an_unchanged_repository_and_fails_a_lowered_cap()
    {
        var tool = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "pacts.exe" : "pacts");
        var start = new ProcessStartInfo("bash") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(Root, ".ci", "action-check.sh"));
        start.ArgumentList.Add(tool);
        using var check = Process.Start(start)!;
        var stderr = check.StandardError.ReadToEndAsync();
        var stdout = await check.StandardOutput.ReadToEndAsync();
        await check.WaitForExitAsync();
        Assert.True(check.ExitCode == 0, $"action-check exited {check.ExitCode}: {stdout}{await stderr}");
        Assert.Contains("13 calls newly blocked", stdout, StringComparison.Ordinal);
    }
}
