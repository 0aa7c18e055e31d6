using Pacts.Syntax;

namespace Pacts.Tests;

public class DiagnosticTests
{
    [Fact]
    public void Every_problem_of_a_file_is_reported_at_its_line()
    {
        var errors = TestPacts.Errors("""
            pact: "bad id!"
            version: 3.0
            unboundTools: allw
            bindings:
              - tool: t
                conditions:
                  - paramPath: a
                    allowlist: [x]
                  - paramPath: "b["
                    required: true
                  - paramPath: c
                    valueRange: {min: 5, max: 1}
                  - paramPath: d
                  - paramPath: e
                    severity: fatal
                    maxLength: 1
              - tool: t
                conditions: []
              - tools: u
            extra: 1
            """, "x.yaml");
        var byLine = errors.Select(e => (e.Span.Line, e.Code)).ToList();
        Assert.Contains((1, "PACT005"), byLine);
        Assert.Contains((2, "PACT006"), byLine);
        Assert.Contains((3, "PACT007"), byLine);
        Assert.Contains((8, "PACT002"), byLine);
        Assert.Contains((9, "PACT009"), byLine);
        Assert.Contains((12, "PACT012"), byLine);
        Assert.Contains((13, "PACT010"), byLine);
        Assert.Contains((15, "PACT007"), byLine);
        Assert.Contains((17, "PACT008"), byLine);
        Assert.Contains((19, "PACT002"), byLine);
        Assert.Contains((20, "PACT002"), byLine);
        Assert.All(errors, e => Assert.Equal("x.yaml", e.Span.File));
        Assert.Contains(errors, e => e.Help == "did you mean `allowList`?");
        Assert.Contains(errors, e => e.Help == "did you mean `allow`?");
    }

    [Fact]
    public void Json_pacts_report_positions_too()
    {
        var result = Pact.Compile("{\n  \"pact\": \"p\",\n  \"bindings\": [\n    {\"tool\": \"t\", \"conditions\": [{\"paramPath\": \"a\", \"maxAmount\": -1}]}\n  ]\n}", "p.json", PactFormat.Json);
        var e = Assert.Single(result.Diagnostics);
        Assert.Equal((4, "PACT012"), (e.Span.Line, e.Code));
        Assert.Equal(66, e.Span.Column);
    }

    [Theory]
    [InlineData("{\"pact\": \"p\",}")]
    [InlineData("{\"pact\": \"p\"} x")]
    [InlineData("")]
    [InlineData("{\"pact\": \"p\", \"pact\": \"q\", \"bindings\": []}")]
    public void Broken_json_is_one_clear_error(string json)
    {
        var result = Pact.Compile(json, "p.json", PactFormat.Json);
        Assert.False(result.Success);
        Assert.NotEmpty(result.Diagnostics);
    }

    [Theory]
    [InlineData("pact: t\nbindings:\n\t- tool: x\n", 3, 1)]
    [InlineData("pact: t\nbindings:\n  - tool: x\n    conditions:\n  \t  - paramPath: a\n", 5, 3)]
    public void A_tab_in_indentation_is_reported_on_its_line(string yaml, int line, int column)
    {
        // YamlDotNet puts this error at 1:1 whatever line holds the tab.
        var e = Assert.Single(Pact.Compile(yaml, "p.yaml").Diagnostics);
        Assert.Equal(("PACT001", line, column), (e.Code, e.Span.Line, e.Span.Column));
        Assert.Contains("tab", e.Message, StringComparison.Ordinal);
        Assert.Equal("indent with spaces", e.Help);
    }

    [Theory]
    [InlineData("\\ud800", 93)]          // a high surrogate alone
    [InlineData("x\\ud800y", 93)]        // followed by something that is not its low half
    [InlineData("\\udc00", 93)]          // a low surrogate alone
    [InlineData("\\ud800\\ud800", 93)] // two high halves
    public void Half_a_surrogate_pair_is_a_syntax_error_at_the_string(string escaped, int column)
    {
        var json = $$"""{"pact":"p","version":1,"bindings":[{"tool":"t","conditions":[{"paramPath":"a","allowList":["{{escaped}}"]}]}]}""";
        var result = Pact.Compile(json, "p.json", PactFormat.Json);
        Assert.False(result.Success);
        var e = Assert.Single(result.Diagnostics);
        Assert.Equal(("PACT001", 1, column), (e.Code, e.Span.Line, e.Span.Column));
        Assert.Contains("surrogate", e.Message, StringComparison.Ordinal);

        var asKey = Pact.Compile($$"""{"pact":"p","{{escaped}}":1,"bindings":[]}""", "p.json", PactFormat.Json);
        Assert.Equal(("PACT001", 13), (Assert.Single(asKey.Diagnostics).Code, asKey.Diagnostics[0].Span.Column));
    }

    [Fact]
    public void A_whole_escaped_surrogate_pair_is_one_character()
    {
        var pact = Pact.Compile("""{"pact":"p","version":1,"bindings":[{"tool":"t","conditions":[{"paramPath":"a","allowList":["\ud83d\ude00"]}]}]}""", "p.json", PactFormat.Json).Pact!;
        Assert.True(pact.Validate("t", """{"a":"😀"}""").Valid);
    }

    [Fact]
    public void Json_lists_read_into_columns_report_what_lists_of_nodes_report_at_the_same_places()
    {
        // JSON lists of scalars are read into columns; the diagnostics about their items must come out as for YAML,
        // each at its item: repeats (by SPEC §4 equality), an object among scalars, a value in both lists, a null.
        var json = """
            {"pact": "p", "bindings": [{"tool": "t", "conditions": [
              {"paramPath": "a", "allowList": ["x", 1, "x",
                 1.0, true, true, null, null]},
              {"paramPath": "b", "allowList": ["x", "y",
                 {"k": 1}, "z"]},
              {"paramPath": "c", "allowList": ["v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "w\u00e9"],
               "denyList": ["q",
                 "w\u00e9"]}]}]}
            """;
        var yaml = """
            pact: p
            bindings:
              - tool: t
                conditions:
                  - paramPath: a
                    allowList: ["x", 1, "x",
                       1.0, true, true, null, null]
                  - paramPath: b
                    allowList: ["x", "y",
                       {"k": 1}, "z"]
                  - paramPath: c
                    allowList: ["v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "w\u00e9"]
                    denyList: ["q",
                       "w\u00e9"]
            """;
        var fromJson = Pact.Compile(json, "p.json", PactFormat.Json).Diagnostics.Select(d => (d.Code, d.Span.Line - 1, d.Span.Column, d.Message)).ToList();
        var fromYaml = Pact.Compile(yaml, "p.yaml", PactFormat.Yaml).Diagnostics.Select(d => (d.Code, d.Message)).ToList();
        Assert.Equal(
            [("PACT014", 4, 6), ("PACT015", 7, 6), ("PACT101", 1, 44), ("PACT101", 2, 6), ("PACT101", 2, 17), ("PACT101", 2, 29), ("PACT105", 2, 23)],
            fromJson.Select(d => (d.Code, d.Item2, d.Column)).Order());
        Assert.Equal(fromYaml.Order(), fromJson.Select(d => (d.Code, d.Message)).Order());
        Assert.Contains(fromJson, d => d.Message == "`wé` is in both `allowList` and `denyList`");
    }

    [Fact]
    public void A_yaml_list_leaves_columns_for_nodes_at_its_first_anchor_alias_tag_or_collection_and_means_the_same()
    {
        // Plain scalars are read into columns; `&n 2`, `*n`, `!!str 3` and a mapping are not plain, so each list below
        // switches to nodes part-way. Diagnostics and verdicts must not depend on where it switched (a repeat through an
        // alias is reported where its anchor is, as aliases share the anchored node).
        static string Yaml(string a, string c, string more = "") => $"""
            pact: p
            bindings:
              - tool: t
                conditions:
                  - paramPath: a
                    allowList: {a}
                  - paramPath: c
                    allowList: {c}{more}
            """;
        var withNodes = Pact.Compile(Yaml("[x, 1, &n 2, y, !!str 3, *n, x]", "[!!str 4, q, 4]", "\n      - paramPath: b\n        allowList: [y, {k: 1}]"), "p.yaml", PactFormat.Yaml);
        Assert.Equal([("PACT101", 6, 27), ("PACT101", 6, 49), ("PACT014", 10, 24)], withNodes.Diagnostics.Select(d => (d.Code, d.Span.Line, d.Span.Column)));
        var inColumns = Pact.Compile(Yaml("[x, 1, 2, y, \"3\"]", "[\"4\", q, 4]"), "q.yaml", PactFormat.Yaml).Pact!;
        var switched = Pact.Compile(Yaml("[x, 1, &n 2, y, !!str 3, *n, x]", "[!!str 4, q, 4]"), "r.yaml", PactFormat.Yaml).Pact!;
        foreach (var value in new[] { "\"x\"", "1", "2", "2.0", "\"2\"", "3", "\"3\"", "\"y\"", "\"4\"", "4", "\"q\"", "\"z\"" })
        {
            var call = $$"""{"a":{{value}},"c":{{value}}}""";
            Assert.Equal(inColumns.Validate("t", call).Summary(), switched.Validate("t", call).Summary());
        }
    }

    [Fact]
    public void Version_must_be_an_integer_literal()
    {
        Assert.Contains(TestPacts.Errors("pact: p\nversion: \"3\"\nbindings: []"), e => e.Code == "PACT006");
        Assert.Contains(TestPacts.Errors("pact: p\nversion: 0\nbindings: []"), e => e.Code == "PACT006");
        Assert.Equal(3, TestPacts.Compile("pact: p\nversion: 3\nbindings: []").Version);
    }

    [Fact]
    public void Rendered_form_is_file_line_col_level_code_message()
    {
        var e = Assert.Single(TestPacts.Errors("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: a\n        allowlist: [x]\n", "f.yaml"));
        Assert.Equal("f.yaml:6:9: error PACT002: unknown key `allowlist` in a condition; did you mean `allowList`?", e.ToString());
    }
}
