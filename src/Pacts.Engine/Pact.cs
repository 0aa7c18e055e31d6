using System.Collections.Frozen;
using System.Text.Json;
using Pacts.Compiling;
using Pacts.Diagnostics;
using Pacts.Evaluating;
using Pacts.Files;
using Pacts.Json;
using Pacts.Syntax;
using Pacts.Text;

namespace Pacts;

/// <summary>
/// A compiled pact: immutable, thread-safe, ready to validate calls. Obtain one with <see cref="Compile"/>
/// or <see cref="Load"/> (both cached by content, so the same text compiles once), or from a <see cref="PactSet"/>.
/// </summary>
/// <example>
/// <code>
/// var result = Pact.Load("examples/pacts/treasury.pact.yaml");
/// if (!result.Success) { foreach (var d in result.Diagnostics) Console.Error.WriteLine(d); return; }
/// using var doc = JsonDocument.Parse("""{"destination": "0xEVIL", "amount": 250}""");
/// Verdict verdict = result.Pact!.Validate("transfer_funds", doc.RootElement);
/// </code>
/// </example>
public sealed class Pact
{
    private readonly FrozenDictionary<string, CompiledBinding> _bindings;

    internal Pact(CompiledPact compiled)
    {
        IdSpan = compiled.IdSpan;
        Id = compiled.Id;
        Version = compiled.Version;
        Description = compiled.Description;
        DenyUnboundTools = compiled.DenyUnboundTools;
        _bindings = compiled.Bindings;
        Tools = compiled.Tools;
        CompiledBudgets = compiled.Budgets;
        BudgetNames = [.. compiled.Budgets.Select(b => b.Name)];
        for (var i = 0; i < CompiledBudgets.Length && i < Evaluating.ScannedCharges.Max; i++)
        {
            foreach (var binding in _bindings.Values)
            {
                if (CompiledBudgets[i].Sum is { } sum && CompiledBudgets[i].Sees(binding.Tool))
                {
                    binding.TryTap(i, sum.Segments);
                }
            }
        }
    }

    /// <summary>Which budgets' charges the plan of <paramref name="tool"/>'s binding reads in its pass (bit per budget index).</summary>
    internal int TappedBudgets(string tool) => _bindings.TryGetValue(tool, out var binding) ? binding.TappedBudgets : 0;

    /// <summary>The budgets (SPEC §10), in pact order.</summary>
    internal CompiledBudget[] CompiledBudgets { get; }

    /// <summary>The names of the pact's budgets (SPEC §10), in pact order; empty for a pact without state.</summary>
    public IReadOnlyList<string> BudgetNames { get; }

    /// <summary>Where the id is written (line and column; the file is whichever file compiled to this pact).</summary>
    internal SourceSpan IdSpan { get; }

    /// <summary>The pact id (<c>pact:</c>).</summary>
    public string Id { get; }

    /// <summary>The pact version (<c>version:</c>, default 1).</summary>
    public int Version { get; }

    /// <summary>The optional description.</summary>
    public string? Description { get; }

    /// <summary>True when <c>unboundTools: deny</c>.</summary>
    public bool DenyUnboundTools { get; }

    /// <summary>The bound tool names, in file order.</summary>
    public IReadOnlyList<string> Tools { get; }

    /// <summary>
    /// The deepest params a call may have, in levels of objects and arrays (the params object is the first), as
    /// <see cref="JsonDocumentOptions.MaxDepth"/> counts them: raw params nested deeper are refused as invalid JSON,
    /// replay reports such a call as a malformed line, and <c>pacts validate-call</c> as an error. A
    /// <see cref="JsonElement"/> is judged as given; <see cref="JsonDocument"/>'s default depth limit is this one.
    /// </summary>
    public const int MaxParamsDepth = ParamsDom.MaxDepth;

    /// <summary>Compiles pact text. Results are cached by content: compiling the same text again is a lookup.</summary>
    /// <param name="text">The pact document.</param>
    /// <param name="file">The name used in diagnostics.</param>
    /// <param name="format">YAML or JSON.</param>
    public static PactCompilation Compile(string text, string file = "<inline>", PactFormat format = PactFormat.Yaml) =>
        PactCache.Shared.GetOrCompile(text, file, format);

    /// <summary>Reads and compiles a pact file; the format follows the extension (<c>.json</c> or YAML).</summary>
    public static PactCompilation Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return SourceFile.TryRead(path, out var text, out var problem)
            ? Compile(text, path, PactDocumentReader.FormatOf(path))
            : new PactCompilation(path, null, [problem!]);
    }

    /// <summary>Compiles without the cache (the cache calls this).</summary>
    internal static PactCompilation CompileUncached(string text, string file, PactFormat format)
    {
        var bag = new DiagnosticBag();
        var root = PactDocumentReader.Read(text, file, format, bag);
        var pact = root is null ? null : FromDocument(root, bag);
        return new PactCompilation(file, bag.HasErrors ? null : pact, bag.Sorted());
    }

    /// <summary>Checks and compiles a pact document already read (pact test files hold one inline); problems go to <paramref name="diagnostics"/>.</summary>
    internal static Pact? FromDocument(PactNode root, DiagnosticBag diagnostics) =>
        PactCompiler.Compile(root, diagnostics) is { } compiled ? new Pact(compiled) : null;

    /// <summary>The compiled binding of <paramref name="tool"/> (benchmarks and tests look inside).</summary>
    internal CompiledBinding? BindingFor(string tool) => _bindings.GetValueOrDefault(tool);

    /// <summary>True when the pact has a binding for <paramref name="tool"/>.</summary>
    public bool Binds(string tool) => _bindings.ContainsKey(tool);

    /// <summary>True when one of the pact's budgets sees calls of <paramref name="tool"/> (SPEC §10: its <c>tools</c>, or every tool when it names none).</summary>
    public bool BudgetsSee(string tool)
    {
        foreach (var budget in CompiledBudgets)
        {
            if (budget.Tools is null || budget.Tools.Contains(tool))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Validates one call. A passing call to a bound tool allocates nothing: it returns the binding's shared
    /// valid verdict. <paramref name="parameters"/> must be a JSON object.
    /// </summary>
    /// <remarks>
    /// What issue #20 found about this path (benchmarks/README.md, "Steady speed per process"): its speed varies from
    /// process to process and is slower for params that are a sub-element of a larger document, but a hand-written
    /// one-pass scan over the same element, measured in the same process, moves with it (engine / hand-written
    /// 1.00–1.11 in every process, sub-element or not). The cost follows where the caller's <see cref="JsonDocument"/>
    /// put its bytes and metadata rows (a compacting collection after loading narrowed both alike), not the walk here:
    /// a process's median follows how fast that process chases pointers through 8 MB (about 10,000 documents' worth),
    /// which is settled per process on the build VM (17-116 ns per load; correlation 0.99), while the raw-bytes path,
    /// reading only the params' bytes, stays within 2% across the same processes.
    /// Judging the element's raw bytes (<c>JsonMarshal.GetRawUtf8Value</c>) with the raw-UTF-8 plan instead was
    /// measured slower (577 against 395 ns) and dropped. Callers that hold the bytes should pass them
    /// (<see cref="Validate(string, ReadOnlyMemory{byte})"/>): that path reads no document and is steadier.
    /// </remarks>
    /// <exception cref="ArgumentException">The params are not a JSON object.</exception>
    public Verdict Validate(string tool, JsonElement parameters)
    {
        ArgumentNullException.ThrowIfNull(tool);
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"params must be a JSON object, not {Describe(parameters.ValueKind)}", nameof(parameters));
        }

        if (!_bindings.TryGetValue(tool, out var binding))
        {
            return Unbound(tool);
        }

        return Evaluate<ElementNav, JsonElement, JsonElement.ObjectEnumerator, JsonElement.ArrayEnumerator>(tool, binding, parameters);
    }

    /// <summary>
    /// Validates one call whose params are raw UTF-8 JSON (an object). The bytes are judged during one
    /// reader pass (the binding's streaming plan, read by the engine's strict tokenizer), so no document is built: a passing
    /// call allocates nothing here either.
    /// </summary>
    /// <exception cref="JsonException">The bytes are not valid JSON.</exception>
    /// <exception cref="ArgumentException">The JSON is not an object.</exception>
    public Verdict Validate(string tool, ReadOnlyMemory<byte> utf8Parameters)
    {
        ArgumentNullException.ThrowIfNull(tool);
        if (_bindings.TryGetValue(tool, out var binding))
        {
            var sink = ViolationSink.Rent();
            if (binding.TryEvaluateStream(utf8Parameters.Span, sink))
            {
                return Result(tool, binding, sink);
            }
        }

        // Unbound tools, params that are not an object and the rare pact without a plan: index, then walk.
        return Validate(tool, ParamsDom.Rent().Load(utf8Parameters), nameof(utf8Parameters));
    }

    /// <summary>
    /// Replay's in-pass path: judges the params object at <paramref name="reader"/>'s current <c>{</c> (the
    /// reader over <paramref name="json"/>, the whole log line) and leaves the reader on its <c>}</c>. Null, with
    /// the reader untouched, when the tool is unbound or its binding has no streaming plan.
    /// </summary>
    internal Verdict? TryValidateAt<TReader>(string tool, ref TReader reader, ReadOnlySpan<byte> json)
        where TReader : IJsonTokens, allows ref struct
    {
        var sink = ViolationSink.Rent();
        return _bindings.TryGetValue(tool, out var binding) && binding.TryEvaluateStreamAt(ref reader, json, sink)
            ? Result(tool, binding, sink)
            : null;
    }

    private Verdict Validate(string tool, DomNode root, string paramName)
    {
        var kind = DomNav.Kind(root);
        if (kind != JsonValueKind.Object)
        {
            throw new ArgumentException($"params must be a JSON object, not {Describe(kind)}", paramName);
        }

        if (!_bindings.TryGetValue(tool, out var binding))
        {
            return Unbound(tool);
        }

        return Evaluate<DomNav, DomNode, DomObjectCursor, DomArrayCursor>(tool, binding, root);
    }

    private Verdict Evaluate<TNav, TNode, TObj, TArr>(string tool, CompiledBinding binding, TNode parameters)
        where TNav : struct, IJsonNav<TNode, TObj, TArr>
        where TNode : struct
        where TObj : struct
        where TArr : struct
    {
        var sink = ViolationSink.Rent();
        binding.Evaluate<TNav, TNode, TObj, TArr>(parameters, sink);
        return Result(tool, binding, sink);
    }

    private Verdict Result(string tool, CompiledBinding binding, ViolationSink sink) =>
        sink.Count == 0 ? binding.ValidVerdict : new Verdict(Id, Version, tool, true, sink.ToArrayAndClear());

    private Verdict Unbound(string tool) => DenyUnboundTools
        ? new Verdict(Id, Version, tool, false, [new Violation("", "unboundTool", Severity.Critical, null, UnboundMessage(tool))])
        : new Verdict(Id, Version, tool, false, []);

    /// <summary>The <c>unboundTool</c> message, with the closest bound tool when one is near (a typo: <c>send_emial</c>).</summary>
    private string UnboundMessage(string tool) => Suggest.Closest(tool, Tools) is { } near
        ? $"tool `{tool}` is not bound by pact `{Id}`, which denies unbound tools; did you mean `{near}`?"
        : $"tool `{tool}` is not bound by pact `{Id}`, which denies unbound tools";

    /// <summary>Validates one call whose params are JSON text (an object).</summary>
    /// <exception cref="JsonException">The text is not valid JSON.</exception>
    /// <exception cref="ArgumentException">The JSON is not an object, or the string is not well-formed UTF-16 (half of a surrogate pair).</exception>
    public Verdict Validate(string tool, string parametersJson)
    {
        ArgumentNullException.ThrowIfNull(parametersJson);
        using var doc = JsonDocument.Parse(parametersJson);
        return Validate(tool, doc.RootElement);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Id}@{Version}";

    /// <summary>A JSON kind in words for messages: <c>an array</c>, <c>a string</c>.</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}

/// <summary>The outcome of compiling one pact file: the pact when it compiled, and every diagnostic.</summary>
/// <param name="File">The file name used in the diagnostics.</param>
/// <param name="Pact">The compiled pact, or null when there were errors.</param>
/// <param name="Diagnostics">Errors and warnings in source order.</param>
public sealed record PactCompilation(string File, Pact? Pact, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>True when the pact compiled (warnings allowed).</summary>
    public bool Success => Pact is not null;
}
