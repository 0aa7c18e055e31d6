using Pacts.Syntax;

namespace Pacts.Tests;

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
