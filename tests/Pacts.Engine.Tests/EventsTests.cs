using System.Text;
using Pacts.Events;
using Pacts.Replay;

namespace Pacts.Tests;

public class EventLogReaderTests
{
    private static List<LogRecord> Read(string text) =>
        [.. EventLogReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "log.jsonl")];

    private const string Start = """{"type":"session_start","sessionId":"s1","agentId":"a","startedAt":"2026-11-21T08:00:00Z","pactId":"p"}""";
    private const string Call = """{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""";

    [Fact]
    public void Lines_are_physical_blank_lines_keep_numbers_and_crlf_works()
    {
        var records = Read(Start + "\r\n\r\n" + Call + "\r\n");
        Assert.Equal([1L, 3L], records.Select(r => r.Line));
        Assert.All(records, r => Assert.Equal(LogRecordKind.Event, r.Kind));
    }

    [Theory]
    [InlineData("not json", "invalid JSON")]
    [InlineData("[1,2]", "expected a JSON object")]
    [InlineData("""{"sessionId":"s"}""", "missing field `type`")]
    [InlineData("""{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""", "missing field `params`")]
    [InlineData("""{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":[],"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""", "`params` must be an object")]
    [InlineData("""{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{},"outcome":"maybe","attemptedAt":"2026-11-21T08:00:01Z"}""", "unknown `outcome`")]
    [InlineData("""{"type":"session_end","sessionId":"s1","agentId":"a","endedAt":"yesterday","outcome":"success"}""", "ISO 8601")]
    [InlineData("""{"type":"response","sessionId":"s1","agentId":"a","output":"x","outcome":"success","emittedAt":"2026-11-21T08:00:01Z"}""", "missing field `input`")]
    [InlineData("""{"type":"session_start","sessionId":5,"agentId":"a","startedAt":"2026-11-21T08:00:00Z"}""", "`sessionId` must be a string")]
    public void Malformed_lines_say_why(string line, string reason)
    {
        var r = Assert.Single(Read(line));
        Assert.Equal(LogRecordKind.Malformed, r.Kind);
        Assert.Contains(reason, r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_first_line_too_deep_to_parse_is_malformed_not_a_crash()
    {
        var deep = "{\"type\":\"tool_call\",\"params\":" + new string('[', 10_000) + new string(']', 10_000) + "}";
        var records = Read(deep + "\n" + Start + "\n");
        Assert.Equal([LogRecordKind.Malformed, LogRecordKind.Event], records.Select(r => r.Kind));
        Assert.Equal([1L, 2L], records.Select(r => r.Line));
    }

    [Theory]
    [InlineData("""{"t\ud800ype":"session_start","sessionId":"s0"}""", LogRecordKind.Malformed)] // no `type` key: half a pair spells nothing
    [InlineData("""{"x\udc00":1,"type":"session_start","sessionId":"s0","agentId":"a","startedAt":"2026-11-21T08:00:00Z"}""", LogRecordKind.Event)]
    [InlineData("""{"x\udc00":1,"events":[]}""", null)] // an envelope of no events
    public void A_first_line_with_a_key_escaping_half_a_surrogate_pair_is_read_not_a_crash(string first, LogRecordKind? kind)
    {
        // The first line is checked for an events envelope by key; JsonElement's own look-up threw on such a key.
        var records = Read(first + "\n" + Start + "\n");
        Assert.Equal(kind is null ? [LogRecordKind.Event] : [kind.Value, LogRecordKind.Event], records.Select(r => r.Kind));
    }

    [Fact]
    public void A_byte_order_mark_is_not_part_of_the_first_event()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(Start + "\n")).ToArray();
        var r = Assert.Single(EventLogReader.Read(new MemoryStream(bytes), "bom.jsonl"));
        Assert.Equal(LogRecordKind.Event, r.Kind);
    }

    [Fact]
    public void Unknown_types_are_counted_separately_and_unknown_fields_kept()
    {
        var records = Read("""{"type":"heartbeat","sessionId":"s"}""" + "\n" + Start.Replace("}", ",\"extra\":{\"k\":1}}", StringComparison.Ordinal));
        Assert.Equal(LogRecordKind.Unknown, records[0].Kind);
        Assert.Equal("heartbeat", records[0].Reason);
        Assert.Equal(LogRecordKind.Event, records[1].Kind);
    }

    [Fact]
    public void Events_envelopes_number_by_index_compact_or_pretty()
    {
        var compact = Read($$"""{"events":[{{Start}},{"type":"x"},{{Call}}]}""");
        Assert.Equal([1L, 2L, 3L], compact.Select(r => r.Line));
        Assert.Equal([LogRecordKind.Event, LogRecordKind.Unknown, LogRecordKind.Event], compact.Select(r => r.Kind));
        var pretty = Read($"{{\n  \"events\": [\n    {Start},\n    {Call}\n  ]\n}}\n");
        Assert.Equal([1L, 2L], pretty.Select(r => r.Line));
    }

    [Fact]
    public void Escaped_field_names_and_duplicate_fields_read_as_json_says()
    {
        // `\u0074ype` is `type`; of a field given twice the last counts, as System.Text.Json's lookups do.
        var records = Read("""{"\u0074ype":"session_start","sessionId":"s1","agentId":"a","startedAt":"2026-11-21T08:00:00Z","pactId":"p","pactId":"q"}""");
        var ev = Assert.Single(records).Event!;
        Assert.Equal(EventType.SessionStart, ev.Type);
        Assert.Equal("q", ev.PactId);
    }

    [Fact]
    public void A_pretty_printed_object_that_is_not_an_envelope_keeps_its_physical_line_numbers()
    {
        // Read whole to look for an envelope, then reported line by line: numbering still counts the blank
        // lines above it, and an event after it is read as usual.
        var records = Read("\n\n{\n  \"type\": \"session_start\"\n}\n" + Start + "\n");
        Assert.Equal([3L, 4L, 5L, 6L], records.Select(r => r.Line));
        Assert.Equal([LogRecordKind.Malformed, LogRecordKind.Malformed, LogRecordKind.Malformed, LogRecordKind.Event], records.Select(r => r.Kind));
    }

    [Fact]
    public void Replay_reads_an_envelope_and_the_lines_after_it_as_the_reader_does()
    {
        var analyzerA = new ReplayAnalyzer(PactSet.Empty);
        var analyzerB = new ReplayAnalyzer(PactSet.Empty);
        var log = Encoding.UTF8.GetBytes($$"""{"events":[{{Start}},{{Call}}]}""" + "\n" + Call + "\n");
        foreach (var r in EventLogReader.Read(new MemoryStream(log), "l"))
        {
            analyzerA.Process(r);
        }

        analyzerB.ProcessLog(new MemoryStream(log), "l");
        Assert.Equal(analyzerA.Report().ToJson(), analyzerB.Report().ToJson());
        Assert.Equal(3, analyzerB.Report().Events);
    }

    [Fact]
    public void Gzip_logs_are_read_through_gzip()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pacts-{Guid.NewGuid():N}.jsonl.gz");
        try
        {
            using (var f = File.Create(path))
            using (var gz = new System.IO.Compression.GZipStream(f, System.IO.Compression.CompressionLevel.Fastest))
            {
                gz.Write(Encoding.UTF8.GetBytes(Start + "\n" + Call + "\n"));
            }

            using var s = EventLogReader.Open(path, () => Stream.Null);
            Assert.Equal(2, EventLogReader.Read(s, path).Count(r => r.Kind == LogRecordKind.Event));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

public class ReplayAnalyzerTests
{
    private static readonly PactSet Pacts = PactSet.FromCompilations([Pact.Compile("pact: p\nbindings:\n  - tool: t\n    conditions:\n      - paramPath: v\n        maxAmount: 10\n        severity: critical\n")]);

    [Fact]
    public void The_report_orders_agents_pacts_and_unknown_pacts_ordinally_and_keeps_the_five_most_violated_paths()
    {
        var conditions = string.Concat("abcdefg".Select(k => $"      - paramPath: {k}\n        maxLength: 1\n"));
        var set = PactSet.FromCompilations([Pact.Compile("pact: p\nbindings:\n  - tool: t\n    conditions:\n" + conditions), Pact.Compile("pact: P\nbindings:\n  - tool: t\n    conditions:\n" + conditions)]);
        string Call(string agent, string pact, string key) =>
            $$"""{"type":"tool_call","sessionId":"s","agentId":"{{agent}}","pactId":"{{pact}}","tool":"t","params":{"{{key}}":"long"},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""";
        var lines = new List<string>();
        foreach (var (key, times) in new[] { ("g", 2), ("b", 3), ("c", 1), ("d", 5), ("f", 2), ("a", 3), ("e", 2) })
        {
            lines.AddRange(Enumerable.Repeat(Call("zeta", "p", key), times));
        }

        lines.Add(Call("alpha", "p", "a"));
        lines.Add(Call("zeta", "P", "a")); // "P" sorts before "p" ordinally
        lines.Add(Call("alpha", "zz", "a"));
        lines.Add(Call("alpha", "aa", "a"));
        lines.Add(Call("alpha", "Zz", "a"));
        var analyzer = new ReplayAnalyzer(set);
        analyzer.ProcessLog(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines))), "l");
        var r = analyzer.Report();

        Assert.Equal(["alpha", "zeta"], r.Agents.Select(x => x.AgentId));
        Assert.Equal(["alpha/p", "zeta/P", "zeta/p"], r.Pacts.Select(x => x.AgentId + "/" + x.PactId));
        Assert.Equal(["Zz", "aa", "zz"], r.UnknownPacts.Select(x => x.PactId));
        Assert.Equal(["d:5", "a:3", "b:3", "e:2", "f:2"], r.Pacts[2].TopParamPaths.Select(x => x.ParamPath + ":" + x.Count));
        Assert.Equal(0, r.Sessions); // no session_start, no session counted
    }

    [Fact]
    public void Binding_uses_own_pact_then_session_pact_and_counts_unknown_and_unevaluated()
    {
        var log = string.Join("\n",
            """{"type":"session_start","sessionId":"s1","agentId":"a","startedAt":"2026-11-21T08:00:00Z","pactId":"p"}""",
            """{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""",
            """{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{"v":100},"outcome":"error","attemptedAt":"2026-11-21T08:00:02Z"}""",
            """{"type":"tool_call","sessionId":"s2","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:02Z"}""",
            """{"type":"tool_call","sessionId":"s2","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:02Z","pactId":"p"}""",
            """{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:02Z","pactId":"nope"}""",
            "garbage",
            """{"type":"session_end","sessionId":"s1","agentId":"a","endedAt":"2026-11-21T08:00:03.5Z","outcome":"success"}""",
            """{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:04Z"}""");
        var analyzer = new ReplayAnalyzer(Pacts);
        var evaluated = EventLogReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(log)), "l").Select(analyzer.Process).Where(c => c is not null).ToList();
        var r = analyzer.Report();
        Assert.Equal(4, evaluated.Count);
        Assert.Equal([2L, 3L, 5L, 9L], evaluated.Select(c => c!.Line));
        Assert.Equal(new ToolCallCounts(6, 4, 3, 1, 1, 1), r.ToolCalls);
        Assert.Equal(8, r.Events);
        Assert.Equal(1, r.Malformed);
        Assert.Equal(1, r.Sessions);
        Assert.Equal(3.0 / 4, r.ComplianceRate);
        Assert.Equal(new SeverityCounts(1, 0, 0), r.InvalidBySeverity);
        var agent = Assert.Single(r.Agents);
        Assert.Equal(new Percentiles(3500, 3500, 3500), agent.SessionDurationMs);
        Assert.Equal(1.0 / 6, agent.ToolErrorRate);
        Assert.Equal("nope", Assert.Single(r.UnknownPacts).PactId);
        Assert.Equal("v", Assert.Single(Assert.Single(r.Pacts).TopParamPaths).ParamPath);
        Assert.StartsWith("""{"line":3,"file":"l","sessionId":"s1","agentId":"a","pactId":"p","tool":"t","valid":false,""", evaluated[1]!.ToJsonLine(), StringComparison.Ordinal);
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var h = new DurationHistogram();
        foreach (var ms in Enumerable.Range(1, 100))
        {
            h.Add(ms);
        }

        Assert.Equal(new Percentiles(50, 95, 99), h.Percentiles());
    }

    [Fact]
    public void Rates_are_null_without_a_denominator()
    {
        var r = new ReplayAnalyzer(Pacts).Report();
        Assert.Null(r.ComplianceRate);
        Assert.Contains("\"complianceRate\": null", r.ToJson(), StringComparison.Ordinal);
    }
}

public class PactSetTests
{
    [Fact]
    public void Loads_directories_recursively_skips_tests_and_rejects_duplicate_ids()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-set-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "sub"));
            File.WriteAllText(Path.Combine(dir, "a.yaml"), "pact: a\nbindings: []\n");
            File.WriteAllText(Path.Combine(dir, "sub", "b.json"), """{"pact": "b", "bindings": []}""");
            File.WriteAllText(Path.Combine(dir, "sub", "a.test.yaml"), "pact: a\ncases: []\n");
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "not a pact");
            var set = PactSet.Load(dir);
            Assert.False(set.HasErrors, string.Join("\n", set.Diagnostics));
            Assert.Equal(["a", "b"], set.Pacts.Select(p => p.Id).Order());
            Assert.NotNull(set.Find("b"));

            File.WriteAllText(Path.Combine(dir, "sub", "c.yml"), "pact: a\nbindings: []\n");
            var dup = PactSet.Load(dir);
            Assert.Contains(dup.Diagnostics, d => d.Code == "PACT018" && d.Span.File.EndsWith("c.yml", StringComparison.Ordinal) && d.Span.Line == 1 && d.Span.Column == 7);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Same_text_compiles_once()
    {
        var text = $"pact: cached-{Guid.NewGuid():N}\nbindings: []\n";
        var first = Pact.Compile(text, "one.yaml");
        var second = Pact.Compile(text, "two.yaml");
        Assert.Same(first.Pact, second.Pact);
        Assert.Equal("two.yaml", second.File);
    }

    [Fact]
    public void Missing_paths_are_reported()
    {
        var set = PactSet.Load("/no/such/dir");
        Assert.Contains(set.Diagnostics, d => d.Code == "PACT019");
    }
}

/// <summary>Replay's hand-written tables, held to the BCL collections they replace.</summary>
public class ReplayTableTests
{
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public FsCheck.Property LongCounts_counts_and_sorts_exactly_as_a_dictionary_would() => ForRandomKeys((next, count) =>
    {
        var counts = new Pacts.Replay.LongCounts();
        var reference = new Dictionary<long, long>();
        for (var i = 0; i < count; i++)
        {
            var key = next();
            var before = reference.GetValueOrDefault(key);
            Assert.Equal(before, counts.Increment(key));
            reference[key] = before + 1;
        }

        Assert.Equal(reference.Count, counts.Count);
        var (keys, values) = counts.Sorted();
        Assert.Equal(reference.Keys.Order(), keys);
        Assert.Equal(keys.Select(k => reference[k]), values);
    });

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public FsCheck.Property LongSet_holds_exactly_what_a_hash_set_would() => ForRandomKeys((next, count) =>
    {
        var set = new Pacts.Replay.LongSet();
        var reference = new HashSet<long>();
        for (var i = 0; i < count; i++)
        {
            var key = next();
            Assert.Equal(reference.Add(key), set.Add(key));
        }

        Assert.Equal(reference.Count, set.Count);
        Assert.All(reference, k => Assert.False(set.Add(k))); // every key still there after the growths
        Assert.Equal(reference.Count, set.Count);
    });

    /// <summary>
    /// Runs <paramref name="check"/> on up to 3,000 keys a case, through the tables' growth: small keys in runs
    /// (durations), random 64-bit keys (session hashes), negatives, zero and the extremes.
    /// </summary>
    private static FsCheck.Property ForRandomKeys(Action<Func<long>, int> check) =>
        FsCheck.Fluent.Prop.ForAll(FsCheck.Fluent.Arb.From(FsCheck.Fluent.Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            check(() => rng.Next(4) switch
            {
                0 => rng.Next(0, 50),
                1 => rng.NextInt64(long.MinValue, long.MaxValue),
                2 => -rng.Next(0, 5),
                _ => rng.Next(2) == 0 ? long.MinValue : long.MaxValue,
            }, rng.Next(0, 3_000));
        });
}
