using System.Collections.Concurrent;
using Pacts.Syntax;

namespace Pacts;

/// <summary>
/// Compiled pacts keyed by their format and text: the same text compiles once, whatever file it came from
/// (diagnostics are re-labelled with the asking file's name). Bounded: past <see cref="Capacity"/> entries
/// the cache starts over, which only costs recompilation.
/// </summary>
/// <remarks>
/// The key is the text itself, compared ordinally, so two texts share an entry only if they are equal: no
/// digest to collide, and no cryptography library to load (a SHA-256 key cost a one-shot <c>pacts</c> run
/// ~15 ms of OpenSSL start-up). String hashing is randomised per process, so crafted texts cannot pile into
/// one bucket. The price is holding each cached text, which is smaller than the compiled pact beside it.
/// </remarks>
internal sealed class PactCache
{
    public const int Capacity = 4096;

    // One dictionary per format, keyed by the text: a dictionary over reference types runs the framework's
    // precompiled shared code, where a value-tuple key made a cold start JIT-compile twenty methods.
    private readonly ConcurrentDictionary<string, PactCompilation>[] _entries =
        [new(StringComparer.Ordinal), new(StringComparer.Ordinal)];

    // The same string instance asked again (a service re-validating the text it holds) skips even the hash.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<string, PactCompilation>[] _byInstance =
        [new(), new()];

    public static PactCache Shared { get; } = new();

    public PactCompilation GetOrCompile(string text, string file, PactFormat format)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_byInstance[(int)format].TryGetValue(text, out var same))
        {
            return Relabel(same, file);
        }

        var entries = _entries[(int)format];
        if (!entries.TryGetValue(text, out var hit))
        {
            hit = Pact.CompileUncached(text, file, format);
            if (_entries[0].Count + _entries[1].Count >= Capacity)
            {
                _entries[0].Clear();
                _entries[1].Clear();
            }

            entries[text] = hit;
        }

        _byInstance[(int)format].AddOrUpdate(text, hit);
        return Relabel(hit, file);
    }

    private static PactCompilation Relabel(PactCompilation hit, string file) => hit.File == file
        ? hit
        : hit with { File = file, Diagnostics = [.. hit.Diagnostics.Select(d => d with { Span = d.Span with { File = file } })] };
}
