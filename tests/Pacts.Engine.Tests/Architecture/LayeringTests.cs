using ArchUnitNET.Domain;
using ArchUnitNET.Loader;

namespace Pacts.Engine.Tests.Architecture;

/// <summary>
/// The engine's namespaces depend one way, bottom to top (STYLE.md §11): a namespace may use only those on a lower
/// layer (or its own). The references that still point up today are listed in <see cref="KnownUpward"/>, each to be
/// removed by the restructuring of issue #18; the test fails on any new upward reference, and on a listed one that
/// has gone (so the list only shrinks). Read from the built assembly with ArchUnitNET, so every reference counts:
/// fields, signatures, calls, generic arguments, attributes.
/// </summary>
public class LayeringTests
{
    /// <summary>Layers, lowest first; namespaces on one layer may use each other.</summary>
    private static readonly string[][] Layers =
    [
        ["Pacts.Numbers"],
        ["Pacts.Text"],
        ["Pacts.Json"],
        ["Pacts.Diagnostics"],
        ["Pacts.Syntax", "Pacts.Paths"],
        ["Pacts.Rules"],
        ["Pacts.Evaluating"],
        ["Pacts.Compiling"],
        ["Pacts"],
        ["Pacts.Events", "Pacts.Schema", "Pacts.Testing"],
        ["Pacts.Replay"],
    ];

    /// <summary>Upward references that exist today, as <c>from -&gt; to</c> namespace pairs (issue #18 removes them).</summary>
    private static readonly HashSet<string> KnownUpward =
    [
        "Pacts.Compiling -> Pacts", // PactCompiler builds the face's Pact
        "Pacts.Evaluating -> Pacts.Replay", // PactsJsonContext serialises the replay report
        "Pacts.Syntax -> Pacts.Compiling", // KnownKeys takes the format's key lists from PactCompiler
        "Pacts.Syntax -> Pacts.Rules", // KnownKeys takes rule keys from the catalogue
        "Pacts.Text -> Pacts.Diagnostics", // SourceText/SourceFiles build Diagnostics
    ];

    private static readonly Dictionary<string, int> Rank = Layers
        .SelectMany((names, layer) => names.Select(name => (name, layer)))
        .ToDictionary(x => x.name, x => x.layer, StringComparer.Ordinal);

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> Engine =
        new(() => new ArchLoader().LoadAssemblies(typeof(Pact).Assembly).Build());

    private static Dictionary<string, List<string>> UpwardReferences()
    {
        var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (IType type in Engine.Value.Types)
        {
            var from = type.Namespace?.FullName ?? "";
            foreach (var dependency in type.Dependencies)
            {
                var to = dependency.Target.Namespace?.FullName ?? "";
                if (from == to || !Rank.TryGetValue(to, out var toRank) || !Rank.TryGetValue(from, out var fromRank) || toRank <= fromRank)
                {
                    continue;
                }

                var key = $"{from} -> {to}";
                if (!found.TryGetValue(key, out var list))
                {
                    found[key] = list = [];
                }

                list.Add($"{type.Name} -> {dependency.Target.Name}");
            }
        }

        return found;
    }

    [Fact]
    public void Every_engine_namespace_is_on_a_layer()
    {
        var unplaced = Engine.Value.Types
            .Select(t => t.Namespace?.FullName ?? "")
            .Where(ns => ns.StartsWith("Pacts", StringComparison.Ordinal) && !Rank.ContainsKey(ns))
            .Distinct()
            .ToList();
        Assert.True(unplaced.Count == 0, "namespaces on no layer (add them to Layers): " + string.Join(", ", unplaced));
    }

    [Fact]
    public void No_namespace_reaches_one_above_it_beyond_the_known_ones()
    {
        var found = UpwardReferences();
        var added = found.Keys.Where(k => !KnownUpward.Contains(k)).Order(StringComparer.Ordinal)
            .Select(k => $"{k} ({string.Join(", ", found[k].Distinct().Take(5))})")
            .ToList();
        Assert.True(added.Count == 0, "new upward references: " + string.Join("; ", added));
    }

    [Fact]
    public void The_known_upward_references_only_shrink()
    {
        var found = UpwardReferences();
        var gone = KnownUpward.Where(k => !found.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        Assert.True(gone.Count == 0, "no longer referenced, remove from KnownUpward: " + string.Join(", ", gone));
    }
}
