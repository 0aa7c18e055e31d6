using System.Text.Json;

namespace Pacts.Json;

/// <summary>The part of <see cref="Utf8JsonReader"/> the streaming evaluator reads through, so it runs over either reader.</summary>
internal interface IJsonTokens
{
    JsonTokenType TokenType { get; }

    ReadOnlySpan<byte> ValueSpan { get; }

    bool ValueIsEscaped { get; }

    long TokenStartIndex { get; }

    long BytesConsumed { get; }

    bool Read();

    void Skip();
}

/// <summary>
/// <see cref="Utf8JsonReader"/> as <see cref="IJsonTokens"/>. It holds the reader itself (a ref struct cannot be
/// referred to by a ref field), so whoever wraps a reader reads on through the wrapper.
/// </summary>
internal ref struct SystemJsonTokens(Utf8JsonReader reader) : IJsonTokens
{
    public Utf8JsonReader Reader = reader;

    public readonly JsonTokenType TokenType => Reader.TokenType;

    public readonly ReadOnlySpan<byte> ValueSpan => Reader.ValueSpan;

    public readonly bool ValueIsEscaped => Reader.ValueIsEscaped;

    public readonly long TokenStartIndex => Reader.TokenStartIndex;

    public readonly long BytesConsumed => Reader.BytesConsumed;

    public bool Read() => Reader.Read();

    public void Skip() => Reader.Skip();
}
