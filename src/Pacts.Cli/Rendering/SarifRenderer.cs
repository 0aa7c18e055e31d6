using System.Text.Json;
using Pacts.Diagnostics;

namespace Pacts.Cli.Rendering;

/// <summary>
/// Diagnostics as a SARIF 2.1.0 log for GitHub code scanning: one run, a rule per diagnostic code (described from
/// README's table of codes), a result per diagnostic with its file relative to <c>%SRCROOT%</c> and its region.
/// </summary>
internal static class SarifRenderer
{
    /// <summary>Each code's one-line meaning, as README's "Diagnostic codes" table gives it.</summary>
    private static readonly (string Code, string Meaning)[] Rules =
    [
        (DiagnosticCodes.Syntax, "not well-formed YAML/JSON (also: nesting over 128 levels, alias bombs)"),
        (DiagnosticCodes.UnknownKey, "unknown key, with \"did you mean\""),
        (DiagnosticCodes.MissingKey, "missing required key"),
        (DiagnosticCodes.WrongType, "wrong value type"),
        (DiagnosticCodes.BadPactId, "invalid pact id"),
        (DiagnosticCodes.BadVersion, "`version` not an integer literal >= 1"),
        (DiagnosticCodes.BadEnumValue, "value outside its enumeration (severity, type, allow/deny)"),
        (DiagnosticCodes.DuplicateTool, "duplicate `tool` in one pact (reported at the later one)"),
        (DiagnosticCodes.BadParamPath, "malformed `paramPath`"),
        (DiagnosticCodes.NoRule, "condition with no rule"),
        (DiagnosticCodes.BadRegex, "bad regex, or a construct that needs backtracking (named)"),
        (DiagnosticCodes.BadBound, "impossible bound: `min > max`, `minLength > maxLength`, negative cap, empty `valueRange`"),
        (DiagnosticCodes.EmptyList, "empty `allowList`/`denyList`"),
        (DiagnosticCodes.NonScalarInList, "object or array inside a list"),
        (DiagnosticCodes.AllowDenyOverlap, "value in both `allowList` and `denyList`"),
        (DiagnosticCodes.DuplicateKey, "duplicate key in a mapping"),
        (DiagnosticCodes.UnsupportedTag, "unsupported YAML tag"),
        (DiagnosticCodes.DuplicatePactId, "duplicate pact id in a set"),
        (DiagnosticCodes.Io, "file or directory cannot be read"),
        (DiagnosticCodes.DocumentCount, "no document, or more than one YAML document"),
        (DiagnosticCodes.BadBudget, "a budget's `name` malformed or repeated, or a `window` that is not 1-999 followed by s, m, h or d"),
        (DiagnosticCodes.DuplicateListValue, "a list value given twice"),
        (DiagnosticCodes.UnicodeClass, "`\\d`/`\\w` in a regex (they match any Unicode digit/letter)"),
        (DiagnosticCodes.ConflictingConditions, "a value allowed by one condition and denied by another on the same path"),
        (DiagnosticCodes.UnsatisfiableRequired, "a rule that can never be met with another on the same path: an allowed value the regex rejects, a string rule under a non-string `type`"),
        (DiagnosticCodes.NullInList, "`null` in an `allowList` or `denyList`: it never matches, since a null param is treated as absent (only `required` refuses it)"),
        (DiagnosticCodes.BudgetToolUnbound, "a budget's `tools` names a tool the pact does not bind (a typo never fires)"),
        (DiagnosticCodes.BudgetSumUnmentioned, "a budget's `sum` path that no binding of its tools mentions"),
        (DiagnosticCodes.ToolNotListed, "`--tools`: a binding for a tool the MCP server does not list"),
        (DiagnosticCodes.PathNotInSchema, "`--tools`: a `paramPath` that cannot exist under the tool's `inputSchema` (an undeclared property where `additionalProperties` is false, a step into a non-container)"),
        (DiagnosticCodes.RuleNotForSchemaType, "`--tools`: a rule that cannot apply to the type the tool's schema declares (`regex` on an integer)"),
        (DiagnosticCodes.AllowedValueRejectedBySchema, "`--tools`: an `allowList` value the tool's schema rejects"),
        (DiagnosticCodes.SchemaRequiredForbidden, "`--tools`: a property the tool's schema requires that `additionalParams: deny` refuses"),
    ];

    public static void Write(TextWriter w, IReadOnlyList<Diagnostic> diagnostics, string version) =>
        CliJson.WriteLine(w, CliJson.Indented, json =>
        {
            json.WriteStartObject();
            json.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();
            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", "pacts");
            json.WriteString("version", version);
            json.WriteString("informationUri", "https://pacts.dev");
            json.WriteStartArray("rules");
            foreach (var (code, meaning) in Rules)
            {
                json.WriteStartObject();
                json.WriteString("id", code);
                json.WriteStartObject("shortDescription");
                json.WriteString("text", meaning);
                json.WriteEndObject();
                json.WriteStartObject("fullDescription");
                json.WriteString("text", $"{code}: {meaning}. Codes from PACT100 on are warnings: the pact loads, but probably does not say what its author meant.");
                json.WriteEndObject();
                json.WriteStartObject("help");
                json.WriteString("text", "each result's message says what to do; the table of codes is in the README under \"Diagnostic codes\"");
                json.WriteEndObject();
                json.WriteStartObject("defaultConfiguration");
                json.WriteString("level", Level(code));
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartArray("results");
            foreach (var d in diagnostics)
            {
                Result(json, d);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        });

    private static string Level(string code) => string.CompareOrdinal(code, "PACT100") >= 0 ? "warning" : "error";

    private static void Result(Utf8JsonWriter json, Diagnostic d)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", d.Code);
        var index = Array.FindIndex(Rules, r => r.Code == d.Code);
        if (index >= 0)
        {
            json.WriteNumber("ruleIndex", index);
        }

        json.WriteString("level", d.Severity == DiagnosticSeverity.Error ? "error" : "warning");
        json.WriteStartObject("message");
        json.WriteString("text", d.Help is null ? d.Message : $"{d.Message}; {d.Help}");
        json.WriteEndObject();
        json.WriteStartArray("locations");
        json.WriteStartObject();
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        json.WriteString("uri", Uri(d.Span.File));
        json.WriteString("uriBaseId", "%SRCROOT%");
        json.WriteEndObject();
        json.WriteStartObject("region");
        json.WriteNumber("startLine", d.Span.Line);
        json.WriteNumber("startColumn", d.Span.Column);
        if (d.Span.HasEnd)
        {
            json.WriteNumber("endLine", d.Span.EndLine);
            json.WriteNumber("endColumn", d.Span.EndColumn);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The file relative to the working directory (the repository root in CI), with forward slashes, percent-encoded as a URI reference.</summary>
    private static string Uri(string file)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.GetFullPath(file)).Replace('\\', '/');
        return string.Join('/', relative.Split('/').Select(System.Uri.EscapeDataString));
    }
}
