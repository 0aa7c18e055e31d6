using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Pacts.Benchmarks;

/// <summary>
/// A wide pact: 200 bindings × 10 conditions, each condition an allow-list of <see cref="Values"/> values. Tool lookup
/// and list membership must not grow with it: validation is compared with the same call against a pact
/// holding only that one binding. Compile time is the cold compile of the whole text, against a hand-written loader
/// of the same text (<see cref="HandWrittenWidePact"/>) and, as the floor, <see cref="JsonDocument.Parse(string, JsonDocumentOptions)"/>
/// of it alone. The cache hit is <see cref="Pact.Compile"/> of the unchanged text, against a hand-written cache keyed
/// by the text's content.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class WidePactBenchmarks
{
    private const int Bindings = 200;
    private const int Conditions = 10;
    /// <summary>Values per allow-list: 1,000 is the wide pact (2M values, 25 MB of JSON); 10 a realistic one.</summary>
    [Params(10, 1000)]
    public int Values { get; set; }

    private string _wideText = "";
    private Pact _wide = null!;
    private Pact _narrow = null!;
    private JsonElement _call;
    private readonly Dictionary<string, Pact> _contentKeyed = new(StringComparer.Ordinal);

    public static string BuildPact(int bindings, int values)
    {
        var sb = new StringBuilder("{\"pact\":\"wide\",\"bindings\":[");
        for (var b = 0; b < bindings; b++)
        {
            var tool = bindings == 1 ? 137 : b;
            sb.Append(b == 0 ? "" : ",").Append("{\"tool\":\"tool_").Append(tool).Append("\",\"conditions\":[");
            for (var c = 0; c < Conditions; c++)
            {
                sb.Append(c == 0 ? "" : ",").Append("{\"paramPath\":\"p").Append(c).Append("\",\"allowList\":[");
                for (var v = 0; v < values; v++)
                {
                    sb.Append(v == 0 ? "" : ",").Append("\"v").Append(tool).Append('_').Append(c).Append('_').Append(v).Append('"');
                }

                sb.Append("]}");
            }

            sb.Append("]}");
        }

        return sb.Append("]}").ToString();
    }

    [GlobalSetup]
    public void Setup()
    {
        _wideText = BuildPact(Bindings, Values);
        _wide = Pact.Compile(_wideText, "wide.json", Syntax.PactFormat.Json).Pact ?? throw new InvalidOperationException("wide pact does not compile");
        _narrow = Pact.Compile(BuildPact(1, Values), "narrow.json", Syntax.PactFormat.Json).Pact ?? throw new InvalidOperationException("narrow pact does not compile");
        var call = new StringBuilder("{");
        for (var c = 0; c < Conditions; c++)
        {
            call.Append(c == 0 ? "" : ",").Append("\"p").Append(c).Append("\":\"v137_").Append(c).Append('_').Append((Values - 1) - (c * 97 % Values)).Append('"');
        }

        _call = JsonDocument.Parse(call.Append('}').ToString()).RootElement;
        if (!_wide.Validate("tool_137", _call).Valid || !_narrow.Validate("tool_137", _call).Valid || _wide.Validate("tool_138", _call).Violations.Count != Conditions)
        {
            throw new InvalidOperationException("wide pact verdicts are wrong");
        }

        var hand = HandWrittenWidePact.Load(_wideText);
        if (hand.Validate("tool_137", _call) != 0 || hand.Validate("tool_138", _call) != Conditions || hand.Validate("tool_200", _call) != -1)
        {
            throw new InvalidOperationException("the hand-written wide pact loader's verdicts are wrong");
        }

        _contentKeyed[_wideText] = _wide;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("validate")]
    public bool OneBinding() => _narrow.Validate("tool_137", _call).Valid;

    [Benchmark]
    [BenchmarkCategory("validate")]
    public bool WidePact() => _wide.Validate("tool_137", _call).Valid;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("compile")]
    public object CompileHandWritten() => HandWrittenWidePact.Load(_wideText);

    [Benchmark]
    [BenchmarkCategory("compile")]
    public int ParseOnly()
    {
        using var document = JsonDocument.Parse(_wideText);
        return document.RootElement.GetProperty("bindings").GetArrayLength();
    }

    [Benchmark]
    [BenchmarkCategory("compile")]
    public Pact? CompileCold() => Pact.CompileUncached(_wideText, "wide.json", Syntax.PactFormat.Json).Pact;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("cache")]
    public Pact ContentKeyedHit() => _contentKeyed[_wideText];

    [Benchmark]
    [BenchmarkCategory("cache")]
    public Pact? CompileCacheHit() => Pact.Compile(_wideText, "wide.json", Syntax.PactFormat.Json).Pact;
}
