using System.Text.Json;
using Pacts.Budgets;
using Pacts.Diagnostics;
using Pacts.Evaluating;
using Pacts.Files;
using Pacts.Syntax;

namespace Pacts.Testing;

/// <summary>One case of a pact test file and how it went.</summary>
/// <param name="File">The test file.</param>
/// <param name="Line">The line of the case.</param>
/// <param name="Name">The case's name.</param>
/// <param name="Passed">True when the verdict met every expectation.</param>
/// <param name="Expected">The expectation as written, or null when the case is malformed.</param>
/// <param name="Actual">The verdict, or null when the case could not run.</param>
/// <param name="Failure">Why the case failed, in one line, when it did.</param>
/// <param name="Differences">
/// On a failure, each difference: <c>valid: expected true, got false</c>; an expected violation with no match and
/// the fields in which the nearest actual one differs; an actual violation nothing expected.
/// </param>
public sealed record PactTestCaseResult(
    string File, int Line, string Name, bool Passed, PactTestExpectation? Expected, Verdict? Actual, string? Failure, IReadOnlyList<string> Differences);

/// <summary>A case's <c>expect</c> as written.</summary>
/// <param name="Valid"><c>expect.valid</c>.</param>
/// <param name="Violations">
/// <c>expect.violations</c>, when given: each entry's fields in the order written, with their values as text
/// (<c>value</c> as JSON, so <c>"0xEVIL"</c> keeps its quotes and compares with a verdict's verbatim value).
/// </param>
public sealed record PactTestExpectation(bool Valid, IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>>? Violations)
{
    /// <summary>The expectation on one line: <c>invalid with 1 violation(s): {paramPath: v, rule: maxAmount}</c>.</summary>
    public override string ToString() => (Valid ? "valid" : "invalid") + (Violations is null ? ""
        : $" with {Violations.Count} violation(s): " + string.Join("; ", Violations.Select(PactTestRunner.Describe)));
}

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
    private static readonly string[] CaseKeys = ["name", "tool", "params", "expect", "history", "agentId", "sessionId", "attemptedAt"];
    private static readonly string[] HistoryKeys = ["tool", "params", "outcome", "attemptedAt", "agentId", "sessionId"];
    private static readonly string[] Outcomes = ["success", "error", "denied", "refused"];

    /// <summary>SPEC §7: the first history entry's default time; each later default is one second after the one before.</summary>
    private static readonly DateTimeOffset FirstDefaultTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] ExpectKeys = ["valid", "violations"];
    private static readonly string[] ViolationKeys = ["paramPath", "rule", "severity", "value", "message", "budget", "used"];

    /// <summary>True for <c>*.test.yaml</c> / <c>*.test.yml</c>.</summary>
    public static bool IsTestFile(string path) =>
        path.EndsWith(".test.yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".test.yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>The test files under <paramref name="paths"/> (a file given by name is taken as it is).</summary>
    public static IReadOnlyList<string> FindFiles(IEnumerable<string> paths, ICollection<Diagnostic> problems) =>
        SourceFiles.Find(paths, IsTestFile, problems);

    /// <summary>Runs one test file read from disk; with <paramref name="select"/>, only the cases whose name it accepts.</summary>
    public static PactTestFileResult RunFile(string path, PactSet? pacts, Func<string, bool>? select = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return SourceFile.TryRead(path, out var text, out var problem)
            ? Run(text, path, pacts, select)
            : new PactTestFileResult(path, [], [problem!]);
    }

    /// <summary>Runs the test file <paramref name="text"/>; with <paramref name="select"/>, only the cases whose name it accepts.</summary>
    public static PactTestFileResult Run(string text, string file, PactSet? pacts, Func<string, bool>? select = null)
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
                Suggest.UnknownKey(bag, key.Text, key.Span, FileKeys, "a pact test file");
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
            if (select is null || select(CaseName(c)))
            {
                results.Add(RunCase(c, file, pact, bag));
            }
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
                return Pact.FromDocument(pactNode, bag);
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

    /// <summary>A case's <c>name</c>, or where it is when it has none.</summary>
    private static string CaseName(PactNode c) =>
        c.Kind == PactNodeKind.Mapping && c.Find("name")?.Value is { IsScalar: true } n ? n.Text : $"case at line {c.Span.Line}";

    private static PactTestCaseResult RunCase(PactNode c, string file, Pact pact, DiagnosticBag bag)
    {
        var line = c.Span.Line;
        if (c.Kind != PactNodeKind.Mapping)
        {
            return Broken(file, line, CaseName(c), "a case must be a mapping with `name`, `tool`, `params` and `expect`");
        }

        foreach (var (key, _) in c.Entries)
        {
            if (!CaseKeys.Contains(key.Text))
            {
                Suggest.UnknownKey(bag, key.Text, key.Span, CaseKeys, "a test case");
            }
        }

        var name = CaseName(c);
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
                Suggest.UnknownKey(bag, key.Text, key.Span, ExpectKeys, "`expect`");
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
                    Suggest.UnknownKey(bag, key.Text, key.Span, ViolationKeys, "an expected violation");
                }
            }
        }

        var paramsJson = paramsNode is null ? "{}" : PactNodeJson.ToJson(paramsNode);
        using var doc = JsonDocument.Parse(paramsJson);
        var verdict = pact.Validate(toolNode.Text, doc.RootElement);
        if (pact.BudgetNames.Count > 0 || c.Find("history") is not null)
        {
            // SPEC §7: each case starts from empty budget state, its history evaluated in order as a replay would, the
            // case itself judged as a pre-flight of the next call (it records nothing).
            var book = new BudgetBook();
            var time = FirstDefaultTime.AddSeconds(-1);
            if (RunHistory(c.Find("history")?.Value, pact, book, ref time, bag) is { } broken)
            {
                return Broken(file, line, name, broken);
            }

            if (!TryTime(c, ref time, out var timeError))
            {
                return Broken(file, line, name, timeError!);
            }

            verdict = book.Apply(pact, verdict, new BudgetCall(toolNode.Text, Text(c, "agentId") ?? "test-agent", Text(c, "sessionId") ?? "test-session", time, Records: false), doc.RootElement);
        }

        var wantValid = expectValid.Text == "true";
        var expectation = new PactTestExpectation(wantValid, expectedViolations?.Items.Select(Fields).ToList());
        if (verdict.Valid != wantValid)
        {
            return new PactTestCaseResult(file, line, name, false, expectation, verdict,
                wantValid ? "expected a valid call, got violations" : "expected violations, got a valid call",
                [$"valid: expected {(wantValid ? "true" : "false")}, got {(verdict.Valid ? "true" : "false")}"]);
        }

        if (expectedViolations is not null)
        {
            var expected = expectedViolations.Items;
            var differences = Unmatched(expected, verdict.Violations);
            if (differences.Count > 0)
            {
                return new PactTestCaseResult(file, line, name, false, expectation, verdict,
                    $"expected {expected.Count} violation(s) matching the list, got {verdict.Violations.Count} that do not match one-to-one", differences);
            }
        }

        return new PactTestCaseResult(file, line, name, true, expectation, verdict, null, []);
    }

    /// <summary>Runs a case's <c>history:</c> into <paramref name="book"/>; the reason it cannot, or null.</summary>
    private static string? RunHistory(PactNode? history, Pact pact, BudgetBook book, ref DateTimeOffset time, DiagnosticBag bag)
    {
        if (history is null)
        {
            return null;
        }

        if (history.Kind != PactNodeKind.Sequence)
        {
            return "`history` must be a list of calls (`tool`, `params`, and optionally `outcome`, `attemptedAt`, `agentId`, `sessionId`)";
        }

        foreach (var entry in history.Items)
        {
            var at = $"history entry at line {entry.Span.Line}";
            if (entry.Kind != PactNodeKind.Mapping)
            {
                return $"{at} must be a mapping with `tool` and `params`";
            }

            foreach (var (key, _) in entry.Entries)
            {
                if (!HistoryKeys.Contains(key.Text))
                {
                    Suggest.UnknownKey(bag, key.Text, key.Span, HistoryKeys, "a history entry");
                }
            }

            if (entry.Find("tool")?.Value is not { Kind: PactNodeKind.String } tool)
            {
                return $"{at} needs `tool` (a string)";
            }

            if (entry.Find("params")?.Value is not { Kind: PactNodeKind.Mapping } parameters)
            {
                return $"{at} needs `params` (a mapping)";
            }

            var outcome = Text(entry, "outcome") ?? "success";
            if (!Outcomes.Contains(outcome))
            {
                return $"{at}: `outcome` must be one of {string.Join(", ", Outcomes)}, not `{outcome}`";
            }

            if (!TryTime(entry, ref time, out var timeError))
            {
                return $"{at}: {timeError}";
            }

            using var doc = JsonDocument.Parse(PactNodeJson.ToJson(parameters));
            var call = new BudgetCall(tool.Text, Text(entry, "agentId") ?? "test-agent", Text(entry, "sessionId") ?? "test-session", time, BudgetCall.OutcomeRecords(outcome));
            _ = book.Apply(pact, pact.Validate(tool.Text, doc.RootElement), call, doc.RootElement);
        }

        return null;
    }

    /// <summary>The entry's <c>attemptedAt</c>, or one second after <paramref name="time"/> (SPEC §7), into <paramref name="time"/>.</summary>
    private static bool TryTime(PactNode entry, ref DateTimeOffset time, out string? error)
    {
        error = null;
        if (entry.Find("attemptedAt")?.Value is not { } node)
        {
            time = time.AddSeconds(1);
            return true;
        }

        if (node.IsScalar && Events.EventParser.TryParseTimestamp(node.Text, out var parsed))
        {
            time = parsed;
            return true;
        }

        error = $"`attemptedAt` must be an ISO 8601 date-time such as 2026-01-01T00:00:00Z, not `{node.Text}`";
        return false;
    }

    private static string? Text(PactNode mapping, string key) => mapping.Find(key)?.Value is { IsScalar: true } v && v.Kind != PactNodeKind.Null ? v.Text : null;

    private static PactTestCaseResult Broken(string file, int line, string name, string why) =>
        new(file, line, name, false, null, null, why, []);

    /// <summary>An expected violation's fields as written, values as text (<c>value</c> as JSON).</summary>
    private static IReadOnlyList<KeyValuePair<string, string>> Fields(PactNode violation) => violation.Kind == PactNodeKind.Mapping
        ? [.. violation.Entries.Select(e => KeyValuePair.Create(e.Key.Text, FieldText(e.Key.Text, e.Value)))]
        : [KeyValuePair.Create("(not a mapping)", violation.IsScalar ? violation.Text : PactNodeJson.ToJson(violation))];

    private static string FieldText(string key, PactNode value) => key == "value" || !value.IsScalar ? PactNodeJson.ToJson(value) : value.Text;

    /// <summary>One expected violation on one line: <c>{paramPath: v, rule: maxAmount}</c>.</summary>
    internal static string Describe(IReadOnlyList<KeyValuePair<string, string>> fields) =>
        "{" + string.Join(", ", fields.Select(f => $"{f.Key}: {f.Value}")) + "}";

    /// <summary>An actual violation on one line, in the fields an expected one is written with.</summary>
    private static string Describe(Violation v) =>
        $"{{paramPath: {v.ParamPath}, rule: {v.Rule}, severity: {v.Severity.ToName()}" + (v.Value is null ? "}" : $", value: {v.Value}}}");

    /// <summary>
    /// What keeps the expected and actual violations from matching one-to-one, empty when they do: after a maximum
    /// matching, each expected entry left over (with the fields in which the nearest leftover actual one differs) and
    /// each actual one left over.
    /// </summary>
    private static List<string> Unmatched(IReadOnlyList<PactNode> expected, IReadOnlyList<Violation> actual)
    {
        var owner = MaximumMatching(expected, actual);
        var matched = new HashSet<int>(owner.Where(o => o >= 0));
        var spare = Enumerable.Range(0, actual.Count).Where(j => owner[j] < 0).ToList();
        var differences = new List<string>();
        for (var i = 0; i < expected.Count; i++)
        {
            if (matched.Contains(i))
            {
                continue;
            }

            var what = $"expected violation {i + 1} {Describe(Fields(expected[i]))} has no match";
            var candidates = spare.Count > 0 ? spare : [.. Enumerable.Range(0, actual.Count)];
            if (candidates.Count == 0)
            {
                differences.Add(what);
                continue;
            }

            var (nearest, fields) = candidates.Select(j => (j, FieldDifferences(expected[i], actual[j]))).MinBy(p => p.Item2.Count);
            if (spare.Remove(nearest))
            {
                // Paired with the leftover it differs from least: that one is explained here, not again as unexpected.
                differences.Add($"{what}; nearest is actual violation {nearest + 1}: {string.Join("; ", fields)}");
            }
            else
            {
                differences.Add(fields.Count == 0
                    ? $"{what}: it fits only actual violation {nearest + 1}, which another expected violation matches"
                    : $"{what}; nearest is actual violation {nearest + 1}, which another expected violation matches: {string.Join("; ", fields)}");
            }
        }

        differences.AddRange(spare.Select(j => $"actual violation {j + 1} {Describe(actual[j])} was not expected"));
        return differences;
    }

    /// <summary>Each written field of <paramref name="expected"/> that <paramref name="actual"/> does not have: <c>severity: expected critical, got major</c>.</summary>
    private static List<string> FieldDifferences(PactNode expected, Violation actual)
    {
        if (expected.Kind != PactNodeKind.Mapping)
        {
            return ["an expected violation must be a mapping of fields"];
        }

        var differences = new List<string>();
        foreach (var (key, value) in expected.Entries)
        {
            if (!FieldFits(key.Text, value, actual))
            {
                var got = key.Text switch
                {
                    "paramPath" => actual.ParamPath,
                    "rule" => actual.Rule,
                    "severity" => actual.Severity.ToName(),
                    "message" => actual.Message,
                    "value" => actual.Value ?? "no value",
                    _ => "no such field",
                };
                differences.Add($"{key.Text}: expected {FieldText(key.Text, value)}, got {got}");
            }
        }

        return differences;
    }

    /// <summary>
    /// Kuhn's augmenting-path matching, to the end: for each actual violation, the expected one it is matched to
    /// (-1 for none). The match is perfect when every expected and every actual violation has its partner.
    /// </summary>
    private static int[] MaximumMatching(IReadOnlyList<PactNode> expected, IReadOnlyList<Violation> actual)
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
            Augment(i, fits, owner, new bool[actual.Count]);
        }

        return owner;
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

    private static bool Fits(PactNode expected, Violation actual) =>
        expected.Kind == PactNodeKind.Mapping && expected.Entries.All(e => FieldFits(e.Key.Text, e.Value, actual));

    private static bool FieldFits(string key, PactNode value, Violation actual) => key switch
    {
        "paramPath" => value.Text == actual.ParamPath,
        "rule" => value.Text == actual.Rule,
        "severity" => value.Text == actual.Severity.ToName(),
        "message" => value.Text == actual.Message,
        "value" => actual.Value is not null && JsonValueEquals(value, actual.Value),
        "budget" => value.Text == actual.Budget,
        "used" => actual.Used is not null && JsonValueEquals(value, actual.Used),
        _ => false,
    };

    private static bool JsonValueEquals(PactNode expected, string actualJson)
    {
        using var e = JsonDocument.Parse(PactNodeJson.ToJson(expected));
        using var a = JsonDocument.Parse(actualJson);
        return PactNodeJson.DeepEquals(e.RootElement, a.RootElement);
    }
}
