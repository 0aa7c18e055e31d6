using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pacts.Json;

namespace Pacts.Server;

/// <summary>
/// The two JSON forms of an event the ledger keeps, both without whitespace. <see cref="Write(JsonElement)"/> is the
/// canonical one: numbers as written, strings re-encoded by one fixed encoder, object keys sorted ordinally. It is
/// the event's identity, so two events that
/// differ only in key order, spacing or escapes count as the same event for retries. <see cref="WriteInOrder"/> keeps
/// the event as it was sent: it is what the ledger stores and exports, since key order is part of what a call means
/// (SPEC §4 reports `additionalParams` in the params' key order) and a verdict names values verbatim, so a replay of
/// the export gives the verdicts the service recorded, byte for byte.
/// A string or key that escapes half of a UTF-16 surrogate pair (legal JSON, not text) keeps that half as a
/// lowercase <c>\uXXXX</c> escape, the rest of it encoded as usual: such an event is stored and judged like any
/// other, where <see cref="JsonElement.GetString"/> would throw.
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>The identity form: keys sorted.</summary>
    public static string Write(JsonElement element) => Written(element, sortKeys: true);

    /// <summary>
    /// The stored form: the event as sent, token for token, without the whitespace between tokens. Keys keep their
    /// order and every key, string and number its spelling (escapes included), so a verdict judged from it names each
    /// offending value verbatim as the service's did.
    /// </summary>
    public static string WriteInOrder(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Verbatim(buffer, element);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Verbatim(ArrayBufferWriter<byte> to, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                to.Write("{"u8);
                var firstMember = true;
                foreach (var p in e.EnumerateObject())
                {
                    to.Write(firstMember ? "\""u8 : ",\""u8);
                    to.Write(JsonMarshal.GetRawUtf8PropertyName(p));
                    to.Write("\":"u8);
                    Verbatim(to, p.Value);
                    firstMember = false;
                }

                to.Write("}"u8);
                break;
            case JsonValueKind.Array:
                to.Write("["u8);
                var firstItem = true;
                foreach (var item in e.EnumerateArray())
                {
                    if (!firstItem)
                    {
                        to.Write(","u8);
                    }

                    Verbatim(to, item);
                    firstItem = false;
                }

                to.Write("]"u8);
                break;
            default:
                to.Write(JsonMarshal.GetRawUtf8Value(e)); // a string with its quotes, a number or a literal, as written
                break;
        }
    }

    private static string Written(JsonElement element, bool sortKeys)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            Write(writer, element, sortKeys);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter writer, JsonElement e, bool sortKeys)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                {
                    var members = e.EnumerateObject().Select(p => (Name: Text(JsonMarshal.GetRawUtf8PropertyName(p)), p.Value)).ToList();
                    if (sortKeys)
                    {
                        members = [.. members.OrderBy(p => p.Name, StringComparer.Ordinal)]; // stable: repeated keys keep their order
                    }

                    if (members.Any(m => !IsText(m.Name)))
                    {
                        // The writer takes only text for a key: this object is written by hand, its values as above.
                        var sb = new StringBuilder("{");
                        foreach (var (name, value) in members)
                        {
                            sb.Append(sb.Length > 1 ? "," : "").Append(Quote(name)).Append(':').Append(Written(value, sortKeys));
                        }

                        writer.WriteRawValue(sb.Append('}').ToString(), skipInputValidation: true);
                        break;
                    }

                    writer.WriteStartObject();
                    foreach (var (name, value) in members)
                    {
                        writer.WritePropertyName(name);
                        Write(writer, value, sortKeys);
                    }

                    writer.WriteEndObject();
                    break;
                }

            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in e.EnumerateArray())
                {
                    Write(writer, item, sortKeys);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                {
                    var raw = JsonMarshal.GetRawUtf8Value(e)[1..^1];
                    if (raw.IndexOf((byte)'\\') < 0)
                    {
                        writer.WriteStringValue(raw); // no escapes: the document already checked it is UTF-8 text
                        break;
                    }

                    var text = JsonStrings.DecodeToString(raw);
                    if (IsText(text))
                    {
                        writer.WriteStringValue(text);
                    }
                    else
                    {
                        writer.WriteRawValue(Quote(text), skipInputValidation: true);
                    }

                    break;
                }

            case JsonValueKind.Number:
                writer.WriteRawValue(e.GetRawText());
                break;
            case JsonValueKind.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonValueKind.False:
                writer.WriteBooleanValue(false);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>A key as UTF-16 (the order keys sort in): decoded by the engine's decoder only when written with escapes.</summary>
    private static string Text(ReadOnlySpan<byte> raw) => raw.IndexOf((byte)'\\') < 0 ? Encoding.UTF8.GetString(raw) : JsonStrings.DecodeToString(raw);

    /// <summary>True when <paramref name="s"/> is well-formed UTF-16 (every surrogate in a pair).</summary>
    private static bool IsText(string s)
    {
        for (var i = s.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0 && i < s.Length; i++)
        {
            if (IsLone(s, i))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <c>s[i]</c> is a surrogate without its partner beside it.</summary>
    private static bool IsLone(string s, int i) =>
        char.IsSurrogate(s[i])
        && !(char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        && !(char.IsLowSurrogate(s[i]) && i > 0 && char.IsHighSurrogate(s[i - 1]));

    /// <summary>A JSON string token for <paramref name="s"/>: its text runs escaped by the fixed encoder, each lone surrogate as <c>\uXXXX</c>.</summary>
    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        var run = 0;
        for (var i = 0; i <= s.Length; i++)
        {
            var lone = i < s.Length && IsLone(s, i);
            if (i == s.Length || lone)
            {
                sb.Append(JsonEncodedText.Encode(s.AsSpan(run, i - run), Options.Encoder).ToString());
                if (lone)
                {
                    sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)s[i]:x4}");
                }

                run = i + 1;
            }
        }

        return sb.Append('"').ToString();
    }
}
