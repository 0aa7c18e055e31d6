using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pacts.Diagnostics;
using Pacts.Json;
using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary>
/// <c>regex</c>: the value must be a string that the pattern matches as a whole. Patterns are built once with
/// <see cref="RegexOptions.NonBacktracking"/> (linear time, no timeout needed) and anchored as
/// <c>\A(?:…)\z</c>, so a trailing newline is not forgiven. Constructs that need backtracking are rejected
/// at compile time with the construct named.
/// </summary>
internal sealed partial class RegexRule : RuleDefinition
{
    /// <summary>Patterns longer than this are refused: they are almost certainly generated or hostile.</summary>
    internal const int MaxPatternLength = 4096;

    public override string Name => "regex";

    /// <inheritdoc/>
    public override ValueKinds Passes => ValueKinds.String;

    public override string Description => "a .NET regex (NonBacktracking dialect) that must match the whole string";

    public override CompiledRule? Compile(PactNode value, RuleContext context)
    {
        if (value.Kind != PactNodeKind.String)
        {
            context.Error(DiagnosticCodes.WrongType, value, $"`regex` must be a string, not {value.Describe()}", "quote the pattern");
            return null;
        }

        var pattern = value.Text;
        if (pattern.Length > MaxPatternLength)
        {
            context.Error(DiagnosticCodes.BadRegex, value, $"regex is {pattern.Length} characters long; the limit is {MaxPatternLength}");
            return null;
        }

        // A pattern in the fast-path subset is plain characters, classes and counts: it parses (checked
        // below) and needs no backtracking, and building the NonBacktracking automaton would cost a CLI's
        // whole start-up budget for nothing. Other patterns get the full engine.
        var simple = SimplePattern.TryCreate(pattern);
        Regex? regex = null;
        if (simple is null || !ParsesAlone(pattern))
        {
            simple = null;
            regex = TryBuild(pattern, out var error);
            if (regex is null)
            {
                // A parse error names its offset in the pattern: the caret goes there, where the source shows the
                // pattern's characters one for one (else at the scalar's start).
                var at = error!.Value.Offset is { } offset ? value.SpanAt(offset) : value.Span;
                context.Diagnostics.Error(DiagnosticCodes.BadRegex, at, error.Value.Message, error.Value.Help);
                return null;
            }
        }

        if (UnicodeClass().IsMatch(pattern))
        {
            context.Warning(DiagnosticCodes.UnicodeClass, value, "`\\d` and `\\w` match any Unicode digit or letter, not just ASCII",
                "write `[0-9]` or `[A-Za-z0-9_]` for ASCII");
        }

        return new Compiled(this, value, $"`{context.PathText}` must be a string matching `{pattern}`", regex, simple);
    }

    public override JsonNode Schema() => new JsonObject { ["type"] = "string", ["description"] = Description };

    /// <summary>Builds the anchored, linear-time regex for a pattern, or explains why it cannot be built.</summary>
    internal static Regex? TryBuild(string pattern, out (string Message, string? Help, int? Offset)? error)
    {
        error = null;
        try
        {
            // The pattern alone must parse: a pattern like `a)|(b` would otherwise be re-balanced by the wrapper.
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (RegexParseException ex)
        {
            // .NET's offset is where its parser stopped: just past the character at fault (`*` in `*a` gives 1).
            // Its message repeats the pattern and the offset ("Invalid pattern 'a)' at offset 2. Too many )'s"): the
            // diagnostic quotes the one and points its caret at the other.
            var prefix = $"Invalid pattern '{pattern}' at offset {ex.Offset}. ";
            var why = ex.Message.StartsWith(prefix, StringComparison.Ordinal) ? ex.Message[prefix.Length..] : ex.Message;
            error = ($"invalid regex `{pattern}`: {Lower(why)}", "the caret marks where the regex stops parsing", Math.Max(0, ex.Offset - 1));
            return null;
        }
        catch (ArgumentException ex)
        {
            error = ($"invalid regex `{pattern}`: {Lower(ex.Message)}", null, null);
            return null;
        }

        // In (?x) mode a trailing `# comment` would swallow the closing anchor; a newline ends it and is
        // ignored in that mode. Elsewhere a newline would be literal, so it is only added under (?x).
        var wrapped = GlobalExtendedFlag().IsMatch(pattern) ? $"\\A(?:{pattern}\n)\\z" : $"\\A(?:{pattern})\\z";
        try
        {
            return new Regex(wrapped, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (NotSupportedException ex) when (ex.Message.Contains("automata", StringComparison.Ordinal))
        {
            // Counted repetitions nest multiplicatively: (a{1000}){1000} would need a million states.
            error = ($"regex `{pattern}` is too large to match in linear time (its automaton would exceed the engine's limit)",
                "reduce nested repetition counts such as `{1000}` inside another count", null);
            return null;
        }
        catch (NotSupportedException ex)
        {
            var construct = ConstructName(ex.Message);
            error = ($"regex `{pattern}` uses {construct}, which needs backtracking", "rewrite the pattern without it: pacts match in linear time", null);
            return null;
        }
        catch (ArgumentException ex)
        {
            error = ($"invalid regex `{pattern}`: {Lower(ex.Message)}", null, null);
            return null;
        }
    }

    private static bool ParsesAlone(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string ConstructName(string message)
    {
        // .NET names the construct in the message: "... expressions containing: 'backreference (\1)'."
        var m = QuotedConstruct().Match(message);
        return m.Success ? m.Groups[1].Value : "a construct";
    }

    private static string Lower(string message)
    {
        var cut = message.IndexOf(" - ", StringComparison.Ordinal);
        var core = cut >= 0 ? message[(cut + 3)..] : message;
        core = core.Trim().TrimEnd('.');
        return core.Length > 0 ? char.ToLowerInvariant(core[0]) + core[1..] : core;
    }

    [GeneratedRegex(@"(?<!\\)(?:\\\\)*\\[dwDW]")]
    private static partial Regex UnicodeClass();

    [GeneratedRegex(@"\(\?[imnsx]*x[imnsx]*(?:-[imnsx]*)?\)")]
    private static partial Regex GlobalExtendedFlag();

    [GeneratedRegex(@"'([^']+)'")]
    private static partial Regex QuotedConstruct();

    /// <summary>
    /// The compiled check: the <see cref="SimplePattern"/> fast path when the pattern allows it (ASCII input
    /// matched from its bytes), else the NonBacktracking regex over the decoded string.
    /// </summary>
    internal sealed class Compiled(RuleDefinition d, PactNode s, string m, Regex? regex, SimplePattern? simple) : CompiledRule(d, s, m)
    {
        /// <summary>Whole-string match of a plain string (compile-time checks such as the linter's).</summary>
        public bool Matches(string text) => simple?.IsMatch(text) ?? regex!.IsMatch(text);

        public override bool Fails(ref LocationValue value)
        {
            if (value.Kind != JsonValueKind.String)
            {
                return true;
            }

            if (simple is not null)
            {
                if (simple.AsciiOnly && !simple.TakesBackslash)
                {
                    // Matched as written before looking for escapes: the pattern takes no backslash, so a text it
                    // matches has none and is its own value. Only a text it does not match is searched for one.
                    return !simple.IsMatchAscii(value.Raw) && (!value.HasEscapes || !simple.IsMatch(value.Chars));
                }

                // An ASCII-only pattern reads any unescaped string as bytes, without checking it is ASCII first.
                var bytes = simple.AsciiOnly ? !value.HasEscapes : value.IsPlainAscii;
                return bytes ? !simple.IsMatchAscii(value.Raw) : !simple.IsMatch(value.Chars);
            }

            return !regex!.IsMatch(value.Chars);
        }
    }
}
