using System.Runtime.CompilerServices;
using System.Text.Json;
using Pacts.Json;

namespace Pacts.Evaluating;

/// <summary>
/// The raw UTF-8 fast path: judges params during one forward reader pass (<see cref="StrictJsonReader"/>, or
/// <see cref="Utf8JsonReader"/> for what it refuses), driven by the binding's <see cref="StreamNode"/> plan. A property name is matched once against the keys the
/// current state knows; the value it leads to is judged as it is read (scalars in place, containers by
/// their verbatim text once they close), and whatever no condition reaches is skipped by the reader without
/// being looked at. Nothing is indexed and nothing is allocated unless a violation is found.
/// </summary>
/// <remarks>
/// This is the same semantics as <see cref="CompiledCondition"/>'s walk (SPEC §3–§5: every duplicated key
/// is a location, <c>null</c> is absent, a wrong shape on the way is an absence), reached in document order
/// rather than condition by condition; the binding's sort then puts the violations in SPEC §5 order, so the
/// verdicts are byte-for-byte those of the walk. Invalid JSON is refused by the strict reader and then throws
/// <see cref="Utf8JsonReader"/>'s <see cref="JsonException"/> at the same byte the indexed path would, because
/// the whole input is read again with the same options.
/// </remarks>
internal static class StreamEvaluator
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = ParamsDom.MaxDepth };

    /// <summary>
    /// Judges <paramref name="json"/> against <paramref name="binding"/>'s plan into <paramref name="sink"/>.
    /// False, with nothing reported, when the params are not a JSON object: the caller's general path says why.
    /// </summary>
    /// <remarks>
    /// The bytes are read by <see cref="StrictJsonReader"/>, which takes the params of nearly every call at a
    /// fraction of <see cref="Utf8JsonReader"/>'s cost per token. Whatever it refuses (invalid JSON above all) is
    /// judged again from the start with <see cref="Utf8JsonReader"/>, its partial findings dropped, so the verdict
    /// and any <see cref="JsonException"/> are the general reader's.
    /// </remarks>
    public static bool TryEvaluate(ReadOnlySpan<byte> json, StreamNode root, CompiledBinding binding, ViolationSink sink)
    {
        var start = sink.Count;
        try
        {
            var strict = new StrictJsonReader(json);
            return TryEvaluate(ref strict, json, root, binding, sink);
        }
        catch (StrictJsonReader.RefusedException)
        {
            sink.TruncateTo(start);
        }

        var tokens = new SystemJsonTokens(new Utf8JsonReader(json, Options));
        return TryEvaluate(ref tokens, json, root, binding, sink);
    }

    /// <summary>
    /// Judges the params object at the reader's current <c>{</c>, the reader being over <paramref name="json"/>
    /// (replay judges an event's params this way, in the same pass as the event); the reader ends on its <c>}</c>.
    /// </summary>
    public static void EvaluateAt<TReader>(ref TReader reader, ReadOnlySpan<byte> json, StreamNode root, CompiledBinding binding, ViolationSink sink)
        where TReader : IJsonTokens, allows ref struct =>
        Properties(ref reader, json, root, binding.DenyAdditionalParams ? binding : null, sink);

    private static bool TryEvaluate<TReader>(ref TReader reader, ReadOnlySpan<byte> json, StreamNode root, CompiledBinding binding, ViolationSink sink)
        where TReader : IJsonTokens, allows ref struct
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        Properties(ref reader, json, root, binding.DenyAdditionalParams ? binding : null, sink);
        while (reader.Read())
        {
            // Only whitespace may follow; the reader throws (or refuses) on anything else.
        }

        return true;
    }

    /// <summary>The properties of an object <paramref name="node"/>'s conditions go into; the reader ends on its <c>}</c>.</summary>
    private static void Properties<TReader>(ref TReader reader, ReadOnlySpan<byte> json, StreamNode node, CompiledBinding? additional, ViolationSink sink)
        where TReader : IJsonTokens, allows ref struct
    {
        ulong seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            var escaped = reader.ValueIsEscaped;
            var k = escaped ? node.EscapedKeyIndex(name) : node.KeyIndex(name);
            reader.Read();
            if (k >= 0)
            {
                seen |= 1UL << k;
                Value(ref reader, json, node.KeyNodes[k], sink);
            }
            else if (additional is not null && reader.TokenType != JsonTokenType.Null)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                additional.ReportAdditional(JsonStrings.DecodeToString(name), json[start..(int)reader.BytesConsumed], sink);
            }
            else
            {
                reader.Skip();
            }
        }

        var keyNodes = node.KeyNodes;
        for (var k = 0; k < keyNodes.Length; k++)
        {
            if ((seen & (1UL << k)) == 0)
            {
                ReportMissing(keyNodes[k].Required, node.Depth, sink);
            }
        }
    }

    /// <summary>Judges the value at the reader's current token for <paramref name="node"/>; the reader ends on its last token.</summary>
    private static void Value<TReader>(ref TReader reader, ReadOnlySpan<byte> json, StreamNode node, ViolationSink sink)
        where TReader : IJsonTokens, allows ref struct
    {
        var depth = node.Depth;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                ReportMissing(node.Required, depth, sink);
                return;

            case JsonTokenType.StartObject:
                {
                    var start = (int)reader.TokenStartIndex;
                    if (node.Keys.Length > 0)
                    {
                        Properties(ref reader, json, node, null, sink);
                    }
                    else
                    {
                        reader.Skip();
                    }

                    Present(node, JsonValueKind.Object, json[start..(int)reader.BytesConsumed], 0, sink);
                    ReportMissing(node.RequiredViaItems, depth, sink);
                    return;
                }

            case JsonTokenType.StartArray:
                {
                    var start = (int)reader.TokenStartIndex;
                    var count = 0;
                    if (node.HasItems)
                    {
                        var trail = sink.Trail;
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            if (node.Element(count) is { } element)
                            {
                                trail[depth] = count;
                                Value(ref reader, json, element, sink);
                            }
                            else
                            {
                                reader.Skip();
                            }

                            count++;
                        }
                    }
                    else if (node.Terminal.Length > 0)
                    {
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            reader.Skip();
                            count++;
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }

                    Present(node, JsonValueKind.Array, json[start..(int)reader.BytesConsumed], count, sink);
                    ReportMissing(node.RequiredViaKeys, depth, sink);
                    var indexes = node.Indexes;
                    for (var j = 0; j < indexes.Length; j++)
                    {
                        if (indexes[j] >= count)
                        {
                            ReportMissing(node.IndexRequired[j], depth, sink);
                        }
                    }

                    return;
                }

            default:
                {
                    var kind = reader.TokenType switch
                    {
                        JsonTokenType.String => JsonValueKind.String,
                        JsonTokenType.Number => JsonValueKind.Number,
                        JsonTokenType.True => JsonValueKind.True,
                        _ => JsonValueKind.False,
                    };
                    var verbatim = kind == JsonValueKind.String
                        ? json.Slice((int)reader.TokenStartIndex, reader.ValueSpan.Length + 2)
                        : reader.ValueSpan;
                    Present(node, kind, verbatim, 0, sink, reader.ValueIsEscaped ? (byte)2 : (byte)1);
                    ReportMissing(node.RequiredViaKeys, depth, sink);
                    ReportMissing(node.RequiredViaItems, depth, sink);
                    return;
                }
        }
    }

    private static void Present(StreamNode node, JsonValueKind kind, ReadOnlySpan<byte> verbatim, int arrayLength, ViolationSink sink, byte escapes = 0)
    {
        foreach (var condition in node.Terminal)
        {
            condition.Present(kind, verbatim, arrayLength, sink.Trail, sink, escapes);
        }

        if (node.Taps.Length != 0)
        {
            sink.Tap(node.Taps, kind, verbatim, escapes == 2);
        }
    }

    /// <summary>Reports absences; the empty list (the common case) costs one length check, inlined.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReportMissing(CompiledCondition[] conditions, int resolved, ViolationSink sink)
    {
        if (conditions.Length != 0)
        {
            ReportEach(conditions, resolved, sink);
        }
    }

    private static void ReportEach(CompiledCondition[] conditions, int resolved, ViolationSink sink)
    {
        foreach (var condition in conditions)
        {
            condition.Missing(sink.Trail, resolved, sink);
        }
    }
}
