using System.Text;
using System.Text.Json;
using Json.Schema;
using Pacts.Diagnostics;
using Pacts.Paths;
using Pacts.Syntax;
using Pacts.Text;

namespace Pacts.Cli.Mcp;

/// <summary>
/// <c>pacts validate --tools FILE</c> (SPEC §12): checks pacts against the tools an MCP server lists (a <c>tools/list</c>
/// result). It reads each pact's document again (the compiled pact keeps no source positions) and walks each
/// condition's <c>paramPath</c> down the tool's <c>inputSchema</c>: <c>properties</c>, <c>additionalProperties</c>,
/// <c>items</c>/<c>prefixItems</c> and local <c>$ref</c>s. Where the schema says nothing certain (no <c>type</c>, an
/// <c>anyOf</c>, <c>patternProperties</c>, a remote <c>$ref</c>) the walk stops without a warning: a warning is only given
/// for what the schema rules out. <c>allowList</c> values are evaluated against the sub-schema with JsonSchema.Net.
/// </summary>
internal sealed class ToolsLint
{
    private static readonly string[] StringRules = ["regex", "minLength", "maxLength"];

    private readonly Dictionary<string, Tool> _tools;
    private readonly List<Diagnostic> _found = [];

    private ToolsLint(Dictionary<string, Tool> tools) => _tools = tools;

    /// <summary>
    /// Where in <paramref name="e"/> a member name or a string does not decode (it escapes half a surrogate pair, on which
    /// System.Text.Json's lookups throw), as a path from <paramref name="at"/>; null when every one does.
    /// </summary>
    private static string? NotText(JsonElement e, string at)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return Pacts.Json.JsonStrings.TryGetText(e, out _) ? null : at.Length == 0 ? "the document" : $"`{at}`";
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    if (NotText(item, $"{at}[{i++}]") is { } where)
                    {
                        return where;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = p.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return $"a member name in `{(at.Length == 0 ? "(top)" : at)}`";
                    }

                    if (NotText(p.Value, at.Length == 0 ? name : $"{at}.{name}") is { } where)
                    {
                        return where;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// Reads a tools file: a <c>tools/list</c> result <c>{"tools": [...]}</c> (what <c>pacts mcp tools</c> prints), or a
    /// whole JSON-RPC response holding one in <c>result</c>. Null with <paramref name="error"/> when it cannot be used.
    /// </summary>
    public static ToolsLint? Read(string path, out string? error)
    {
        error = null;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"--tools {path} cannot be read: {ex.Message}";
            return null;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            error = $"--tools {path}:{ex.LineNumber + 1}:{ex.BytePositionInLine + 1}: not JSON: {ex.Message.Split(" LineNumber", 2)[0]}";
            return null;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (NotText(root, "") is { } where)
            {
                error = $"--tools {path}: {where} escapes half of a UTF-16 surrogate pair (`\\ud800`), which is not text";
                return null;
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("result", out var result))
            {
                root = result;
            }

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("tools", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                error = $"--tools {path}: expected a tools/list result, {{\"tools\": [{{\"name\": ..., \"inputSchema\": ...}}, ...]}} (`pacts mcp tools -- COMMAND` prints one)";
                return null;
            }

            var tools = new Dictionary<string, Tool>(StringComparer.Ordinal);
            var i = 0;
            foreach (var t in list.EnumerateArray())
            {
                if (t.ValueKind != JsonValueKind.Object || !t.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                {
                    error = $"--tools {path}: tools[{i}] has no string `name`";
                    return null;
                }

                var schema = t.TryGetProperty("inputSchema", out var s) && s.ValueKind == JsonValueKind.Object ? s.Clone() : (JsonElement?)null;
                tools[name.GetString()!] = new Tool(name.GetString()!, schema, i);
                i++;
            }

            return new ToolsLint(tools);
        }
    }

    /// <summary>The warnings for the pact files given (each already compiled without errors), in file order.</summary>
    public IReadOnlyList<Diagnostic> Check(IEnumerable<string> files)
    {
        _found.Clear();
        foreach (var file in files)
        {
            string text;
            try
            {
                text = File.ReadAllText(file); // compiled a moment ago, so it decodes (a byte order mark is honoured)
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // a file that vanished since it compiled is not this check's to report
            }

            var bag = new List<Diagnostic>();
            if (PactDocumentReader.Read(text, file, PactDocumentReader.FormatOf(file), bag) is { Kind: PactNodeKind.Mapping } root
                && Get(root, "bindings") is { Kind: PactNodeKind.Sequence } bindings)
            {
                foreach (var binding in bindings.Items.Where(b => b.Kind == PactNodeKind.Mapping))
                {
                    CheckBinding(binding);
                }
            }
        }

        return _found;
    }

    private void CheckBinding(PactNode binding)
    {
        if (Get(binding, "tool") is not { Kind: PactNodeKind.String } toolNode)
        {
            return;
        }

        if (!_tools.TryGetValue(toolNode.Text, out var tool))
        {
            var near = Suggest.Closest(toolNode.Text, _tools.Keys);
            Warn(DiagnosticCodes.ToolNotListed, toolNode.Span, $"tool `{toolNode.Text}` is not listed by the server ({_tools.Count} tools)",
                near is null ? "the binding never applies to this server's calls: remove it or check the tool name" : $"did you mean `{near}`?");
            return;
        }

        if (tool.Schema is not { } schema)
        {
            return;
        }

        var conditions = Get(binding, "conditions") is { Kind: PactNodeKind.Sequence } c ? c.Items.Where(i => i.Kind == PactNodeKind.Mapping).ToList() : [];
        foreach (var condition in conditions)
        {
            CheckConditionLike(tool, schema, condition);
            if (Get(condition, "when") is { } when)
            {
                foreach (var guard in when.Kind == PactNodeKind.Sequence ? when.Items : [when])
                {
                    if (guard.Kind == PactNodeKind.Mapping)
                    {
                        CheckConditionLike(tool, schema, guard);
                    }
                }
            }
        }

        if (Get(binding, "additionalParams") is { Kind: PactNodeKind.String, Text: "deny" } deny
            && schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            var named = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in conditions.SelectMany(GuardsAndSelf))
            {
                if (Get(node, "paramPath") is { Kind: PactNodeKind.String } p && ParamPath.TryParse(p.Text, out var path, out _))
                {
                    named.Add(path!.Segments[0].Key);
                }
            }

            foreach (var r in required.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String && !named.Contains(r.GetString()!)))
            {
                Warn(DiagnosticCodes.SchemaRequiredForbidden, deny.Span,
                    $"`{tool.Name}` requires `{r.GetString()}`, and `additionalParams: deny` refuses it since no condition names it",
                    $"every valid call breaks the pact: add a condition on `{ParamPath.RenderKey(r.GetString()!)}`");
            }
        }
    }

    private static IEnumerable<PactNode> GuardsAndSelf(PactNode condition)
    {
        yield return condition;
        if (Get(condition, "when") is { } when)
        {
            foreach (var g in when.Kind == PactNodeKind.Sequence ? when.Items : [when])
            {
                yield return g;
            }
        }
    }

    private void CheckConditionLike(Tool tool, JsonElement schema, PactNode condition)
    {
        if (Get(condition, "paramPath") is not { Kind: PactNodeKind.String } pathNode || !ParamPath.TryParse(pathNode.Text, out var path, out _))
        {
            return;
        }

        var (sub, pointer) = (schema, "#");
        foreach (var segment in path!.Segments)
        {
            var at = Resolve(schema, sub);
            if (at is not { } here)
            {
                return; // a $ref this check cannot follow
            }

            var types = Types(here);
            if (segment.Kind == SegmentKind.Key)
            {
                if (types is not null && !types.Contains("object"))
                {
                    Warn(DiagnosticCodes.PathNotInSchema, pathNode.Span, $"`{pathNode.Text}` cannot exist: it steps into `{segment.Key}` of a value `{tool.Name}`'s input schema declares {string.Join(" or ", types)}", "the path never resolves: no rule of this condition ever runs");
                    return;
                }

                if (Uncertain(here))
                {
                    return;
                }

                if (here.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object && props.TryGetProperty(segment.Key, out var prop))
                {
                    (sub, pointer) = (prop, pointer + "/properties/" + Escape(segment.Key));
                    continue;
                }

                if (here.TryGetProperty("patternProperties", out _))
                {
                    return;
                }

                if (here.TryGetProperty("additionalProperties", out var extra))
                {
                    if (extra.ValueKind == JsonValueKind.False)
                    {
                        var declared = props.ValueKind == JsonValueKind.Object ? props.EnumerateObject().Select(p => p.Name).ToList() : [];
                        var near = Suggest.Closest(segment.Key, declared);
                        Warn(DiagnosticCodes.PathNotInSchema, pathNode.Span,
                            $"{(path.Segments.Count == 1 ? "" : $"`{pathNode.Text}`: ")}`{segment.Key}` is not a property in `{tool.Name}`'s input schema, which allows no others there (additionalProperties: false)",
                            near is null ? $"declared: {(declared.Count == 0 ? "none" : string.Join(", ", declared))}" : $"did you mean `{near}`?");
                        return;
                    }

                    if (extra.ValueKind == JsonValueKind.Object)
                    {
                        (sub, pointer) = (extra, pointer + "/additionalProperties");
                        continue;
                    }
                }

                return; // an undeclared property the schema allows: nothing more is known
            }

            if (types is not null && !types.Contains("array"))
            {
                Warn(DiagnosticCodes.PathNotInSchema, pathNode.Span, $"`{pathNode.Text}` cannot exist: it indexes a value `{tool.Name}`'s input schema declares {string.Join(" or ", types)}", "the path never resolves: no rule of this condition ever runs");
                return;
            }

            if (Uncertain(here))
            {
                return;
            }

            if (segment.Kind == SegmentKind.Index && here.TryGetProperty("prefixItems", out var prefix) && prefix.ValueKind == JsonValueKind.Array)
            {
                if (segment.Index < prefix.GetArrayLength())
                {
                    (sub, pointer) = (prefix[segment.Index], pointer + "/prefixItems/" + segment.Index);
                    continue;
                }

                return;
            }

            if (here.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object && !here.TryGetProperty("prefixItems", out _))
            {
                (sub, pointer) = (items, pointer + "/items");
                continue;
            }

            return;
        }

        if (Resolve(schema, sub) is { } target)
        {
            CheckRules(tool, condition, pathNode.Text, target, pointer);
        }
    }

    private void CheckRules(Tool tool, PactNode condition, string path, JsonElement schema, string pointer)
    {
        var types = Types(schema);
        foreach (var (key, value) in condition.Entries.Select(e => (e.Key, e.Value)))
        {
            if (types is not null && NeededType(key.Text, value) is { } needed && !needed.Any(types.Contains))
            {
                Warn(DiagnosticCodes.RuleNotForSchemaType, key.Span,
                    $"`{key.Text}` on `{path}` cannot apply: `{tool.Name}`'s input schema declares it {string.Join(" or ", types)}",
                    key.Text == "type" ? "a valid call never has this type: check the path or the type" : $"`{key.Text}` needs {string.Join(" or ", needed)}: check the path or the rule");
            }

            if (key.Text == "allowList" && value.Kind == PactNodeKind.Sequence)
            {
                foreach (var item in value.Items.Where(i => i.IsScalar && i.Kind != PactNodeKind.Null))
                {
                    if (!tool.Accepts(pointer, item))
                    {
                        Warn(DiagnosticCodes.AllowedValueRejectedBySchema, item.Span,
                            $"`{path}` allows {Json(item)}, which `{tool.Name}`'s input schema rejects at {pointer}",
                            "the server refuses the value: allowing it has no effect");
                    }
                }
            }
        }
    }

    /// <summary>The JSON Schema types a rule can apply to (null: any value).</summary>
    private static string[]? NeededType(string rule, PactNode value) => rule switch
    {
        _ when StringRules.Contains(rule) => ["string"],
        "maxItems" => ["array"],
        "valueRange" => ["number", "integer"],
        "maxAmount" => ["number", "integer", "string"],
        "type" when value.Kind == PactNodeKind.String => value.Text switch
        {
            "number" => ["number", "integer"],
            "integer" => ["integer", "number"],
            var t => [t],
        },
        _ => null,
    };

    private static bool Uncertain(JsonElement schema) =>
        schema.TryGetProperty("anyOf", out _) || schema.TryGetProperty("oneOf", out _) || schema.TryGetProperty("allOf", out _)
        || schema.TryGetProperty("if", out _) || schema.TryGetProperty("not", out _);

    /// <summary>The schema's declared types, or null when it declares none (or is too dynamic to say).</summary>
    private static HashSet<string>? Types(JsonElement schema)
    {
        if (schema.ValueKind == JsonValueKind.False)
        {
            return [];
        }

        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type) || Uncertain(schema))
        {
            return null;
        }

        return type.ValueKind switch
        {
            JsonValueKind.String => [type.GetString()!],
            JsonValueKind.Array => [.. type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)],
            _ => null,
        };
    }

    /// <summary>Follows local <c>$ref</c>s (<c>#/...</c>, at most 32); null for a reference elsewhere.</summary>
    private static JsonElement? Resolve(JsonElement root, JsonElement schema)
    {
        for (var hops = 0; hops < 32; hops++)
        {
            if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("$ref", out var r) || r.ValueKind != JsonValueKind.String)
            {
                return schema;
            }

            var target = r.GetString()!;
            if (!target.StartsWith('#'))
            {
                return null;
            }

            JsonElement? at = root;
            foreach (var part in target[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                var name = Uri.UnescapeDataString(part).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                at = at is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var next) ? next
                    : at is { ValueKind: JsonValueKind.Array } a && int.TryParse(name, out var i) && i >= 0 && i < a.GetArrayLength() ? a[i]
                    : null;
                if (at is null)
                {
                    return null;
                }
            }

            schema = at!.Value;
        }

        return null;
    }

    private static string Escape(string key) => Uri.EscapeDataString(key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));

    private static string Json(PactNode scalar) => scalar.Kind switch
    {
        PactNodeKind.String => JsonSerializer.Serialize(scalar.Text),
        _ => scalar.Text,
    };

    private static PactNode? Get(PactNode mapping, string key) =>
        mapping.Kind == PactNodeKind.Mapping ? mapping.Entries.FirstOrDefault(e => e.Key.Text == key).Value : null;

    private void Warn(string code, SourceSpan span, string message, string help) =>
        _found.Add(new Diagnostic(code, DiagnosticSeverity.Warning, span, message, help));

    /// <summary>One listed tool; its schema is built with JsonSchema.Net once, the first time a value is checked.</summary>
    private sealed class Tool(string name, JsonElement? schema, int index)
    {
        private readonly Uri _base = new($"urn:pacts:tools:{index}");
        private SchemaRegistry? _registry;

        public string Name { get; } = name;

        public JsonElement? Schema { get; } = schema;

        /// <summary>Whether the sub-schema at <paramref name="pointer"/> accepts the scalar (true when it cannot be built).</summary>
        public bool Accepts(string pointer, PactNode scalar)
        {
            try
            {
                if (_registry is null)
                {
                    _registry = new SchemaRegistry();
                    JsonSchema.Build(Schema!.Value, new BuildOptions { SchemaRegistry = _registry }, _base);
                }

                // A reference into the registered schema keeps its own $refs and dialect in force at the sub-schema.
                var reference = JsonSchema.FromText($$"""{"$ref": {{JsonSerializer.Serialize(_base + pointer)}}}""", new BuildOptions { SchemaRegistry = _registry }, new Uri($"urn:pacts:ref:{Guid.NewGuid():n}"));
                using var value = JsonDocument.Parse(Encoding.UTF8.GetBytes(Json(scalar)));
                return reference.Evaluate(value.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid;
            }
            catch (Exception ex) when (ex is JsonSchemaException or JsonException or InvalidOperationException or ArgumentException or RefResolutionException)
            {
                return true; // a schema JsonSchema.Net cannot read says nothing certain about the value
            }
        }
    }
}
