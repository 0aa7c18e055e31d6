using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Pacts.Evaluating;
using Pacts.Paths;

namespace Pacts.Compiling;

/// <summary>The compiled conditions for one tool, plus the <c>additionalParams</c> policy.</summary>
internal sealed class CompiledBinding
{
    private readonly byte[][] _knownKeys;

    public CompiledBinding(string tool, bool denyAdditional, CompiledCondition[] conditions, Verdict validVerdict, int line)
    {
        Tool = tool;
        DenyAdditionalParams = denyAdditional;
        Conditions = conditions;
        ValidVerdict = validVerdict;
        Line = line;
        _knownKeys = [.. conditions.Select(c => c.Path.Segments[0].Utf8Key).Distinct(ByteArrayComparer.Instance)];
    }

    public string Tool { get; }

    public bool DenyAdditionalParams { get; }

    public CompiledCondition[] Conditions { get; }

    /// <summary>The verdict every passing call to this tool returns: built once, so passing allocates nothing.</summary>
    public Verdict ValidVerdict { get; }

    /// <summary>The source line of the binding's <c>tool</c> key.</summary>
    public int Line { get; }

    public void Evaluate(JsonElement parameters, ViolationSink sink)
    {
        foreach (var condition in Conditions)
        {
            condition.Evaluate(parameters, sink);
        }

        if (DenyAdditionalParams)
        {
            foreach (var prop in parameters.EnumerateObject())
            {
                if (prop.Value.ValueKind != JsonValueKind.Null && !IsKnown(prop))
                {
                    var value = Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8Value(prop.Value));
                    sink.Add(new Violation(ParamPath.RenderKey(prop.Name), "additionalParams", Severity.Major, value,
                        $"`{prop.Name}` is not a param of `{Tool}`"), int.MaxValue);
                }
            }
        }
    }

    private bool IsKnown(JsonProperty prop)
    {
        foreach (var key in _knownKeys)
        {
            if (prop.NameEquals(key))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var h = new HashCode();
            h.AddBytes(obj);
            return h.ToHashCode();
        }
    }
}
