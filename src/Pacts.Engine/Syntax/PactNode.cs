using Pacts.Text;

namespace Pacts.Syntax;

/// <summary>The kind of a node in a pact document, after YAML scalar resolution (SPEC §2).</summary>
public enum PactNodeKind
{
    /// <summary>A mapping (YAML) or object (JSON).</summary>
    Mapping,

    /// <summary>A sequence (YAML) or array (JSON).</summary>
    Sequence,

    /// <summary>A string scalar.</summary>
    String,

    /// <summary>A number, kept as its exact decimal text.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary><c>null</c>, <c>~</c> or the empty scalar.</summary>
    Null,
}

/// <summary>
/// One node of a pact document as read from YAML or JSON, with its source position. Both formats read
/// into this one model, so everything after reading is format-blind.
/// </summary>
public sealed class PactNode
{
    private PactNode(PactNodeKind kind, SourceSpan span)
    {
        Kind = kind;
        Span = span;
    }

    /// <summary>The node's kind.</summary>
    public PactNodeKind Kind { get; }

    /// <summary>Where the node starts and, for a scalar, where it ends.</summary>
    public SourceSpan Span { get; }

    /// <summary>The scalar's text: the string, the number as written, or <c>true</c>/<c>false</c>.</summary>
    public string Text { get; private init; } = "";

    /// <summary>The entries of a mapping, in source order.</summary>
    public IReadOnlyList<KeyValuePair<PactNode, PactNode>> Entries { get; private init; } = [];

    /// <summary>The items of a sequence, in source order.</summary>
    public IReadOnlyList<PactNode> Items { get; private init; } = [];

    /// <summary>A sequence of scalars read straight into columns (see <see cref="ScalarItems"/>), else null; <see cref="Items"/> is the same list.</summary>
    internal ScalarItems? Scalars { get; private init; }

    /// <summary>True for strings, numbers, booleans and null.</summary>
    public bool IsScalar => Kind is not (PactNodeKind.Mapping or PactNodeKind.Sequence);

    /// <summary>
    /// For a string whose text is its source characters one for one on the node's line (plain, or quoted without
    /// an escape or a doubled quote), the column of its first character; 0 when the mapping is not 1:1 (escapes,
    /// folded lines, block scalars). A diagnostic about a position inside the text (a regex's error offset) points
    /// there; without it, at the node's start.
    /// </summary>
    internal int TextColumn { get; private init; }

    internal static PactNode Scalar(PactNodeKind kind, string text, SourceSpan span, int textColumn = 0) =>
        new(kind, span) { Text = text, TextColumn = textColumn };

    /// <summary>
    /// Where character <paramref name="offset"/> of the text is (that one character; the point just past the text for
    /// its length), when <see cref="TextColumn"/> knows; else the node's span.
    /// </summary>
    internal SourceSpan SpanAt(int offset) =>
        TextColumn > 0 && offset >= 0 && offset <= Text.Length
            ? Span with { Column = TextColumn + offset, EndLine = offset < Text.Length ? Span.Line : 0, EndColumn = offset < Text.Length ? TextColumn + offset + 1 : 0 }
            : Span;

    internal static PactNode Mapping(List<KeyValuePair<PactNode, PactNode>> entries, SourceSpan span) =>
        new(PactNodeKind.Mapping, span) { Entries = entries };

    internal static PactNode Sequence(List<PactNode> items, SourceSpan span) =>
        new(PactNodeKind.Sequence, span) { Items = items };

    internal static PactNode Sequence(ScalarItems items, SourceSpan span) =>
        new(PactNodeKind.Sequence, span) { Items = items, Scalars = items };

    /// <summary>Finds the entry whose key is the string <paramref name="key"/>.</summary>
    public KeyValuePair<PactNode, PactNode>? Find(string key)
    {
        foreach (var e in Entries)
        {
            if (e.Key.Text == key)
            {
                return e;
            }
        }

        return null;
    }

    /// <summary>A short word for the kind, for messages: <c>a mapping</c>, <c>a string</c>.</summary>
    public string Describe() => Kind switch
    {
        PactNodeKind.Mapping => "a mapping",
        PactNodeKind.Sequence => "a list",
        PactNodeKind.String => "a string",
        PactNodeKind.Number => "a number",
        PactNodeKind.Boolean => "a boolean",
        _ => "null",
    };
}
