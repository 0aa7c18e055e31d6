using System.Text.Json;
using Pacts.Evaluating;

namespace Pacts.Tests;

/// <summary>Small helpers: compile an inline pact, validate JSON params, summarise violations.</summary>
internal static class TestPacts
{
    public static Pact Compile(string yaml)
    {
        var result = Pact.Compile(yaml);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Pact!;
    }

    /// <summary>Compiles a pact written in its JSON form.</summary>
    public static Pact CompileJson(string json)
    {
        var result = Pact.Compile(json, "<inline>.json", Pacts.Syntax.PactFormat.Json);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Pact!;
    }

    /// <summary>A one-condition pact on tool <c>t</c>.</summary>
    public static Pact Condition(string path, string rules, string extra = "") => Compile($"""
        pact: p
        {extra}
        bindings:
          - tool: t
            conditions:
              - paramPath: "{path}"
        {Indent(rules, 8)}
        """);

    public static Verdict Validate(this Pact pact, string json, string tool = "t")
    {
        using var doc = JsonDocument.Parse(json);
        return pact.Validate(tool, doc.RootElement);
    }

    /// <summary><c>path:rule</c> for each violation, in order.</summary>
    public static string[] Summary(this Verdict verdict) => [.. verdict.Violations.Select(v => $"{v.ParamPath}:{v.Rule}")];

    public static IReadOnlyList<Pacts.Diagnostics.Diagnostic> Errors(string yaml, string file = "<inline>") =>
        [.. Pact.Compile(yaml, file).Diagnostics.Where(d => d.Severity == Pacts.Diagnostics.DiagnosticSeverity.Error)];

    /// <summary>Every diagnostic (errors and warnings) of compiling <paramref name="yaml"/>.</summary>
    public static IReadOnlyList<Pacts.Diagnostics.Diagnostic> AllDiagnostics(string yaml, string file = "<inline>") =>
        [.. Pact.Compile(yaml, file).Diagnostics];

    private static string Indent(string text, int n) =>
        string.Join("\n", text.Split('\n').Select(l => new string(' ', n) + l.TrimStart()));
}
