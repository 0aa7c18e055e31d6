namespace Pacts.Diagnostics;

/// <summary>
/// The stable diagnostic codes. A code never changes meaning once released; new problems get new codes.
/// Errors are <c>PACT0NN</c>, warnings <c>PACT1NN</c>.
/// </summary>
public static class DiagnosticCodes
{
    /// <summary>The file is not well-formed YAML or JSON.</summary>
    public const string Syntax = "PACT001";

    /// <summary>A key that the pact format does not define.</summary>
    public const string UnknownKey = "PACT002";

    /// <summary>A required key is missing.</summary>
    public const string MissingKey = "PACT003";

    /// <summary>A value has the wrong type (a list where a string is expected, say).</summary>
    public const string WrongType = "PACT004";

    /// <summary>The pact id does not match <c>[A-Za-z0-9][A-Za-z0-9._-]{0,127}</c>.</summary>
    public const string BadPactId = "PACT005";

    /// <summary><c>version</c> is not an integer literal of at least 1.</summary>
    public const string BadVersion = "PACT006";

    /// <summary>A value outside its enumeration (severity, type, allow/deny, ...).</summary>
    public const string BadEnumValue = "PACT007";

    /// <summary>Two bindings name the same tool.</summary>
    public const string DuplicateTool = "PACT008";

    /// <summary>A <c>paramPath</c> that does not parse.</summary>
    public const string BadParamPath = "PACT009";

    /// <summary>A condition with no rule.</summary>
    public const string NoRule = "PACT010";

    /// <summary>A regex that does not parse, or uses a construct that needs backtracking.</summary>
    public const string BadRegex = "PACT011";

    /// <summary>A bound or range that is inverted, negative or otherwise impossible.</summary>
    public const string BadBound = "PACT012";

    /// <summary>An allow or deny list that is empty.</summary>
    public const string EmptyList = "PACT013";

    /// <summary>A list that holds an object or an array.</summary>
    public const string NonScalarInList = "PACT014";

    /// <summary>A value in both the allow list and the deny list of one condition.</summary>
    public const string AllowDenyOverlap = "PACT015";

    /// <summary>A key given twice in one mapping or object.</summary>
    public const string DuplicateKey = "PACT016";

    /// <summary>A YAML tag other than the standard scalar tags.</summary>
    public const string UnsupportedTag = "PACT017";

    /// <summary>Two files of a pact set declare the same pact id.</summary>
    public const string DuplicatePactId = "PACT018";

    /// <summary>A file or directory cannot be read.</summary>
    public const string Io = "PACT019";

    /// <summary>A file holds no document, or more than one YAML document.</summary>
    public const string DocumentCount = "PACT020";

    /// <summary>A budget's name is malformed or repeated, or its window is not a count and a unit (SPEC §10).</summary>
    public const string BadBudget = "PACT021";

    /// <summary>Warning: an allow list that names the same value twice.</summary>
    public const string DuplicateListValue = "PACT101";

    /// <summary>Warning: a regex that uses <c>\d</c> or <c>\w</c>, which match any Unicode digit or letter.</summary>
    public const string UnicodeClass = "PACT102";

    /// <summary>Warning: a value allowed by one condition and denied by another on the same path.</summary>
    public const string ConflictingConditions = "PACT103";

    /// <summary>Warning: a required value that no string can satisfy together with the other rules.</summary>
    public const string UnsatisfiableRequired = "PACT104";

    /// <summary>Warning: an allow or deny list that holds <c>null</c>, which no value ever equals (null is absent).</summary>
    public const string NullInList = "PACT105";

    /// <summary>A budget's <c>tools</c> names a tool the pact does not bind (SPEC §10).</summary>
    public const string BudgetToolUnbound = "PACT106";

    /// <summary>A budget's <c>sum</c> path is mentioned by no binding of its tools (SPEC §10).</summary>
    public const string BudgetSumUnmentioned = "PACT107";

    /// <summary>Warning (<c>validate --tools</c>, SPEC §12): a binding for a tool the MCP server does not list.</summary>
    public const string ToolNotListed = "PACT201";

    /// <summary>Warning (<c>validate --tools</c>): a <c>paramPath</c> that cannot exist under the tool's <c>inputSchema</c>.</summary>
    public const string PathNotInSchema = "PACT202";

    /// <summary>Warning (<c>validate --tools</c>): a rule that cannot apply to the type the tool's schema declares.</summary>
    public const string RuleNotForSchemaType = "PACT203";

    /// <summary>Warning (<c>validate --tools</c>): an <c>allowList</c> value the tool's schema rejects.</summary>
    public const string AllowedValueRejectedBySchema = "PACT204";

    /// <summary>Warning (<c>validate --tools</c>): a property the tool's schema requires and the pact forbids.</summary>
    public const string SchemaRequiredForbidden = "PACT205";
}
