using Pacts.Diagnostics;

namespace Pacts.Syntax;

/// <summary>The format of a pact file, chosen by its extension.</summary>
public enum PactFormat
{
    /// <summary><c>.yaml</c> or <c>.yml</c>.</summary>
    Yaml,

    /// <summary><c>.json</c>.</summary>
    Json,
}

/// <summary>Reads pact text (YAML or JSON) into the one <see cref="PactNode"/> model.</summary>
public static class PactDocumentReader
{
    /// <summary>The format implied by a file name: <c>.json</c> is JSON, everything else YAML.</summary>
    public static PactFormat FormatOf(string path) =>
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? PactFormat.Json : PactFormat.Yaml;

    /// <summary>Reads <paramref name="text"/>; problems are appended to <paramref name="diagnostics"/>.</summary>
    /// <returns>The root node, or null when the text could not be read at all.</returns>
    public static PactNode? Read(string text, string file, PactFormat format, ICollection<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var bag = new DiagnosticBag();
        var node = Read(text, file, format, bag);
        foreach (var d in bag.Items)
        {
            diagnostics.Add(d);
        }

        return node;
    }

    internal static PactNode? Read(string text, string file, PactFormat format, DiagnosticBag bag)
    {
        // A UTF-8 byte order mark is tolerated in both formats.
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        return format == PactFormat.Json
            ? JsonPactReader.Read(text, file, bag)
            : YamlPactReader.Read(text, file, bag);
    }
}
