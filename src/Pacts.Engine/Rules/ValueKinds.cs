namespace Pacts.Rules;

/// <summary>The JSON kinds of a present, non-null value (SPEC §4): what a rule lets through, as <see cref="RuleDefinition.Passes"/>.</summary>
[Flags]
internal enum ValueKinds
{
    /// <summary>No kind.</summary>
    None = 0,

    /// <summary>A JSON string.</summary>
    String = 1,

    /// <summary>A JSON number.</summary>
    Number = 2,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean = 4,

    /// <summary>A JSON array.</summary>
    Array = 8,

    /// <summary>A JSON object.</summary>
    Object = 16,

    /// <summary>Every kind: the rule's check decides, whatever the kind.</summary>
    Any = String | Number | Boolean | Array | Object,
}
