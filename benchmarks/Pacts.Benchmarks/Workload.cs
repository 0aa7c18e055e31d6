using System.Text;
using System.Text.Json;

namespace Pacts.Benchmarks;

/// <summary>The treasury-v1 workload from ../shared/bench, loaded once per process.</summary>
internal static class Workload
{
    public const int ExpectedInvalid = 1013;
    public const int ExpectedViolations = 1389;

    public static string Dir { get; } = FindBench();

    public static Pact Pact { get; } = Pact.Load(Path.Combine(Dir, "treasury.pact.yaml")).Pact
        ?? throw new InvalidOperationException("treasury.pact.yaml does not compile");

    /// <summary>Each call's params as raw UTF-8 JSON bytes.</summary>
    public static byte[][] RawParams { get; } = [.. File.ReadLines(Path.Combine(Dir, "calls.jsonl")).Select(ParamsBytes)];

    /// <summary>Each call's params pre-parsed (the documents stay alive for the process).</summary>
    public static JsonElement[] Elements { get; } = [.. RawParams.Select(b => JsonDocument.Parse(b).RootElement)];

    /// <summary>
    /// Each call's params as a sub-element of its whole line's document (<c>{"tool":…,"params":{…}}</c> parsed once),
    /// the way a host hands over the params of a <c>tool_call</c> event or an MCP request it parsed whole.
    /// </summary>
    public static JsonElement[] SubElements { get; } = [.. File.ReadLines(Path.Combine(Dir, "calls.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("params"))];

    /// <summary>As <see cref="SubElements"/>, each line parsed from UTF-8 bytes (the document reads them in place) instead of a string.</summary>
    public static JsonElement[] SubElementsFromBytes { get; } = [.. File.ReadLines(Path.Combine(Dir, "calls.jsonl")).Select(l => JsonDocument.Parse(Encoding.UTF8.GetBytes(l)).RootElement.GetProperty("params"))];

    /// <summary>
    /// Every call's params as an element of one array document (<c>[{…},{…},…]</c> parsed once): sub-elements too, but
    /// with every params' bytes and metadata rows next to the previous call's, the layout control for issue #20.
    /// </summary>
    public static JsonElement[] OneDocument { get; } = [.. JsonDocument.Parse("[" + string.Join(",", RawParams.Select(b => Encoding.UTF8.GetString(b))) + "]").RootElement.EnumerateArray()];

    /// <summary>As <see cref="Elements"/>, each params object parsed from a string (transcoded into a pooled buffer).</summary>
    public static JsonElement[] ElementsFromStrings { get; } = [.. RawParams.Select(b => JsonDocument.Parse(Encoding.UTF8.GetString(b)).RootElement)];

    /// <summary>Runs <paramref name="check"/> over the workload and fails loudly unless it finds exactly the expected verdicts.</summary>
    public static void Verify(string name, Func<int, (bool Valid, int Violations)> check)
    {
        int invalid = 0, violations = 0;
        for (var i = 0; i < RawParams.Length; i++)
        {
            var (valid, count) = check(i);
            invalid += valid ? 0 : 1;
            violations += count;
        }

        if (invalid != ExpectedInvalid || violations != ExpectedViolations)
        {
            throw new InvalidOperationException($"{name}: found {invalid} invalid calls and {violations} violations; expected {ExpectedInvalid} and {ExpectedViolations}");
        }
    }

    private static byte[] ParamsBytes(string line)
    {
        using var doc = JsonDocument.Parse(line);
        return Encoding.UTF8.GetBytes(doc.RootElement.GetProperty("params").GetRawText());
    }

    private static string FindBench()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "shared", "bench", "treasury-v1")))
        {
            dir = dir.Parent;
        }

        return dir is null ? throw new InvalidOperationException("cannot find shared/bench/treasury-v1 above the benchmark binary")
            : Path.Combine(dir.FullName, "shared", "bench", "treasury-v1");
    }
}
