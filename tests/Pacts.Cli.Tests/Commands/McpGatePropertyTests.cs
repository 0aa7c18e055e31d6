using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pacts.Cli.Mcp;

namespace Pacts.Cli.Tests;

/// <summary>
/// The invariant behind McpGate (SPEC §12): no server runs a call the proxy did not judge. Lines are built from
/// messages with the shapes that slip past a naive reader (members in another case or given twice, a carriage return
/// between tokens, a second value on the line, NaN, trailing commas, a message hidden in another's params), then read
/// as lenient servers read them: Python (universal newlines, NaN), Go (case-insensitive members, a stream of values),
/// Node (the line whole). Whatever any of them finds to run, the proxy must have judged, as the same tool and arguments,
/// or not forwarded.
/// </summary>
public partial class McpGatePropertyTests
{
    [Property(MaxTest = 3000)]
    public Property No_server_runs_a_call_the_proxy_forwarded_unjudged() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed => Check(Line(new Random(seed))));

    /// <summary>The property above means something only if its lines hold calls the servers find, of every outcome.</summary>
    [Fact]
    public void The_lines_hold_calls_that_are_judged_refused_and_harmless()
    {
        var actions = Enumerable.Range(0, 3000).Select(seed => Line(new Random(seed)))
            .Where(line => Runs(line).Count > 0)
            .Select(line => McpGate.ReadClient(Encoding.UTF8.GetBytes(line)).Action)
            .GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(actions.GetValueOrDefault(ClientAction.ToolCall) > 50, string.Join(", ", actions));
        Assert.True(actions.GetValueOrDefault(ClientAction.Answer) > 100, string.Join(", ", actions));
        Assert.True(actions.GetValueOrDefault(ClientAction.Drop) > 10, string.Join(", ", actions));
    }

    private static void Check(string line)
    {
        var runs = Runs(line);
        var read = McpGate.ReadClient(Encoding.UTF8.GetBytes(line));
        if (read.Action == ClientAction.Forward)
        {
            Assert.True(runs.Count == 0, runs.Count == 0 ? "" : $"forwarded unjudged, and a server runs {runs[0].Tool}: {line}");
        }
        else if (read.Action == ClientAction.ToolCall && read.Call!.Malformed is null)
        {
            var judged = JsonNode.Parse(read.Call.Arguments);
            Assert.All(runs, run =>
            {
                Assert.True(run.Tool == read.Call.Tool, $"judged {read.Call.Tool}, a server runs {run.Tool}: {line}");
                Assert.True(JsonNode.DeepEquals(judged, run.Arguments), $"judged {read.Call.Arguments.Length} bytes of other arguments: {line}");
            });
        }
    }

    // ---- the servers ----

    private sealed record Run(string? Tool, JsonNode? Arguments);

    /// <summary>Every tools/call request some lenient server reads in the line.</summary>
    private static List<Run> Runs(string line)
    {
        var found = new List<Run>();
        var lenient = Lenient().Replace(line, "0"); // Python's json reads NaN and Infinity; the value does not matter here
        foreach (var piece in lenient.Split(['\r', '\n'])) // Python's universal newlines
        {
            foreach (var value in Values(piece))
            {
                Find(value, caseInsensitive: false, found); // Python, Node
                Find(value, caseInsensitive: true, found); // Go's encoding/json, Newtonsoft
            }
        }

        foreach (var value in Values(lenient.TrimEnd('\r'))) // Node and a streaming decoder: the line whole
        {
            Find(value, caseInsensitive: true, found);
        }

        return found;
    }

    /// <summary>The JSON values in <paramref name="text"/> one after another (a streaming decoder), as far as they read.</summary>
    private static List<JsonNode?> Values(string text)
    {
        var values = new List<JsonNode?>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { AllowMultipleValues = true, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 512 });
        try
        {
            while (reader.Read())
            {
                using var doc = JsonDocument.ParseValue(ref reader);
                values.Add(Node(doc.RootElement));
            }
        }
        catch (JsonException)
        {
            // what follows does not read
        }

        return values;
    }

    /// <summary>A copy that keeps a member given twice as the last one (what most parsers do).</summary>
    private static JsonNode? Node(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => new JsonObject(e.EnumerateObject().GroupBy(Name).Select(g => KeyValuePair.Create(g.Key, Node(g.Last().Value)))),
        JsonValueKind.Array => new JsonArray([.. e.EnumerateArray().Select(Node)]),
        _ => JsonValue.Create(e.Clone()),
    };

    /// <summary>A member's name; one escaping half a surrogate pair (a JavaScript or Python string, not .NET's) as escaped.</summary>
    private static string Name(JsonProperty p)
    {
        try
        {
            return p.Name;
        }
        catch (InvalidOperationException)
        {
            return Encoding.UTF8.GetString(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(p));
        }
    }

    private static void Find(JsonNode? value, bool caseInsensitive, List<Run> found)
    {
        foreach (var message in value is JsonArray batch ? [.. batch] : new[] { value })
        {
            try
            {
                FindIn(message, caseInsensitive, found);
            }
            catch (InvalidOperationException)
            {
                // a method or tool name escaping half a surrogate pair: no server reads `tools/call` or a bound tool from it
            }
        }
    }

    private static void FindIn(JsonNode? message, bool caseInsensitive, List<Run> found)
    {
        if (message is JsonObject o && Member(o, "method", caseInsensitive) is JsonValue m && m.TryGetValue<string>(out var method)
            && method == "tools/call" && Member(o, "id", caseInsensitive) is not null)
        {
            var p = Member(o, "params", caseInsensitive) as JsonObject;
            var name = p is null ? null : Member(p, "name", caseInsensitive) is JsonValue n && n.TryGetValue<string>(out var s) ? s : null;
            found.Add(new Run(name, p is null ? null : Member(p, "arguments", caseInsensitive) ?? new JsonObject()));
        }
    }

    /// <summary>The last member named <paramref name="name"/>, its case folded as Go folds it when asked.</summary>
    private static JsonNode? Member(JsonObject o, string name, bool caseInsensitive) =>
        o.LastOrDefault(kv => caseInsensitive ? Fold(kv.Key) == name : kv.Key == name).Value;

    private static string Fold(string key) => key.Replace('\u017F', 's').Replace('\u212A', 'k').ToLowerInvariant();

    [GeneratedRegex(@"-?\b(NaN|Infinity)\b")]
    private static partial Regex Lenient();

    // ---- the lines ----

    // Mostly the names themselves (a call the proxy judges, to compare with what the servers read), sometimes not.
    private static readonly string[] MethodKeys = [.. Enumerable.Repeat("method", 8), "Method", "METHOD", "meth\\u006fd", "metho\\u0044"];
    private static readonly string[] IdKeys = [.. Enumerable.Repeat("id", 8), "ID", "Id"];
    private static readonly string[] ParamsKeys = [.. Enumerable.Repeat("params", 8), "Params"];
    private static readonly string[] NameKeys = [.. Enumerable.Repeat("name", 8), "Name", "n\\u0061me"];
    private static readonly string[] ArgumentsKeys = [.. Enumerable.Repeat("arguments", 8), "Arguments", "argument\u017f", "argument\\u017f"];
    private static readonly string[] Methods = ["tools/call", "tools/call", "tools/call", "ping", "tools/list", "notifications/x", "tools/call\\udc00"];
    private static readonly string[] Tools = ["pay", "refund", "pay\\ud800"];

    private static string Line(Random rng)
    {
        var line = Message(rng, depth: 0);
        switch (rng.Next(8))
        {
            case 0:
                line += (rng.Next(2) == 0 ? " " : "\r") + Message(rng, depth: 0); // a second value on the line
                break;
            case 1:
                line = "[" + line + "," + Message(rng, depth: 0) + "]"; // a batch
                break;
            case 2:
                line = line[..rng.Next(1, line.Length)]; // the first part of a message split over lines
                break;
        }

        return line;
    }

    private static string Message(Random rng, int depth)
    {
        var members = new List<string>();
        if (rng.Next(10) > 0)
        {
            members.Add($"\"{Pick(rng, MethodKeys)}\":\"{Pick(rng, Methods)}\"");
        }

        if (rng.Next(8) > 0)
        {
            members.Add($"\"{Pick(rng, IdKeys)}\":{rng.Next(1, 99)}");
        }

        var parameters = new List<string>();
        if (rng.Next(10) > 0)
        {
            parameters.Add($"\"{Pick(rng, NameKeys)}\":\"{Pick(rng, Tools)}\"");
        }

        if (rng.Next(4) > 0)
        {
            parameters.Add($"\"{Pick(rng, ArgumentsKeys)}\":{Arguments(rng)}");
        }

        if (depth == 0 && rng.Next(6) == 0)
        {
            parameters.Add($"\"x\":{Cr(rng)}{Message(rng, depth + 1)}{Cr(rng)}"); // a message in another's params
        }

        members.Add($"\"{Pick(rng, ParamsKeys)}\":{{{string.Join(",", Shuffle(rng, parameters))}}}");
        members.Add(rng.Next(20) == 0 ? "\"\\ud800\":\"2.0\"" : "\"jsonrpc\":\"2.0\""); // a name System.Text.Json will not make a string of
        if (rng.Next(6) == 0)
        {
            members.Add(members[rng.Next(members.Count)]); // a member given twice
        }

        var joined = string.Join("," + Cr(rng), Shuffle(rng, members));
        return "{" + joined + (rng.Next(12) == 0 ? "," : "") + "}";
    }

    private static string Arguments(Random rng) => rng.Next(8) switch
    {
        0 => "{\"amount\":NaN}",
        1 => "{\"amount\":10,\"AMOUNT\":500}",
        2 => "{\"amount\":10,\"amount\":500}",
        3 => "[500]",
        _ => $"{{\"amount\":{rng.Next(1, 1000)}}}",
    };

    private static string Cr(Random rng) => rng.Next(10) == 0 ? "\r" : "";

    private static string Pick(Random rng, string[] from) => from[rng.Next(from.Length)];

    private static List<string> Shuffle(Random rng, List<string> items) => [.. items.OrderBy(_ => rng.Next())];
}
