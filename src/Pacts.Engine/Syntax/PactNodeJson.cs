using System.Text;
using System.Text.Json;
using Pacts.Numbers;

namespace Pacts.Syntax;

/// <summary>Converts document nodes to JSON (params written in YAML test files) and compares JSON values by SPEC §4 equality.</summary>
public static class PactNodeJson
{
    /// <summary>Writes a node as JSON text; numbers keep their exact text.</summary>
    public static string ToJson(PactNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { SkipValidation = false, MaxDepth = 1000 }))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, PactNode node)
    {
        switch (node.Kind)
        {
            case PactNodeKind.Mapping:
                writer.WriteStartObject();
                foreach (var (k, v) in node.Entries)
                {
                    writer.WritePropertyName(k.Text);
                    Write(writer, v);
                }

                writer.WriteEndObject();
                break;
            case PactNodeKind.Sequence:
                writer.WriteStartArray();
                foreach (var item in node.Items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case PactNodeKind.String:
                writer.WriteStringValue(node.Text);
                break;
            case PactNodeKind.Number:
                writer.WriteRawValue(node.Text);
                break;
            case PactNodeKind.Boolean:
                writer.WriteBooleanValue(node.Text == "true");
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>
    /// Deep JSON equality with SPEC §4 scalar semantics: ordinal strings, numbers by exact value,
    /// objects by key set (order-free), arrays element-wise.
    /// </summary>
    public static bool DeepEquals(JsonElement a, JsonElement b)
    {
        var ka = a.ValueKind;
        var kb = b.ValueKind;
        if (ka != kb)
        {
            return false;
        }

        switch (ka)
        {
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            case JsonValueKind.Number:
                return ExactDecimal.Compare(Encoding.UTF8.GetBytes(a.GetRawText()), Encoding.UTF8.GetBytes(b.GetRawText())) == 0;
            case JsonValueKind.Array:
                {
                    if (a.GetArrayLength() != b.GetArrayLength())
                    {
                        return false;
                    }

                    using var ea = a.EnumerateArray();
                    using var eb = b.EnumerateArray();
                    while (ea.MoveNext() && eb.MoveNext())
                    {
                        if (!DeepEquals(ea.Current, eb.Current))
                        {
                            return false;
                        }
                    }

                    return true;
                }

            case JsonValueKind.Object:
                {
                    var pa = a.EnumerateObject().ToList();
                    var pb = b.EnumerateObject().ToList();
                    if (pa.Count != pb.Count)
                    {
                        return false;
                    }

                    foreach (var p in pa)
                    {
                        if (!b.TryGetProperty(p.Name, out var other) || !DeepEquals(p.Value, other))
                        {
                            return false;
                        }
                    }

                    return true;
                }

            default:
                return true;
        }
    }
}
