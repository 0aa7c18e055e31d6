using System.Text;
using System.Text.Json;
using Pacts.Compiling;
using Pacts.Diagnostics;
using Pacts.Evaluating;
using Pacts.Reading;

namespace Pacts.Testing;

/// <summary>One case of a pact test file and how it went.</summary>
/// <param name="File">The test file.</param>
/// <param name="Line">The line of the case.</param>
/// <param name="Name">The case's name.</param>
/// <param name="Passed">True when the verdict met every expectation.</param>
/// <param name="Expected">The expectation, rendered for people.</param>
/// <param name="Actual">The verdict, or null when the case could not run.</param>
/// <param name="Failure">Why the case failed, when it did.</param>
public sealed record PactTestCaseResult(string File, int Line, string Name, bool Passed, string Expected, Verdict? Actual, string? Failure);

/// <summary>The results of one test file: its cases, and any problem that kept cases from running.</summary>
/// <param name="File">The test file.</param>
/// <param name="Cases">Case results in file order.</param>
/// <param name="Errors">Problems with the file itself (unreadable, malformed, unknown pact id).</param>
public sealed record PactTestFileResult(string File, IReadOnlyList<PactTestCaseResult> Cases, IReadOnlyList<Diagnostic> Errors);

/// <summary>
/// Runs pact test files (SPEC §7). The <c>pact:</c> key is an id resolved in the given <see cref="PactSet"/>
/// or an inline pact mapping. <c>expect.violations</c>, when given, must match the actual violations
/// one-to-one (a perfect bipartite matching), comparing only the fields written.
/// </summary>
public static class PactTestRunner
{
    private static readonly string[] FileKeys = ["pact", "cases"];
    private static readonly string[] CaseKeys = ["name", "tool", "params", "expect"];
    private static readonly string[] ExpectKeys = ["valid", "violations"];
    private static readonly string[] ViolationKeys = ["paramPath", "rule", "severity", "value", "message"];

    /// <summary>True for <c>*.test.yaml</c> / <c>*.test.yml</c>.</summary>
    public static bool IsTestFile(string path) =>
        path.EndsWith(".test.yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".test.yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>The test files under <paramref name="paths"/> (a file given by name is taken as it is).</summary>
    public static IReadOnlyList<string> FindFiles(IEnumerable<string> paths, ICollection<Diagnostic> problems) =>
        Reading.SourceFiles.Find(paths, IsTestFile, problems);

    /// <summary>Runs one test file read from disk.</summary>
    public static PactTestFileResult RunFile(string path, PactSet? pacts)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Reading.SourceText.TryRead(path, out var text, out var problem)
            ? Run(text, path, pacts)
            : new PactTestFileResult(path, [], [problem!]);
    }

    /// <summary>Runs the test file <paramref name="text"/>.</summary>
    public static PactTestFileResult Run(string text, string file, PactSet? pacts)
    {
        var bag = new DiagnosticBag();
        var root = PactDocumentReader.Read(text, file, PactFormat.Yaml, bag);
        if (root is null || bag.HasErrors)
        {
            return new PactTestFileResult(file, [], bag.Sorted());
        }

        if (root.Kind != PactNodeKind.Mapping)
        {
            bag.Error(DiagnosticCodes.WrongType, root.Span, "a pact test file must be a mapping with `pact` and `cases`");
            return new PactTestFileResult(file, [], bag.Sorted());
        }

        foreach (var (key, _) in root.Entries)
        {
            if (!FileKeys.Contains(key.Text))
            {
                Suggest.UnknownKey(bag, key, FileKeys, "a pact test file");
            }
        }

        var pact = ResolvePact(root, file, pacts, bag);
        var casesNode = root.Find("cases")?.Value;
        if (casesNode is null || casesNode.Kind != PactNodeKind.Sequence)
        {
            bag.Error(DiagnosticCodes.MissingKey, casesNode?.Span ?? root.Span, "a pact test file needs a `cases` list");
        }

        if (pact is null || bag.HasErrors)
        {
            return new PactTestFileResult(file, [], bag.Sorted());
        }

        var results = new List<PactTestCaseResult>();
        foreach (var c in casesNode!.Items)
        {
            results.Add(RunCase(c, file, pact, bag));
        }

        return new PactTestFileResult(file, results, [.. bag.Sorted().Where(d => d.Severity == DiagnosticSeverity.Error)]);
    }

    private static Pact? ResolvePact(PactNode root, string file, PactSet? pacts, DiagnosticBag bag)
    {
        var pactNode = root.Find("pact")?.Value;
        switch (pactNode)
        {
            case null:
                bag.Error(DiagnosticCodes.MissingKey, root.Span, "missing key `pact`", "name a pact id from --pacts, or write the pact inline as a mapping");
                return null;
            case { Kind: PactNodeKind.Mapping }:
                return PactCompiler.Compile(pactNode, bag);
            case { Kind: PactNodeKind.String }:
                if (pacts is null)
                {
                    bag.Error(DiagnosticCodes.MissingKey, pactNode.Span, $"pact `{pactNode.Text}` is named by id, but no pacts were given",
                        "pass --pacts PATH, or write the pact inline");
                    return null;
                }

                var found = pacts.Find(pactNode.Text);
                if (found is null)
                {
                    var near = Suggest.Closest(pactNode.Text, pacts.Pacts.Select(p => p.Id));
                    bag.Error(DiagnosticCodes.MissingKey, pactNode.Span, $"no pact with id `{pactNode.Text}` in the pact set",
                        near is null ? "check the id and the --pacts path" : $"did you mean `{near}`?");
                }

                return found;
            default:
                bag.Error(DiagnosticCodes.WrongType, pactNode.Span, $"`pact` must be a pact id or an inline pact mapping, not {pactNode.Describe()}");
                return null;
        }
    }

    private static PactTestCaseResult RunCase(PactNode c, string file, Pact pact, DiagnosticBag bag)
    {
        var line = c.Span.Line;
        if (c.Kind != PactNodeKind.Mapping)
        {
            return Broken(file, line, $"case at line {line}", "a case must be a mapping with `name`, `tool`, `params` and `expect`");
        }

        foreach (var (key, _) in c.Entries)
        {
            if (!CaseKeys.Contains(key.Text))
            {
                Suggest.UnknownKey(bag, key, CaseKeys, "a test case");
            }
        }

        var name = c.Find("name")?.Value is { IsScalar: true } n ? n.Text : $"case at line {line}";
        if (c.Find("tool")?.Value is not { Kind: PactNodeKind.String } toolNode)
        {
            return Broken(file, line, name, "the case needs `tool` (a string)");
        }

        var paramsNode = c.Find("params")?.Value;
        if (paramsNode is not null && paramsNode.Kind != PactNodeKind.Mapping)
        {
            return Broken(file, line, name, "`params` must be a mapping");
        }

        if (c.Find("expect")?.Value is not { Kind: PactNodeKind.Mapping } expect)
        {
            return Broken(file, line, name, "the case needs `expect` (a mapping with `valid` and optionally `violations`)");
        }

        foreach (var (key, _) in expect.Entries)
        {
            if (!ExpectKeys.Contains(key.Text))
            {
                Suggest.UnknownKey(bag, key, ExpectKeys, "`expect`");
            }
        }

        var expectValid = expect.Find("valid")?.Value;
        if (expectValid is not { Kind: PactNodeKind.Boolean })
        {
            return Broken(file, line, name, "`expect.valid` must be true or false");
        }

        var expectedViolations = expect.Find("violations")?.Value;
        if (expectedViolations is not null && expectedViolations.Kind != PactNodeKind.Sequence)
        {
            return Broken(file, line, name, "`expect.violations` must be a list");
        }

        foreach (var v in expectedViolations?.Items ?? [])
        {
            foreach (var (key, _) in v.Entries)
            {
                if (!ViolationKeys.Contains(key.Text))
                {
                    Suggest.UnknownKey(bag, key, ViolationKeys, "an expected violation");
                }
            }
        }

        var paramsJson = paramsNode is null ? "{}" : PactNodeJson.ToJson(paramsNode);
        using var doc = JsonDocument.Parse(paramsJson);
        var verdict = pact.Validate(toolNode.Text, doc.RootElement);
        var wantValid = expectValid.Text == "true";
        var expectedText = Describe(wantValid, expectedViolations);
        if (verdict.Valid != wantValid)
        {
            return new PactTestCaseResult(file, line, name, false, expectedText, verdict,
                wantValid ? "expected a valid call, got violations" : "expected violations, got a valid call");
        }

        if (expectedViolations is not null)
        {
            var expected = expectedViolations.Items;
            if (expected.Count != verdict.Violations.Count || !PerfectMatch(expected, verdict.Violations))
            {
                return new PactTestCaseResult(file, line, name, false, expectedText, verdict,
                    $"expected {expected.Count} violation(s) matching the list, got {verdict.Violations.Count} that do not match one-to-one");
            }
        }

        return new PactTestCaseResult(file, line, name, true, expectedText, verdict, null);
    }

    private static PactTestCaseResult Broken(string file, int line, string name, string why) =>
        new(file, line, name, false, "a well-formed case", null, why);

    private static string Describe(bool valid, PactNode? violations)
    {
        var sb = new StringBuilder(valid ? "valid" : "invalid");
        if (violations is not null)
        {
            sb.Append(" with ").Append(violations.Items.Count).Append(" violation(s): ");
            sb.Append(string.Join("; ", violations.Items.Select(v => v.Kind == PactNodeKind.Mapping
                ? "{" + string.Join(", ", v.Entries.Select(e => $"{e.Key.Text}: {(e.Value.IsScalar ? e.Value.Text : PactNodeJson.ToJson(e.Value))}")) + "}"
                : v.Text)));
        }

        return sb.ToString();
    }

    /// <summary>Kuhn's augmenting-path matching: every expected violation gets its own actual one.</summary>
    private static bool PerfectMatch(IReadOnlyList<PactNode> expected, IReadOnlyList<Violation> actual)
    {
        var fits = new bool[expected.Count, actual.Count];
        for (var i = 0; i < expected.Count; i++)
        {
            for (var j = 0; j < actual.Count; j++)
            {
                fits[i, j] = Fits(expected[i], actual[j]);
            }
        }

        var owner = Enumerable.Repeat(-1, actual.Count).ToArray();
        for (var i = 0; i < expected.Count; i++)
        {
            if (!Augment(i, fits, owner, new bool[actual.Count]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Augment(int i, bool[,] fits, int[] owner, bool[] visited)
    {
        for (var j = 0; j < owner.Length; j++)
        {
            if (!fits[i, j] || visited[j])
            {
                continue;
            }

            visited[j] = true;
            if (owner[j] < 0 || Augment(owner[j], fits, owner, visited))
            {
                owner[j] = i;
                return true;
            }
        }

        return false;
    }

    private static bool Fits(PactNode expected, Violation actual)
    {
        if (expected.Kind != PactNodeKind.Mapping)
        {
            return false;
        }

        foreach (var (key, value) in expected.Entries)
        {
            var ok = key.Text switch
            {
                "paramPath" => value.Text == actual.ParamPath,
                "rule" => value.Text == actual.Rule,
                "severity" => value.Text == actual.Severity.ToName(),
                "message" => value.Text == actual.Message,
                "value" => actual.Value is not null && JsonValueEquals(value, actual.Value),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool JsonValueEquals(PactNode expected, string actualJson)
    {
        using var e = JsonDocument.Parse(PactNodeJson.ToJson(expected));
        using var a = JsonDocument.Parse(actualJson);
        return PactNodeJson.DeepEquals(e.RootElement, a.RootElement);
    }
}
