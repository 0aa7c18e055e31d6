using System.Text.Json;

namespace Pacts.Cli.Tests;

/// <summary>
/// `pacts validate --tools FILE [--tools-strict]` (SPEC §12): pacts checked against MCP tool definitions, PACT201-205
/// with the pact's file, line and column; and `pacts mcp tools -- COMMAND` giving that file from a real server.
/// </summary>
public class ValidateToolsTests
{
    private const string Pact = "tests/Pacts.Cli.Tests/mcp/lint/lint.pact.yaml";
    private const string Tools = "tests/Pacts.Cli.Tests/mcp/lint/tools.json";

    [Fact]
    public void Each_finding_names_its_code_and_place_in_the_pact()
    {
        var (exit, stdout, stderr) = CliRunner.Run("validate", Pact, "--tools", Tools);
        Assert.Equal(0, exit); // warnings only
        Assert.Equal("", stderr);
        CliRunner.Golden("validate-tools.txt", stdout);
    }

    [Fact]
    public void The_findings_are_in_every_format_and_strict_makes_them_errors()
    {
        var (_, json, _) = CliRunner.Run("validate", Pact, "--tools", Tools, "--format", "json");
        var codes = JsonDocument.Parse(json).RootElement.GetProperty("diagnostics").EnumerateArray()
            .Select(d => (d.GetProperty("code").GetString(), d.GetProperty("line").GetInt32(), d.GetProperty("severity").GetString())).ToList();
        Assert.Equal(
            [("PACT202", 6, "warning"), ("PACT203", 9, "warning"), ("PACT204", 11, "warning"), ("PACT203", 12, "warning"), ("PACT202", 15, "warning"),
             ("PACT202", 17, "warning"), ("PACT203", 19, "warning"), ("PACT205", 4, "warning"), ("PACT201", 20, "warning"), ("PACT204", 25, "warning")],
            codes);

        var (exit, strict, _) = CliRunner.Run("validate", Pact, "--tools", Tools, "--tools-strict", "--format", "github");
        Assert.Equal(1, exit);
        Assert.Contains($"::error file={Pact},line=20,endLine=20,col=11,endColumn=17,title=PACT201::", strict, StringComparison.Ordinal);
        Assert.DoesNotContain("::warning", strict, StringComparison.Ordinal);

        var (_, sarif, _) = CliRunner.Run("validate", Pact, "--tools", Tools, "--format", "sarif");
        Assert.Contains("\"ruleId\": \"PACT205\"", sarif, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_tools_the_same_pact_is_clean()
    {
        var (exit, stdout, _) = CliRunner.Run("validate", Pact);
        Assert.Equal(0, exit);
        Assert.EndsWith("0 errors, 0 warnings\n", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"tools": [{"name": 1}]}""", "tools[0] has no string `name`")]
    [InlineData("""{"result": {"nottools": []}}""", "expected a tools/list result")]
    [InlineData("{\"tools\": [\n  {\"name\": \"x\",]}", ":2:")]
    [InlineData("""{"tools": [{"name": "t", "inputSchema": {"type": "object", "\ud800": 1}}]}""", "a member name in `tools[0].inputSchema` escapes half of a UTF-16 surrogate pair")]
    [InlineData("""{"tools": [{"name": "t\udc00"}]}""", "`tools[0].name` escapes half")]
    public void A_tools_file_it_cannot_use_is_one_clear_error(string content, string expected)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("pacts-tools-").FullName, "tools.json");
        File.WriteAllText(file, content);
        var (exit, stdout, stderr) = CliRunner.Run("validate", Pact, "--tools", file);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Tools_strict_without_tools_is_a_usage_error()
    {
        var (exit, _, stderr) = CliRunner.Run("validate", Pact, "--tools-strict");
        Assert.Equal(2, exit);
        Assert.Contains("--tools-strict needs --tools FILE", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mcp_tools_lists_a_real_servers_tools_for_validate_to_check()
    {
        var server = await NpmServers.BinAsync("mcp-server-filesystem");
        var dir = Directory.CreateTempSubdirectory("pacts-tools-").FullName;
        var (exit, stdout, stderr) = CliRunner.Run("mcp", "tools", "--", server, dir);
        Assert.True(exit == 0, stderr);
        var tools = JsonDocument.Parse(stdout).RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("write_file", tools);
        Assert.Contains("move_file", tools);
        var file = Path.Combine(dir, "tools.json");
        File.WriteAllText(file, stdout);

        // The bundled filesystem pact fits the server; a pact naming a tool it lacks, or a rule its schema excludes, does not.
        var (clean, cleanOut, _) = CliRunner.Run("validate", "examples/mcp/filesystem.pact.yaml", "--tools", file, "--tools-strict");
        Assert.True(clean == 0, cleanOut);
        var broken = Path.Combine(dir, "broken.pact.yaml");
        File.WriteAllText(broken, """
            pact: broken
            bindings:
              - tool: delete_file
                conditions: []
              - tool: read_text_file
                conditions:
                  - paramPath: head
                    regex: '[0-9]+'
            """);
        var (failed, failedOut, _) = CliRunner.Run("validate", broken, "--tools", file, "--tools-strict");
        Assert.Equal(1, failed);
        Assert.Contains("3:11: error PACT201: tool `delete_file` is not listed", failedOut, StringComparison.Ordinal);
        Assert.Contains("8:9: error PACT203: `regex` on `head` cannot apply: `read_text_file`'s input schema declares it number", failedOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Mcp_tools_reports_a_server_that_dies_or_cannot_start()
    {
        var (exit, _, stderr) = CliRunner.Run("mcp", "tools", "--", "python3", "-c", "import sys; sys.exit(4)");
        Assert.Equal(2, exit);
        Assert.Contains("the server did not initialize (its output ended)", stderr, StringComparison.Ordinal);
        var (missing, _, err) = CliRunner.Run("mcp", "tools", "--", "/nonexistent/server");
        Assert.Equal(2, missing);
        Assert.Contains("cannot start the MCP server `/nonexistent/server`", err, StringComparison.Ordinal);
    }

    // A server's answer that System.Text.Json reads but will not make strings of (escapes of half a surrogate pair) is one
    // clear error, not an unhandled exception (where it sits: the top, a member name, a description).
    [Theory]
    [InlineData("'\"jsonrpc\"', '\"\\\\ud800\": 1, \"jsonrpc\"'")]
    [InlineData("'\"inputSchema\"', '\"\\\\ud800\": 1, \"inputSchema\"'")]
    [InlineData("'\"desc\"', '\"desc\\\\udc00\"'")]
    public void Mcp_tools_reports_an_answer_that_does_not_decode(string replace)
    {
        var script = "import sys, json\n"
            + "for line in sys.stdin:\n"
            + "    m = json.loads(line)\n"
            + "    if 'id' not in m: continue\n"
            + "    r = {'protocolVersion': '2025-06-18', 'capabilities': {'tools': {}}, 'serverInfo': {'name': 's', 'version': '1'}} if m['method'] == 'initialize' else {'tools': [{'name': 't', 'description': 'desc', 'inputSchema': {'type': 'object'}}]}\n"
            + "    out = json.dumps({'jsonrpc': '2.0', 'id': m['id'], 'result': r})\n"
            + $"    print(out.replace({replace}) if m['method'] == 'tools/list' else out, flush=True)\n";
        var (exit, stdout, stderr) = CliRunner.Run("mcp", "tools", "--", "python3", "-c", script);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("the server wrote a message holding text that does not decode", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Mcp_tools_gives_up_on_a_server_that_hangs()
    {
        var (exit, _, stderr) = CliRunner.Run("mcp", "tools", "--timeout", "1", "--", "sleep", "30");
        Assert.Equal(2, exit);
        Assert.Contains("did not answer within 1 s", stderr, StringComparison.Ordinal);
    }
}
