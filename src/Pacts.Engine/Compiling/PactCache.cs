using System.Collections.Concurrent;
using System.Security.Cryptography;
using Pacts.Reading;

namespace Pacts.Compiling;

/// <summary>
/// Compiled pacts keyed by a SHA-256 of their format and text: the same text compiles once, whatever file
/// it came from (diagnostics are re-labelled with the asking file's name). Bounded: past
/// <see cref="Capacity"/> entries the cache starts over, which only costs recompilation.
/// </summary>
internal sealed class PactCache
{
    public const int Capacity = 4096;

    // Keyed by a string (format + hex digest), not a tuple of integers: a dictionary over reference types runs
    // the framework's precompiled shared code, where a value-tuple key made a cold start JIT-compile twenty methods.
    private readonly ConcurrentDictionary<string, PactCompilation> _entries = new(StringComparer.Ordinal);

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

        var key = Key(text, format);
        if (!_entries.TryGetValue(key, out var hit))
        {
            hit = Pact.CompileUncached(text, file, format);
            if (_entries.Count >= Capacity)
            {
                _entries.Clear();
            }

            _entries[key] = hit;
        }

        _byInstance[(int)format].AddOrUpdate(text, hit);
        return Relabel(hit, file);
    }

    private static PactCompilation Relabel(PactCompilation hit, string file) => hit.File == file
        ? hit
        : hit with { File = file, Diagnostics = [.. hit.Diagnostics.Select(d => d with { Span = d.Span with { File = file } })] };

    private static string Key(string text, PactFormat format)
    {
        Span<byte> hash = stackalloc byte[32];
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(text.AsSpan());
        SHA256.HashData(bytes, hash);
        return string.Concat(((int)format).ToString(System.Globalization.CultureInfo.InvariantCulture), ":", Convert.ToHexString(hash));
    }
}
