using Pacts.Paths;
using Pacts.Syntax;

namespace Pacts.Tests;

public class ParamPathTests
{
    [Theory]
    [InlineData("a", "a")]
    [InlineData("a.b", "a.b")]
    [InlineData("a[0]", "a[0]")]
    [InlineData("items[*].sku", "items[*].sku")]
    [InlineData("['key.with.dots']", "['key.with.dots']")]
    [InlineData("[\"x\"][*]", "x[*]")]
    [InlineData("['']", "['']")]
    [InlineData("['it\\'s']", "['it\\'s']")]
    [InlineData("['back\\\\slash']", "['back\\\\slash']")]
    [InlineData("$a_b-c.d", "$a_b-c.d")]
    public void Parses_and_renders(string text, string rendered)
    {
        Assert.True(ParamPath.TryParse(text, out var path, out var error), error);
        Assert.Equal(rendered, path!.Render([], 0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[0]")]
    [InlineData("[*]")]
    [InlineData("a.")]
    [InlineData("a..b")]
    [InlineData("a[01]")]
    [InlineData("a[")]
    [InlineData("a[*")]
    [InlineData("items[*.sku")]
    [InlineData("a['x]")]
    [InlineData("a b")]
    [InlineData("1a")]
    [InlineData("a[-1]")]
    [InlineData("a['\\n']")]
    [InlineData("a[99999999999]")]
    public void Rejects_malformed(string text) => Assert.False(ParamPath.TryParse(text, out _, out _));

    [Fact]
    public void Absurdly_long_paths_are_rejected() =>
        Assert.False(ParamPath.TryParse(string.Join(".", Enumerable.Repeat("a", 100_000)), out _, out _));

    [Fact]
    public void Keys_that_are_not_identifiers_render_quoted()
    {
        var pact = TestPacts.Condition("['a b'][*]['c.d']", "required: true");
        Assert.Equal(["['a b'][1]['c.d']:required"], pact.Validate("""{"a b":[{"c.d":1},{}]}""").Summary());
    }
}

public class YamlScalarTests
{
    [Theory]
    [InlineData("0xA11A", PactNodeKind.String)]
    [InlineData("0o17", PactNodeKind.String)]
    [InlineData("012", PactNodeKind.String)]
    [InlineData("1_000", PactNodeKind.String)]
    [InlineData(".inf", PactNodeKind.String)]
    [InlineData("yes", PactNodeKind.String)]
    [InlineData("no", PactNodeKind.String)]
    [InlineData("NO", PactNodeKind.String)]
    [InlineData("on", PactNodeKind.String)]
    [InlineData("+1", PactNodeKind.String)]
    [InlineData("1.", PactNodeKind.String)]
    [InlineData(".5", PactNodeKind.String)]
    [InlineData("0", PactNodeKind.Number)]
    [InlineData("-0.5", PactNodeKind.Number)]
    [InlineData("1e5", PactNodeKind.Number)]
    [InlineData("1E-5", PactNodeKind.Number)]
    [InlineData("12345678901234567890123456789.000000000000000000001", PactNodeKind.Number)]
    [InlineData("true", PactNodeKind.Boolean)]
    [InlineData("TRUE", PactNodeKind.Boolean)]
    [InlineData("False", PactNodeKind.Boolean)]
    [InlineData("tRUE", PactNodeKind.String)]
    [InlineData("null", PactNodeKind.Null)]
    [InlineData("~", PactNodeKind.Null)]
    [InlineData("NULL", PactNodeKind.Null)]
    public void Plain_scalars(string text, PactNodeKind kind) => Assert.Equal(kind, Read($"k: {text}").Entries[0].Value.Kind);

    [Theory]
    [InlineData("k: '123'", PactNodeKind.String)]
    [InlineData("k: \"true\"", PactNodeKind.String)]
    [InlineData("k: |\n  123\n", PactNodeKind.String)]
    [InlineData("k:", PactNodeKind.Null)]
    [InlineData("k: !!str 123", PactNodeKind.String)]
    [InlineData("k: !!int 123", PactNodeKind.Number)]
    [InlineData("k: !!float 1.5", PactNodeKind.Number)]
    [InlineData("k: !!bool true", PactNodeKind.Boolean)]
    [InlineData("k: !!null null", PactNodeKind.Null)]
    public void Quoted_block_empty_and_tagged(string yaml, PactNodeKind kind) => Assert.Equal(kind, Read(yaml).Entries[0].Value.Kind);

    [Fact]
    public void Numbers_keep_their_exact_text() => Assert.Equal("1.50e+3", Read("k: 1.50e+3").Entries[0].Value.Text);

    [Theory]
    [InlineData("k: !custom x", "PACT017")]
    [InlineData("k: !!int abc", "PACT017")]
    [InlineData("k: 1\nk: 2", "PACT016")]
    [InlineData("k: [1", "PACT001")]
    [InlineData("a: 1\n---\nb: 2", "PACT020")]
    [InlineData("k: *nope", "PACT001")]
    [InlineData("k: [a\n- b]", "PACT001")] // YamlDotNet's scanner throws InvalidOperationException here
    [InlineData("k: {a: [b\n- c: d}", "PACT001")]
    public void Problems(string yaml, string code)
    {
        var bag = new Diagnostics.DiagnosticBag();
        _ = PactDocumentReader.Read(yaml, "f.yaml", PactFormat.Yaml, bag);
        Assert.Contains(bag.Items, d => d.Code == code);
    }

    [Fact]
    public void Anchors_and_aliases_work_and_alias_bombs_are_stopped()
    {
        var pact = TestPacts.Compile("""
            pact: p
            bindings:
              - tool: t
                conditions:
                  - paramPath: a
                    allowList: &wallets [x, y]
                  - paramPath: b
                    allowList: *wallets
            """);
        Assert.Equal(["b:allowList"], pact.Validate("""{"a":"x","b":"z"}""").Summary());

        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + string.Join("\n", Enumerable.Range(1, 9).Select(i => $"{(char)('a' + i)}: &{(char)('a' + i)} [*{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}]"));
        var bag = new Diagnostics.DiagnosticBag();
        Assert.Null(PactDocumentReader.Read(bomb, "bomb.yaml", PactFormat.Yaml, bag));
        Assert.Contains(bag.Items, d => d.Message.Contains("million", StringComparison.Ordinal));
    }

    [Fact]
    public void Deep_nesting_is_one_clear_error()
    {
        var deep = "k: " + new string('[', 5000) + new string(']', 5000);
        var bag = new Diagnostics.DiagnosticBag();
        Assert.Null(PactDocumentReader.Read(deep, "deep.yaml", PactFormat.Yaml, bag));
        Assert.Single(bag.Items);
    }

    private static PactNode Read(string yaml)
    {
        var bag = new Diagnostics.DiagnosticBag();
        var node = PactDocumentReader.Read(yaml, "f.yaml", PactFormat.Yaml, bag);
        Assert.False(bag.HasErrors, string.Join("\n", bag.Items));
        return node!;
    }
}

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

public class PactCacheTests
{
    private const string Yaml = """
        pact: cache-test
        bindings:
          - tool: t
            conditions:
              - paramPath: amount
                maxAmount: 5
        """;

    [Fact]
    public void An_equal_text_in_a_new_string_hits_and_a_different_text_misses()
    {
        var first = Pact.Compile(Yaml, "a.yaml").Pact;
        var equal = Pact.Compile(new string(Yaml.AsSpan()), "b.yaml").Pact; // equal content, another instance
        var other = Pact.Compile(Yaml.Replace("maxAmount: 5", "maxAmount: 6", StringComparison.Ordinal), "a.yaml").Pact;

        Assert.NotNull(first);
        Assert.Same(first, equal);
        Assert.NotSame(first, other);
        Assert.True(other!.Validate("""{"amount": 6}""").Valid); // the changed text is compiled as written
        Assert.False(first!.Validate("""{"amount": 6}""").Valid);
    }

    [Fact]
    public void The_same_text_as_json_and_as_yaml_are_cached_apart()
    {
        // `{"pact": ...}` is both valid JSON and valid YAML; each format keeps its own entry.
        const string text = """{"pact": "cache-both", "bindings": [{"tool": "t", "conditions": [{"paramPath": "a", "maxAmount": 1}]}]}""";
        var json = Pact.Compile(text, "p.json", Syntax.PactFormat.Json);
        var yaml = Pact.Compile(new string(text.AsSpan()), "p.yaml", Syntax.PactFormat.Yaml);
        Assert.True(json.Success);
        Assert.True(yaml.Success);
        Assert.NotSame(json.Pact, yaml.Pact);
    }

    [Fact]
    public void A_hit_from_another_file_names_that_file_in_its_diagnostics()
    {
        var broken = Yaml.Replace("maxAmount: 5", "maxAmount: five", StringComparison.Ordinal);
        var a = Pact.Compile(broken, "a.yaml");
        var b = Pact.Compile(new string(broken.AsSpan()), "b.yaml");
        Assert.False(a.Success);
        Assert.All(a.Diagnostics, d => Assert.Equal("a.yaml", d.Span.File));
        Assert.All(b.Diagnostics, d => Assert.Equal("b.yaml", d.Span.File));
        Assert.Equal(a.Diagnostics.Count, b.Diagnostics.Count);
    }
}

public sealed class SourceFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pacts-files-").FullName;

    private static readonly string Pact = File.ReadAllText(Path.Combine(SharedPaths.Bench, "treasury.pact.yaml"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string relative, string? text = null)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text ?? Pact);
        return path;
    }

    private string Relative(string path) => Path.GetRelativePath(_root, path);

    [Fact]
    public void A_Kubernetes_ConfigMap_mount_is_one_pact_per_key_not_three()
    {
        // kubelet's layout: the data in a timestamped directory, `..data` linking to it, each key a link through it.
        Write("..2026_12_01_10_00_00.123/treasury.pact.yaml");
        Write("..2026_12_01_10_00_00.123/treasury.test.yaml", "pact: treasury-pact\ncases: []\n");
        Directory.CreateSymbolicLink(Path.Combine(_root, "..data"), "..2026_12_01_10_00_00.123");
        File.CreateSymbolicLink(Path.Combine(_root, "treasury.pact.yaml"), "..data/treasury.pact.yaml");
        File.CreateSymbolicLink(Path.Combine(_root, "treasury.test.yaml"), "..data/treasury.test.yaml");

        var set = PactSet.Load(_root);
        Assert.False(set.HasErrors, string.Join("\n", set.Diagnostics));
        Assert.Equal(["treasury.pact.yaml"], PactSet.FindFiles([_root], []).Select(Relative));
        Assert.Equal(["treasury.test.yaml"], Testing.PactTestRunner.FindFiles([_root], []).Select(Relative));
    }

    [Fact]
    public void A_link_cycle_ends_and_each_file_is_taken_once()
    {
        Write("a/treasury.pact.yaml");
        Directory.CreateSymbolicLink(Path.Combine(_root, "a", "back"), _root);
        Directory.CreateSymbolicLink(Path.Combine(_root, "again"), Path.Combine(_root, "a"));
        Assert.Equal([Path.Combine("a", "treasury.pact.yaml")], PactSet.FindFiles([_root], []).Select(Relative));
        Assert.False(PactSet.Load(_root).HasErrors);
    }

    [Fact]
    public void Dot_entries_are_skipped_unless_named_and_overlapping_paths_give_each_file_once()
    {
        var visible = Write("p/treasury.pact.yaml");
        Write(".git/treasury.pact.yaml");
        var hidden = Write("p/.treasury.pact.yaml");
        Assert.Equal([visible], PactSet.FindFiles([_root], []));
        Assert.Equal([visible], PactSet.FindFiles([_root, Path.Combine(_root, "p"), visible], []));
        Assert.Equal([hidden], PactSet.FindFiles([hidden], []));
    }
}

/// <summary>Pact and test files are read as strict text: bytes that do not decode are an error where they are.</summary>
public class SourceTextTests
{
    private const string Yaml = "pact: enc\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: city\n        allowList: [\"café\"]\n";

    private static string Write(string name, byte[] bytes)
    {
        var dir = Directory.CreateTempSubdirectory("pacts-text-").FullName;
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void A_Latin_1_pact_is_an_error_at_its_first_undecodable_byte_not_a_value_no_call_matches()
    {
        var path = Write("latin1.pact.yaml", System.Text.Encoding.Latin1.GetBytes(Yaml));
        var result = Pact.Load(path);
        Assert.Null(result.Pact);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("PACT001", 6, 25), (d.Code, d.Span.Line, d.Span.Column));
        Assert.Contains("not valid UTF-8", d.Message, StringComparison.Ordinal);
        Assert.Contains("0xE9", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Latin_1_test_file_is_an_error_too()
    {
        var text = "pact:\n  pact: p\n  bindings: []\ncases:\n  - name: caf\u00e9\n    tool: t\n    params: {}\n    expect: {valid: true}\n";
        var result = Testing.PactTestRunner.RunFile(Write("latin1.test.yaml", System.Text.Encoding.Latin1.GetBytes(text)), pacts: null);
        var d = Assert.Single(result.Errors);
        Assert.Equal(("PACT001", 5, 14), (d.Code, d.Span.Line, d.Span.Column));
    }

    [Theory]
    [InlineData("utf-8-bom")]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    [InlineData("utf-32le")]
    public void Text_with_a_byte_order_mark_reads_in_its_encoding(string encoding)
    {
        System.Text.Encoding e = encoding switch
        {
            "utf-8-bom" => new System.Text.UTF8Encoding(true),
            "utf-16le" => new System.Text.UnicodeEncoding(false, true),
            "utf-16be" => new System.Text.UnicodeEncoding(true, true),
            _ => new System.Text.UTF32Encoding(false, true),
        };
        var pact = Pact.Load(Write("p.pact.yaml", [.. e.GetPreamble(), .. e.GetBytes(Yaml)])).Pact;
        Assert.NotNull(pact);
        Assert.True(pact.Validate("t", """{"city":"café"}""").Valid);
        Assert.False(pact.Validate("t", """{"city":"cafe"}""").Valid);
    }

    [Theory]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    [InlineData("utf-32le")]
    [InlineData("utf-32be")]
    public void A_code_unit_that_is_not_text_is_an_error_where_it_is(string encoding)
    {
        // A lone high surrogate (UTF-16) or a surrogate code point (UTF-32, which may not hold one) on line 3, column 3.
        var (e, bad) = encoding switch
        {
            "utf-16le" => ((System.Text.Encoding)new System.Text.UnicodeEncoding(false, true), (byte[])[0x00, 0xD8]),
            "utf-16be" => (new System.Text.UnicodeEncoding(true, true), [0xD8, 0x00]),
            "utf-32le" => (new System.Text.UTF32Encoding(false, true), [0x00, 0xD8, 0, 0]),
            _ => (new System.Text.UTF32Encoding(true, true), [0, 0, 0xD8, 0x00]),
        };
        var bytes = (byte[])[.. e.GetPreamble(), .. e.GetBytes("pact: p\nbindings: []\n# "), .. bad, .. e.GetBytes("\n")];
        var d = Assert.Single(Pact.Load(Write("p.pact.yaml", bytes)).Diagnostics);
        Assert.Equal(("PACT001", 3, 3), (d.Code, d.Span.Line, d.Span.Column));
        Assert.Contains(encoding.StartsWith("utf-16", StringComparison.Ordinal) ? "not valid UTF-16 text" : "not valid UTF-32 text", d.Message, StringComparison.Ordinal);
    }
}
