using System.Collections.Frozen;
using Pacts.Diagnostics;
using Pacts.Files;
using Pacts.Text;

namespace Pacts;

/// <summary>
/// Every pact found under some paths (SPEC §2): directories are searched recursively for <c>.yaml</c>,
/// <c>.yml</c> and <c>.json</c> files, skipping <c>*.test.yaml</c> pact test files and <c>*.schema.json</c>
/// JSON Schemas (such as the one <c>pacts schema</c> writes). Immutable: reloading
/// builds a new set that callers swap in atomically.
/// </summary>
public sealed class PactSet
{
    private readonly FrozenDictionary<string, Pact> _byId;

    private PactSet(IReadOnlyList<Pact> pacts, IReadOnlyList<PactCompilation> files, IReadOnlyList<Diagnostic> diagnostics)
    {
        Pacts = pacts;
        Files = files;
        Diagnostics = diagnostics;
        _byId = pacts.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
    }

    /// <summary>An empty set.</summary>
    public static PactSet Empty { get; } = new([], [], []);

    /// <summary>The pacts that compiled, in path order.</summary>
    public IReadOnlyList<Pact> Pacts { get; }

    /// <summary>The per-file compilation results.</summary>
    public IReadOnlyList<PactCompilation> Files { get; }

    /// <summary>Every diagnostic of every file, plus set-level ones (duplicate ids, unreadable paths).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>True when any file failed to read or compile, or two files share an id.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>Finds a pact by id.</summary>
    public Pact? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>True when a file that matters is a pact file (not a pact test file).</summary>
    public static bool IsPactFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetFileName(path);
        if (name.EndsWith(".test.yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".test.yml", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The pact files under <paramref name="paths"/> in a stable order, plus diagnostics for paths that do not exist.</summary>
    public static IReadOnlyList<string> FindFiles(IEnumerable<string> paths, ICollection<Diagnostic> problems) =>
        SourceFiles.Find(paths, IsPactFile, problems);

    /// <summary>Loads and compiles every pact under <paramref name="paths"/>, collecting every problem.</summary>
    public static PactSet Load(params IEnumerable<string> paths)
    {
        var diagnostics = new List<Diagnostic>();
        var files = FindFiles(paths, diagnostics);
        var compilations = files.Select(Pact.Load).ToList();
        return FromCompilations(compilations, diagnostics);
    }

    /// <summary>Builds a set from pacts compiled elsewhere (inline text, say), rejecting duplicate ids.</summary>
    public static PactSet FromCompilations(IReadOnlyList<PactCompilation> compilations, IEnumerable<Diagnostic>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(compilations);
        var diagnostics = new List<Diagnostic>(extra ?? []);
        var pacts = new List<Pact>();
        var seen = new Dictionary<string, PactCompilation>(StringComparer.Ordinal);
        foreach (var c in compilations)
        {
            diagnostics.AddRange(c.Diagnostics);
            if (c.Pact is null)
            {
                continue;
            }

            if (seen.TryGetValue(c.Pact.Id, out var first))
            {
                diagnostics.Add(new Diagnostic(DiagnosticCodes.DuplicatePactId, DiagnosticSeverity.Error, IdSpan(c),
                    $"pact id `{c.Pact.Id}` is already used by {first.File}", "give every pact in a set its own id"));
                continue;
            }

            seen[c.Pact.Id] = c;
            pacts.Add(c.Pact);
        }

        return new PactSet(pacts, compilations, diagnostics);
    }

    private static SourceSpan IdSpan(PactCompilation c) => c.Pact!.IdSpan with { File = c.File };
}
