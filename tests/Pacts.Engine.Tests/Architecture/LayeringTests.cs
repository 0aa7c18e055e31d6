using ArchUnitNET.Domain;
using ArchUnitNET.Loader;

namespace Pacts.Engine.Tests.Architecture;

/// <summary>
/// The engine's namespaces depend one way, bottom to top (STYLE.md §11): a namespace may use only those on a lower
/// layer (or its own), and none reaches one above it. Read from the built assembly with ArchUnitNET, so every
/// reference counts: fields, signatures, calls, generic arguments, attributes. A generic type parameter is not a
/// reference (ArchUnitNET files <c>TJsonMetadataType</c> under whichever namespace first declared it).
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
        ["Pacts.Files"],
        ["Pacts.Syntax", "Pacts.Paths"],
        ["Pacts.Rules"],
        ["Pacts.Evaluating"],
        ["Pacts.Compiling"],
        ["Pacts"],
        ["Pacts.Budgets"],
        ["Pacts.Events", "Pacts.Schema", "Pacts.Testing"],
        ["Pacts.Replay"],
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
                if (dependency.Target is GenericParameter)
                {
                    continue;
                }

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
    public void No_namespace_reaches_one_above_it()
    {
        var found = UpwardReferences();
        var upward = found.Keys.Order(StringComparer.Ordinal)
            .Select(k => $"{k} ({string.Join(", ", found[k].Distinct().Take(5))})")
            .ToList();
        Assert.True(upward.Count == 0, "upward references: " + string.Join("; ", upward));
    }
}
