using System.Text.Json.Nodes;
using System.Text.Json;
using Pacts.Rules;
using Pacts.Syntax;

namespace Pacts.Schema;

/// <summary>
/// The JSON Schema (draft 2020-12) of pact documents, generated from the same rule catalogue and key lists
/// the compiler uses, so the schema and the loader cannot drift apart.
/// </summary>
public static class PactSchema
{
    /// <summary>The schema's <c>$id</c>.</summary>
    public const string Id = "https://pacts.dev/schema/pact.schema.json";

    /// <summary>The schema as indented JSON text.</summary>
    public static string ToJson() => Build().ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>The schema as a JSON node tree.</summary>
    public static JsonObject Build()
    {
        var conditionProps = new JsonObject
        {
            ["paramPath"] = new JsonObject { ["type"] = "string", ["pattern"] = EndOfText(Paths.ParamPath.Pattern), ["description"] = "where the value is: a, a.b, a[0], items[*].sku, ['key.with.dots']" },
            ["severity"] = new JsonObject { ["enum"] = new JsonArray("critical", "major", "minor"), ["default"] = "major" },
            ["message"] = new JsonObject { ["type"] = "string", ["description"] = "copied into every violation of this condition" },
            ["when"] = new JsonObject
            {
                ["description"] = "guards: the condition is checked only when every guard holds (SPEC §4)",
                ["oneOf"] = new JsonArray(
                    new JsonObject { ["$ref"] = "#/$defs/guard" },
                    new JsonObject { ["type"] = "array", ["minItems"] = 1, ["items"] = new JsonObject { ["$ref"] = "#/$defs/guard" } }),
            },
        };
        var guardProps = new JsonObject
        {
            ["paramPath"] = new JsonObject
            {
                ["type"] = "string",
                ["pattern"] = EndOfText(Paths.ParamPath.Pattern),
                ["not"] = new JsonObject { ["pattern"] = "\\[\\*\\]" },
                ["description"] = "the value the guard reads (no [*])",
            },
        };
        foreach (var rule in RuleCatalogue.All.Where(r => !PactKeys.NotInGuard.Contains(r.Name)))
        {
            guardProps[rule.Name] = rule.Schema();
        }

        var guard = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("paramPath"),
            ["properties"] = guardProps,
            ["additionalProperties"] = false,
            ["description"] = "holds when the value at paramPath is present, not null, and passes every rule given",
        };
        CheckKeys(guard, [.. PactKeys.GuardMeta, .. RuleCatalogue.All.Select(r => r.Name).Except(PactKeys.NotInGuard)]);
        foreach (var rule in RuleCatalogue.All)
        {
            conditionProps[rule.Name] = rule.Schema();
        }

        var ruleNames = new JsonArray([.. RuleCatalogue.All.Select(r => (JsonNode)JsonValue.Create(r.Name))]);
        var condition = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("paramPath"),
            ["properties"] = conditionProps,
            ["additionalProperties"] = false,
            ["anyOf"] = new JsonArray([.. RuleCatalogue.All.Select(r => (JsonNode)new JsonObject
            {
                ["required"] = new JsonArray(r.Name),
                ["properties"] = new JsonObject { [r.Name] = r.CountsAsRule() },
            })]),
            ["description"] = "one paramPath, one or more rules from: " + string.Join(", ", ruleNames.Select(n => n!.GetValue<string>())),
        };
        var binding = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("tool", "conditions"),
            ["properties"] = new JsonObject
            {
                ["tool"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["description"] = "exact, case-sensitive tool name" },
                ["additionalParams"] = new JsonObject { ["enum"] = new JsonArray("allow", "deny"), ["default"] = "allow" },
                ["conditions"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/$defs/condition" } },
            },
            ["additionalProperties"] = false,
        };
        CheckKeys(binding, PactKeys.Binding);
        CheckKeys(condition, [.. PactKeys.ConditionMeta, .. RuleCatalogue.All.Select(r => r.Name)]);

        var budget = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("name", "max", "window"),
            ["properties"] = new JsonObject
            {
                ["name"] = new JsonObject { ["type"] = "string", ["pattern"] = EndOfText("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"), ["description"] = "unique in the pact" },
                ["tools"] = new JsonObject { ["type"] = "array", ["minItems"] = 1, ["items"] = new JsonObject { ["type"] = "string", ["minLength"] = 1 }, ["description"] = "default: every tool evaluated against the pact" },
                ["sum"] = new JsonObject { ["type"] = "string", ["pattern"] = EndOfText(Paths.ParamPath.Pattern), ["description"] = "the amounts charged; without it every call counts 1" },
                ["max"] = new JsonObject { ["type"] = "number", ["minimum"] = 0 },
                ["window"] = new JsonObject { ["type"] = "string", ["pattern"] = EndOfText("^[1-9][0-9]{0,2}[smhd]$"), ["description"] = "a sliding window of event time: 90s, 15m, 24h, 7d" },
                ["per"] = new JsonObject { ["enum"] = new JsonArray("agent", "session", "pact"), ["default"] = "agent" },
                ["severity"] = new JsonObject { ["enum"] = new JsonArray("critical", "major", "minor"), ["default"] = "major" },
                ["message"] = new JsonObject { ["type"] = "string", ["description"] = "copied into every breach of this budget" },
            },
            ["additionalProperties"] = false,
            ["description"] = "a limit over many calls inside a sliding window (SPEC §10)",
        };
        CheckKeys(budget, PactKeys.Budget);

        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = Id,
            ["title"] = "Pact",
            ["description"] = "A pact: binds tool names to conditions on their parameters (see SPEC §2-§4).",
            ["type"] = "object",
            ["required"] = new JsonArray("pact", "bindings"),
            ["properties"] = new JsonObject
            {
                // The compiler ignores `$schema` whatever it holds, so the schema may not refuse any value of it.
                ["$schema"] = new JsonObject { ["description"] = "an editor hint (the schema's address); pacts ignores it" },
                ["pact"] = new JsonObject { ["type"] = "string", ["pattern"] = EndOfText("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$") },
                ["version"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = int.MaxValue, ["default"] = 1 },
                ["description"] = new JsonObject { ["type"] = "string" },
                ["unboundTools"] = new JsonObject { ["enum"] = new JsonArray("allow", "deny"), ["default"] = "allow" },
                ["bindings"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/$defs/binding" } },
                ["budgets"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/$defs/budget" } },
            },
            ["additionalProperties"] = false,
            ["$defs"] = new JsonObject { ["binding"] = binding, ["condition"] = condition, ["guard"] = guard, ["budget"] = budget },
        };
        CheckKeys(schema, PactKeys.Top);
        return schema;
    }

    /// <summary>
    /// A pattern ending in <c>$</c>, made to end the text in every dialect: in ECMAScript (editors, ajv) <c>$</c> ends
    /// the text, but .NET's (JsonSchema.Net) also matches before a final newline, where the compiler, anchoring with
    /// <c>\z</c>, refuses. The look-ahead is true at the end of the text, false before that newline.
    /// </summary>
    private static string EndOfText(string pattern) =>
        pattern.EndsWith('$') ? pattern + "(?!\\n)" : throw new ArgumentException("pattern must end with $", nameof(pattern));

    private static void CheckKeys(JsonObject schema, IEnumerable<string> keys)
    {
        var props = schema["properties"]!.AsObject();
        var missing = keys.Where(k => !props.ContainsKey(k)).ToList();
        if (missing.Count > 0 || props.Count != keys.Count())
        {
            throw new InvalidOperationException("schema and compiler key lists disagree: " + string.Join(", ", missing));
        }
    }
}
