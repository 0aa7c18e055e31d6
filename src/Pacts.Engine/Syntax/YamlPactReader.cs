using Pacts.Diagnostics;
using Pacts.Json;
using Pacts.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Pacts.Syntax;

/// <summary>
/// Reads YAML into <see cref="PactNode"/>s with the scalar rules of SPEC §2: only JSON-shaped numbers,
/// the three spellings of true/false and the null forms are not strings; everything else (<c>0xA11A…</c>,
/// <c>012</c>, <c>NO</c>, <c>yes</c>) stays a string. YAML 1.1 and 1.2 core schemas are deliberately not used.
/// </summary>
internal sealed class YamlPactReader
{
    private const int MaxDepth = 128;
    private const long MaxExpandedNodes = 1_000_000;

    private const string StrTag = "tag:yaml.org,2002:str";
    private const string IntTag = "tag:yaml.org,2002:int";
    private const string FloatTag = "tag:yaml.org,2002:float";
    private const string BoolTag = "tag:yaml.org,2002:bool";
    private const string NullTag = "tag:yaml.org,2002:null";
    private const string MapTag = "tag:yaml.org,2002:map";
    private const string SeqTag = "tag:yaml.org,2002:seq";

    private readonly string _file;
    private readonly DiagnosticBag _diagnostics;
    private readonly Dictionary<string, (PactNode Node, long Size)> _anchors = new(StringComparer.Ordinal);
    private long _expanded;
    private readonly ScalarItems.Builder _scalars = new();
    private GuardedParser _parser = null!;
    private string _text = "";

    private YamlPactReader(string file, DiagnosticBag diagnostics)
    {
        _file = file;
        _diagnostics = diagnostics;
    }

    /// <summary>Reads one YAML document; returns null (with diagnostics) when the text is not usable.</summary>
    public static PactNode? Read(string text, string file, DiagnosticBag diagnostics)
    {
        var reader = new YamlPactReader(file, diagnostics);
        try
        {
            return reader.ReadStream(text);
        }
        catch (YamlException ex)
        {
            var message = CleanMessage(ex.Message);
            var tabs = message.Contains("tab", StringComparison.Ordinal);
            var at = tabs && IndentingTab(text, file) is { } tab ? tab : reader.Span(ex.Start, ex.End);
            diagnostics.Error(DiagnosticCodes.Syntax, at, "invalid YAML: " + message, tabs ? "indent with spaces" : SyntaxHelp(message));
            return null;
        }
        catch (AbortReadException)
        {
            return null;
        }
    }

    /// <summary>
    /// What to do about each of YamlDotNet's parser messages, which say what the parser was doing, not what the
    /// writer got wrong. Matched on a fragment of the message (its wording, not its position).
    /// </summary>
    private static readonly (string Fragment, string Help)[] SyntaxHelps =
    [
        ("did not find expected key", "a line here is not indented like the keys above it, or is not `key: value`; line each key up under its siblings"),
        ("did not find expected '-' indicator", "list items line up under each other, each starting with `- `, and an item's keys line up under its first key"),
        ("flow sequence", "a `[` list is not closed: separate its items with `,` and end it with `]`; quote an item that holds `,`, `[` or `]`"),
        ("flow mapping", "a `{` mapping is not closed: separate its entries with `,` and end it with `}`; quote a value that holds `,`, `{` or `}`"),
        ("found invalid mapping", "a value that holds `: ` must be quoted: `key: \"a: b\"`"),
        ("mapping values are not allowed", "a value that holds `: ` must be quoted: `key: \"a: b\"`"),
        ("could not find expected ':'", "a key needs `: ` after it; quote a value that runs over several lines, or write it as a block (`|`)"),
        ("quoted scalar, found unexpected end of stream", "the quote opened here is never closed; close it (inside single quotes, write `''` for a quote)"),
        ("unknown escape character", "inside double quotes `\\` starts an escape (`\\n`, `\\u00e9`): write `\\\\` for a backslash, or use single quotes, where `\\` is plain"),
        ("unicode", "inside double quotes `\\u` must name a whole character (`\\u00e9`, or a pair for one beyond U+FFFF); write `\\\\u` for the text"),
        ("anchor or alias", "`&` and `*` start an anchor or an alias; quote a value that starts with them"),
        ("cannot start any token", "`@` and `` ` `` are reserved in YAML; quote a value that starts with them"),
        ("did not find expected node content", "a value is missing, or starts with a character YAML reserves; quote the value"),
        ("block scalar", "the lines of a `|` or `>` block are indented more than its key, each at least as far as the first"),
    ];

    /// <summary>The help for a YamlDotNet message; for one not in the table, where to look.</summary>
    private static string SyntaxHelp(string message)
    {
        foreach (var (fragment, help) in SyntaxHelps)
        {
            if (message.Contains(fragment, StringComparison.OrdinalIgnoreCase))
            {
                return help;
            }
        }

        return "YAML often notices a mistake a line after it: look here and just above for a missing `: `, an unclosed quote or bracket, or uneven indentation";
    }

    private static string CleanMessage(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the position is printed by us.
        var idx = message.LastIndexOf("): ", StringComparison.Ordinal);
        var core = idx >= 0 ? message[(idx + 3)..] : message;
        core = core.Trim().TrimEnd('.');
        return core.Length > 0 ? char.ToLowerInvariant(core[0]) + core[1..] : core;
    }

    /// <summary>
    /// The first tab in a line's indentation: YamlDotNet reports "found invalid tab as indentation" at 1:1 whatever
    /// line holds it, so the reader finds it itself.
    /// </summary>
    private static SourceSpan? IndentingTab(string text, string file)
    {
        var line = 1;
        for (var start = 0; start < text.Length;)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end;
            var indent = text.AsSpan(start, end - start);
            indent = indent[..(indent.IndexOfAnyExcept(' ', '\t') is var k and >= 0 ? k : indent.Length)];
            var tab = indent.IndexOf('\t');
            if (tab >= 0 && indent.Length < end - start)
            {
                return new SourceSpan(file, line, tab + 1);
            }

            start = end + 1;
            line++;
        }

        return null;
    }

    private SourceSpan Span(Mark mark) => new(_file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    /// <summary>
    /// From <paramref name="start"/> to <paramref name="end"/>, YamlDotNet's mark just past a token. A block scalar's
    /// end mark lies past its line breaks, on the next line: the end backs up to just past its last character.
    /// </summary>
    private SourceSpan Span(Mark start, Mark end)
    {
        var (line, column, index) = ((int)end.Line, (int)end.Column, (int)end.Index);
        if (end.Line > start.Line && index <= _text.Length)
        {
            var last = index;
            while (last > start.Index && char.IsWhiteSpace(_text[last - 1]))
            {
                last--;
            }

            if (last < index)
            {
                line = (int)start.Line + _text.AsSpan((int)start.Index, last - (int)start.Index).Count('\n');
                column = last - (last == 0 ? 0 : _text.LastIndexOf('\n', last - 1) + 1) + 1;
            }
        }

        return Span(start).Until(new SourceSpan(_file, line, column));
    }

    private PactNode? ReadStream(string text)
    {
        _text = text;
        _parser = new GuardedParser(new Parser(new StringReader(text)));
        _parser.Consume<StreamStart>();
        if (_parser.Accept<StreamEnd>(out _))
        {
            _diagnostics.Error(DiagnosticCodes.DocumentCount, new SourceSpan(_file, 1, 1), "the file holds no YAML document",
                "write the pact as one YAML mapping");
            return null;
        }

        _parser.Consume<DocumentStart>();
        var (root, _) = ReadNode(0);
        _parser.Consume<DocumentEnd>();
        if (_parser.Accept<DocumentStart>(out var second))
        {
            _diagnostics.Error(DiagnosticCodes.DocumentCount, Span(second.Start, second.End), "the file holds more than one YAML document",
                "put each pact in a file of its own");
            return null;
        }

        return root;
    }

    private (PactNode Node, long Size) ReadNode(int depth)
    {
        if (depth > MaxDepth)
        {
            _diagnostics.Error(DiagnosticCodes.Syntax, Span(_parser.Current!.Start), $"nesting deeper than {MaxDepth} levels");
            throw new AbortReadException();
        }

        var ev = _parser.Current!;
        switch (ev)
        {
            case AnchorAlias alias:
                _parser.MoveNext();
                if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    _diagnostics.Error(DiagnosticCodes.Syntax, Span(alias.Start, alias.End), $"unknown anchor `{alias.Value.Value}`");
                    throw new AbortReadException();
                }

                _expanded += target.Size;
                if (_expanded > MaxExpandedNodes)
                {
                    _diagnostics.Error(DiagnosticCodes.Syntax, Span(alias.Start, alias.End), "aliases expand to more than a million nodes",
                        "remove the nested aliases");
                    throw new AbortReadException();
                }

                return target;
            case Scalar scalar:
                _parser.MoveNext();
                return Remember(scalar.Anchor, (ResolveScalar(scalar), 1));
            case SequenceStart seq:
                {
                    _parser.MoveNext();
                    CheckCollectionTag(seq.Tag, SeqTag, seq.Start);
                    return Remember(seq.Anchor, ReadSequence(depth, Span(seq.Start)));
                }

            case MappingStart map:
                {
                    _parser.MoveNext();
                    CheckCollectionTag(map.Tag, MapTag, map.Start);
                    var entries = new List<KeyValuePair<PactNode, PactNode>>();
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    long size = 1;
                    while (!_parser.TryConsume<MappingEnd>(out _))
                    {
                        var (key, keySize) = ReadNode(depth + 1);
                        var (value, valueSize) = ReadNode(depth + 1);
                        size += keySize + valueSize;
                        if (!key.IsScalar)
                        {
                            _diagnostics.Error(DiagnosticCodes.WrongType, key.Span, $"a mapping key must be a scalar, not {key.Describe()}");
                            continue;
                        }

                        if (!seen.Add(key.Text))
                        {
                            _diagnostics.Error(DiagnosticCodes.DuplicateKey, key.Span, $"duplicate key `{key.Text}`",
                                "give each key once");
                            continue;
                        }

                        entries.Add(new(key, value));
                    }

                    return Remember(map.Anchor, (PactNode.Mapping(entries, Span(map.Start)), size));
                }

            default:
                _diagnostics.Error(DiagnosticCodes.Syntax, Span(ev.Start), "unexpected YAML structure");
                throw new AbortReadException();
        }
    }

    /// <summary>
    /// A sequence's items, after its start: read into columns while they are plain scalars (untagged, unanchored: the
    /// common list, see <see cref="ScalarItems"/>), as the JSON reader does; at the first item that is anything else
    /// the items so far become nodes and the rest are read as nodes.
    /// </summary>
    private (PactNode, long) ReadSequence(int depth, SourceSpan span)
    {
        var scalars = _scalars; // free here: a list being read as scalars holds no list inside it
        long size = 1;
        while (!_parser.TryConsume<SequenceEnd>(out _))
        {
            if (_parser.Current is not Scalar { Anchor.IsEmpty: true } scalar || !(scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific))
            {
                var items = scalars.TakeNodes();
                do
                {
                    var (item, itemSize) = ReadNode(depth + 1);
                    items.Add(item);
                    size += itemSize;
                }
                while (!_parser.TryConsume<SequenceEnd>(out _));

                return (PactNode.Sequence(items, span), size);
            }

            _parser.MoveNext();
            var (kind, text) = Untagged(scalar);
            scalars.Add(kind, text, Span(scalar.Start, scalar.End));
            size++;
        }

        return (PactNode.Sequence(scalars.Build(), span), size);
    }

    private (PactNode, long) Remember(AnchorName anchor, (PactNode, long) node)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = node;
        }

        return node;
    }

    private void CheckCollectionTag(TagName tag, string allowed, Mark start)
    {
        if (!tag.IsEmpty && !tag.IsNonSpecific && tag.Value != allowed)
        {
            _diagnostics.Error(DiagnosticCodes.UnsupportedTag, Span(start), $"unsupported tag `{tag.Value}`",
                "only !!str, !!int, !!float, !!bool and !!null are honoured");
        }
    }

    private PactNode ResolveScalar(Scalar scalar)
    {
        var span = Span(scalar.Start, scalar.End);
        var text = scalar.Value;
        var tag = scalar.Tag;
        if (!tag.IsEmpty && !tag.IsNonSpecific)
        {
            switch (tag.Value)
            {
                case StrTag:
                    return PactNode.Scalar(PactNodeKind.String, text, span, TextColumn(scalar));
                case IntTag when JsonNumberText.IsIntegerLiteral(text.Trim()):
                case FloatTag when JsonNumberText.IsJsonNumber(text.Trim()):
                    return PactNode.Scalar(PactNodeKind.Number, text.Trim(), span);
                case BoolTag when ResolvePlain(text) is { Kind: PactNodeKind.Boolean } b:
                    return PactNode.Scalar(PactNodeKind.Boolean, b.Text, span);
                case NullTag when ResolvePlain(text) is { Kind: PactNodeKind.Null }:
                    return PactNode.Scalar(PactNodeKind.Null, "", span);
                case IntTag or FloatTag or BoolTag or NullTag:
                    _diagnostics.Error(DiagnosticCodes.UnsupportedTag, span, $"`{text}` is not a valid `!!{tag.Value[(tag.Value.LastIndexOf(':') + 1)..]}`");
                    return PactNode.Scalar(PactNodeKind.String, text, span);
                default:
                    _diagnostics.Error(DiagnosticCodes.UnsupportedTag, span, $"unsupported tag `{tag.Value}`",
                        "only !!str, !!int, !!float, !!bool and !!null are honoured");
                    return PactNode.Scalar(PactNodeKind.String, text, span);
            }
        }

        var (kind, resolved) = Untagged(scalar);
        return PactNode.Scalar(kind, resolved, span, kind == PactNodeKind.String ? TextColumn(scalar) : 0);
    }

    /// <summary>
    /// The column where a one-line scalar's value starts in the source, when the value is the source's characters
    /// one for one (plain; quoted with no escape and no doubled quote); else 0. See <see cref="PactNode.TextColumn"/>.
    /// </summary>
    private int TextColumn(Scalar scalar)
    {
        if (scalar.Start.Line != scalar.End.Line || scalar.End.Index > _text.Length || scalar.Start.Index >= scalar.End.Index)
        {
            return 0;
        }

        var source = _text.AsSpan((int)scalar.Start.Index, (int)(scalar.End.Index - scalar.Start.Index));
        var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;
        if (quoted ? source.Length < 2 || !source[1..^1].SequenceEqual(scalar.Value) : scalar.Style != ScalarStyle.Plain || !source.SequenceEqual(scalar.Value))
        {
            return 0;
        }

        return (int)scalar.Start.Column + (quoted ? 1 : 0);
    }

    /// <summary>A scalar without a specific tag: quoted (or <c>!</c>-tagged) is a string, plain is resolved by SPEC §2.</summary>
    private static (PactNodeKind Kind, string Text) Untagged(Scalar scalar) =>
        scalar.Style != ScalarStyle.Plain || scalar.Tag.IsNonSpecific ? (PactNodeKind.String, scalar.Value) : ResolvePlain(scalar.Value);

    /// <summary>The SPEC §2 resolution of a plain scalar.</summary>
    internal static (PactNodeKind Kind, string Text) ResolvePlain(string text) => text switch
    {
        "" or "~" or "null" or "Null" or "NULL" => (PactNodeKind.Null, ""),
        "true" or "True" or "TRUE" => (PactNodeKind.Boolean, "true"),
        "false" or "False" or "FALSE" => (PactNodeKind.Boolean, "false"),
        _ when JsonNumberText.IsJsonNumber(text) => (PactNodeKind.Number, text),
        _ => (PactNodeKind.String, text),
    };

    private sealed class AbortReadException : Exception;

    /// <summary>
    /// YamlDotNet's parser, with its one known non-YAML failure made a <see cref="YamlException"/>: on some malformed
    /// input (a flow list continued on a less-indented line, <c>x: [a</c> then <c>- b</c>) its scanner throws
    /// <see cref="InvalidOperationException"/> instead, which reached users as a stack trace. Reported at the end of
    /// the last event that did parse.
    /// </summary>
    private sealed class GuardedParser(IParser inner) : IParser
    {
        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            var last = inner.Current;
            try
            {
                return inner.MoveNext();
            }
            catch (InvalidOperationException)
            {
                var at = last?.End ?? Mark.Empty;
                throw new YamlException(at, at, "the text after this point cannot be scanned: check that every `[` and `{` is closed before the next line");
            }
        }
    }
}
