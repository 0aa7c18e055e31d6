using System.Runtime.InteropServices;
using System.Text.Json;

namespace Pacts.Json;

/// <summary>
/// How the evaluator walks params, abstracted so one generic walk (specialised by the JIT for each
/// struct implementation, with no interface dispatch at run time) serves both inputs: pre-parsed
/// <see cref="JsonElement"/>s and raw UTF-8 bytes indexed by <see cref="ParamsDom"/>.
/// </summary>
internal interface IJsonNav<TNode, TObj, TArr>
    where TNode : struct
    where TObj : struct
    where TArr : struct
{
    static abstract JsonValueKind Kind(TNode node);

    /// <summary>The value's verbatim JSON text (strings with their quotes).</summary>
    static abstract ReadOnlySpan<byte> Raw(TNode node);

    /// <summary>A value at the end of a path: its verbatim text and its kind, each read once.</summary>
    static abstract ReadOnlySpan<byte> Leaf(TNode node, out JsonValueKind kind);

    static abstract int ArrayLength(TNode node);

    /// <summary>The element at <paramref name="index"/>; the caller has checked the length.</summary>
    static abstract TNode Item(TNode node, int index);

    static abstract TObj Properties(TNode node);

    static abstract bool NextProperty(ref TObj cursor);

    static abstract bool NameEquals(ref TObj cursor, ReadOnlySpan<byte> utf8Name);

    /// <summary>The current property's name as written, escapes and all (see <see cref="NameMatch"/>).</summary>
    static abstract ReadOnlySpan<byte> RawName(ref TObj cursor);

    static abstract string Name(ref TObj cursor);

    static abstract TNode Value(ref TObj cursor);

    static abstract TArr Items(TNode node);

    static abstract bool NextItem(ref TArr cursor, out TNode item);
}

/// <summary>Navigation over <see cref="JsonElement"/>.</summary>
internal readonly struct ElementNav : IJsonNav<JsonElement, JsonElement.ObjectEnumerator, JsonElement.ArrayEnumerator>
{
    public static JsonValueKind Kind(JsonElement node) => node.ValueKind;

    public static ReadOnlySpan<byte> Raw(JsonElement node) => JsonMarshal.GetRawUtf8Value(node);

    // The kind from the text's first byte: a document's raw values have no leading whitespace, and the JSON grammar
    // fixes the kind by its first byte. Saves asking the document a second time (ValueKind is a call per value).
    public static ReadOnlySpan<byte> Leaf(JsonElement node, out JsonValueKind kind)
    {
        var raw = JsonMarshal.GetRawUtf8Value(node);
        kind = raw[0] switch
        {
            (byte)'"' => JsonValueKind.String,
            (byte)'{' => JsonValueKind.Object,
            (byte)'[' => JsonValueKind.Array,
            (byte)'t' => JsonValueKind.True,
            (byte)'f' => JsonValueKind.False,
            (byte)'n' => JsonValueKind.Null,
            _ => JsonValueKind.Number,
        };
        return raw;
    }

    public static int ArrayLength(JsonElement node) => node.GetArrayLength();

    public static JsonElement Item(JsonElement node, int index) => node[index];

    public static JsonElement.ObjectEnumerator Properties(JsonElement node) => node.EnumerateObject();

    public static bool NextProperty(ref JsonElement.ObjectEnumerator cursor) => cursor.MoveNext();

    // Names are decoded by the engine's own decoder, as the raw-bytes paths do: JsonProperty's NameEquals and Name
    // throw on a name escaping half a surrogate pair (legal JSON, seen in real traffic), which is just a name here.
    public static bool NameEquals(ref JsonElement.ObjectEnumerator cursor, ReadOnlySpan<byte> utf8Name) => NameMatch.Matches(RawName(ref cursor), utf8Name);

    public static ReadOnlySpan<byte> RawName(ref JsonElement.ObjectEnumerator cursor) => JsonMarshal.GetRawUtf8PropertyName(cursor.Current);

    public static string Name(ref JsonElement.ObjectEnumerator cursor) => JsonStrings.DecodeToString(RawName(ref cursor));

    public static JsonElement Value(ref JsonElement.ObjectEnumerator cursor) => cursor.Current.Value;

    public static JsonElement.ArrayEnumerator Items(JsonElement node) => node.EnumerateArray();

    public static bool NextItem(ref JsonElement.ArrayEnumerator cursor, out JsonElement item)
    {
        var more = cursor.MoveNext();
        item = more ? cursor.Current : default;
        return more;
    }
}
