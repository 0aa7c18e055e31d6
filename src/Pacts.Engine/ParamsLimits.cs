using System.Text.Json;
using Pacts.Json;

namespace Pacts;

/// <summary>Why a call's params are refused.</summary>
public enum ParamsProblemKind
{
    /// <summary>The text stops before its value is complete: empty, or cut off mid-way (a truncated upload).</summary>
    EndOfInput,

    /// <summary>A byte that cannot be where it is (a bad token, a missing comma, text after the value).</summary>
    InvalidToken,

    /// <summary>Objects and arrays nest deeper than the limit (<see cref="ParamsProblem.MaxDepth"/>).</summary>
    TooDeep,

    /// <summary>Valid JSON, but not an object (<see cref="ParamsProblem.Found"/>).</summary>
    NotObject,
}

/// <summary>
/// Why params were refused: the <see cref="Kind"/>, the depth limit they were held to, for a text that does not parse
/// the <see cref="Syntax"/> error with its byte offset, line and column (null for parsed params, or in the rare case
/// the reader finds nothing wrong where the document did), and for params that are not an object the kind
/// <see cref="Found"/> (<see cref="JsonValueKind.Undefined"/>: none given).
/// </summary>
public sealed record ParamsProblem(ParamsProblemKind Kind, int MaxDepth, JsonSyntaxError? Syntax = null, JsonValueKind Found = JsonValueKind.Undefined);

/// <summary>
/// The limits every way in holds a call's params to, and the one classification of what is wrong with them, so a call
/// refused by <c>pacts validate-call</c> is refused by the service and malformed in replay, for the same reason: params
/// are a JSON object nested at most <see cref="MaxDepth"/> levels (objects and arrays, the params object the first; a
/// service may hold them lower). Callers word the problem for their reader; the decision is made here.
/// </summary>
/// <example>
/// <code>
/// using var doc = ParamsLimits.Parse("""{"amount": [[1]"""u8.ToArray(), out var problem);
/// // doc is null; problem.Kind is EndOfInput, problem.Syntax.Where is "byte offset 15, line 1, column 16"
/// </code>
/// </example>
public static class ParamsLimits
{
    /// <summary>The deepest params may nest anywhere (<see cref="Pact.MaxParamsDepth"/>).</summary>
    public const int MaxDepth = ParamsDom.MaxDepth;

    /// <summary>
    /// The deepest a whole event may nest (the event object is level 1): a deeper log line is malformed in replay, and
    /// the service refuses a deeper event, so an event it stores is one replay reads back.
    /// </summary>
    public const int MaxEventDepth = 128;

    /// <summary>What is wrong with parsed <paramref name="parameters"/> held to <paramref name="maxDepth"/> levels, or null when nothing is.</summary>
    public static ParamsProblem? Check(JsonElement parameters, int maxDepth = MaxDepth)
    {
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            return new ParamsProblem(ParamsProblemKind.NotObject, maxDepth, Found: parameters.ValueKind);
        }

        return JsonDepth.Of(parameters) > maxDepth ? new ParamsProblem(ParamsProblemKind.TooDeep, maxDepth) : null;
    }

    /// <summary>Raw params as a document whose root is an object at most <paramref name="maxDepth"/> deep; else null and the <paramref name="problem"/>.</summary>
    public static JsonDocument? Parse(ReadOnlyMemory<byte> utf8, out ParamsProblem? problem, int maxDepth = MaxDepth)
    {
        var doc = ParseJson(utf8, maxDepth, out var error);
        if (doc is null)
        {
            var kind = error?.Kind switch
            {
                JsonSyntaxErrorKind.EndOfInput => ParamsProblemKind.EndOfInput,
                JsonSyntaxErrorKind.TooDeep => ParamsProblemKind.TooDeep,
                _ => ParamsProblemKind.InvalidToken,
            };
            problem = new ParamsProblem(kind, maxDepth, error);
            return null;
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            problem = new ParamsProblem(ParamsProblemKind.NotObject, maxDepth, Found: doc.RootElement.ValueKind);
            doc.Dispose();
            return null;
        }

        problem = null;
        return doc;
    }

    /// <summary>
    /// Any JSON text (params, or a request body that holds them) read with objects and arrays at most
    /// <paramref name="maxDepth"/> levels deep; else null and the <paramref name="error"/>, decided by reading the text
    /// again (<see cref="JsonSyntaxError.Find"/>), never by the words of an exception.
    /// </summary>
    public static JsonDocument? ParseJson(ReadOnlyMemory<byte> utf8, int maxDepth, out JsonSyntaxError? error)
    {
        try
        {
            error = null;
            return JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException)
        {
            error = JsonSyntaxError.Find(utf8.Span, maxDepth);
            return null;
        }
    }
}
