using System.Text.Json;

namespace Pacts.Json;

/// <summary>
/// Comparing a property name as written with a key, without decoding it: equal bytes are a match, unless the
/// key itself holds a backslash (then those bytes would be an escape). An escape always writes more bytes than
/// it stands for, so a name can only be an escaped spelling of a key when it is longer and holds a backslash;
/// only then does the caller need the decoding compare.
/// </summary>
internal static class NameMatch
{
    /// <summary>True when <paramref name="key"/>'s bytes, written as they are, spell exactly that key.</summary>
    public static bool IsPlain(ReadOnlySpan<byte> key) => key.IndexOf((byte)'\\') < 0;

    /// <summary>
    /// True when <paramref name="raw"/> might be an escaped spelling of a key of <paramref name="keyLength"/> bytes
    /// (0: of any key). A name without a backslash is exactly its bytes, so it can only match a key byte for byte.
    /// </summary>
    public static bool MayBeEscaped(ReadOnlySpan<byte> raw, int keyLength = 0) => raw.Length > keyLength && raw.IndexOf((byte)'\\') >= 0;

    /// <summary>
    /// True when the name <paramref name="raw"/> (as written) is <paramref name="utf8Name"/>: byte for byte, or after
    /// decoding its escapes with the engine's own decoder, which takes a name escaping half a surrogate pair as the
    /// name it is (<see cref="JsonElement"/>'s own compare throws on it).
    /// </summary>
    public static bool Matches(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> utf8Name) =>
        raw.IndexOf((byte)'\\') >= 0 ? DomNav.EscapedNameEquals(raw, utf8Name) : raw.SequenceEqual(utf8Name);
}
