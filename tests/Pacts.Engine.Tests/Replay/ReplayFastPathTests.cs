using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pacts.Events;
using Pacts.Replay;

namespace Pacts.Tests;

/// <summary>
/// Replay's fast path (<see cref="EventScanner"/>, <see cref="Iso8601"/>, raw-params validation) must give
/// exactly what the general path gives: the same report, the same verdict lines, on any log.
/// </summary>
public class ReplayFastPathTests
{

    private static readonly PactSet Pacts = PactSet.FromCompilations([Pact.Compile("""
        pact: p
        bindings:
          - tool: t
            conditions:
              - paramPath: v
                maxAmount: 10
                severity: critical
              - paramPath: items[*].sku
                regex: "SKU-[0-9]{4}"
                severity: major
              - paramPath: memo
                maxLength: 8
                severity: minor
        """), Pact.Compile("""
        pact: q
        bindings:
          - tool: t
            additionalParams: deny
            conditions:
              - paramPath: v
                required: true
                maxAmount: 1
                severity: major
        """)]);

    [Property(MaxTest = 200)]
    public Property ProcessLog_agrees_with_processing_each_record_of_the_general_reader()
    {
        var prop = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            var log = string.Join(rng.Next(3) == 0 ? "\r\n" : "\n", Enumerable.Range(0, rng.Next(1, 40)).Select(_ => RandomLine(rng)));
            _ = BothWays(Encoding.UTF8.GetBytes(log));
        });
        return prop;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(100)]
    public void Params_deeper_than_the_limit_get_no_verdict_anywhere(int depth)
    {
        // One limit for every way in (Pact.MaxParamsDepth levels, the params object first): the raw reader refuses
        // deeper params, and replay (scan or general path) reports the line malformed instead of judging it.
        var nested = "1";
        for (var i = 1; i < depth; i++)
        {
            nested = "{\"a\":" + nested + "}";
        }

        var parameters = depth == 1 ? """{"v":1}""" : "{\"v\":1,\"n\":" + nested + "}";
        Assert.Equal(depth, Json.JsonDepth.Of(JsonDocument.Parse(parameters, new JsonDocumentOptions { MaxDepth = 200 }).RootElement));
        var deep = depth > Pact.MaxParamsDepth;
        var pact = Pacts.Find("p")!;
        if (deep)
        {
            Assert.ThrowsAny<JsonException>(() => pact.Validate("t", (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(parameters)));
        }
        else
        {
            Assert.True(pact.Validate("t", (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(parameters)).Valid);
        }

        var line = $$"""{"type":"tool_call","sessionId":"s","agentId":"a","tool":"t","params":{{parameters}},"outcome":"success","attemptedAt":"2026-11-21T08:00:00Z","pactId":"p"}""";
        var analyzer = new ReplayAnalyzer(Pacts);
        var calls = new List<string>();
        analyzer.ProcessLog(new MemoryStream(Encoding.UTF8.GetBytes(line)), "l", c => calls.Add(c.ToJsonLine()));
        var report = analyzer.Report();
        Assert.Equal(deep ? 1 : 0, report.Malformed);
        Assert.Equal(deep ? 0 : 1, calls.Count);
        var general = EventLogReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(line)), "l").Single();
        Assert.Equal(deep ? LogRecordKind.Malformed : LogRecordKind.Event, general.Kind);
    }

    [Theory]
    [InlineData("{\"v\":99},\"params\":{\"v\":1}", true)]
    [InlineData("{\"v\":1},\"params\":{\"v\":99}", false)]
    public void A_second_params_field_is_the_one_judged_on_both_paths(string twoParams, bool valid)
    {
        const string Head = "{\"type\":\"tool_call\",\"sessionId\":\"s\",\"agentId\":\"a\",\"pactId\":\"p\",\"tool\":\"t\",\"params\":";
        const string Tail = ",\"outcome\":\"success\",\"attemptedAt\":\"2026-11-21T08:00:01Z\"}\n";
        // Three plain calls first, so the scanner judges the last line's params in its own pass (see EventScanner.Expect).
        var log = string.Concat(Enumerable.Repeat(Head + "{\"v\":1}" + Tail, 3)) + Head + twoParams + Tail;
        var (calls, _) = BothWays(Encoding.UTF8.GetBytes(log));
        Assert.Contains($"\"valid\":{(valid ? "true" : "false")}", calls[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Text_that_does_not_decode_makes_an_event_field_malformed_and_is_judged_as_written_in_params()
    {
        static byte[] Call(byte[] sessionId, string name, byte[] memo) =>
        [
            .. Encoding.UTF8.GetBytes("{\"type\":\"tool_call\",\"" + name + "\":1,\"sessionId\":\""),
            .. sessionId,
            .. "\",\"agentId\":\"a\",\"pactId\":\"p\",\"tool\":\"t\",\"params\":{\"v\":1,\"memo\":\""u8,
            .. memo,
            .. "\"},\"outcome\":\"success\",\"attemptedAt\":\"2026-11-21T08:00:01Z\"}\n"u8,
        ];
        byte[] log =
        [
            .. Call([.. "s"u8], "x", [.. "ok"u8]),
            .. Call([.. "s"u8], "x", [.. "far"u8, 0xFF, .. " too long"u8]), // invalid UTF-8 in params: judged, as validate-call judges it
            .. Call([.. "s"u8, 0xFF], "x", [.. "ok"u8]), // invalid UTF-8 in an id: no text to report the session by
            .. Call([.. "s\\uD800"u8], "x", [.. "ok"u8]), // nor for a lone surrogate
            .. Call([.. "s"u8], "\\uD800x", [.. "ok"u8]), // an undecodable name is none of the fields read
        ];

        var (fastCalls, report) = BothWays(log);
        Assert.Equal(3, fastCalls.Count);
        Assert.Contains("\"line\":2", fastCalls[1], StringComparison.Ordinal);
        Assert.Contains("\"rule\":\"maxLength\"", fastCalls[1], StringComparison.Ordinal);
        Assert.Contains("`sessionId` is not valid UTF-8 text", report, StringComparison.Ordinal);
        Assert.Contains("\"malformed\": 2", report, StringComparison.Ordinal);
    }

    [Fact]
    public void The_hand_written_report_is_the_serializers_byte_for_byte_with_every_field_distinct()
    {
        Evaluating.Violation[] violations =
        [
            new("items[1].sku", "regex", Evaluating.Severity.Major, "\"SKU-1\"", "`items[*].sku` must match é \"q\" <b>"),
            new("destination", "required", Evaluating.Severity.Critical, null, "required"),
        ];
        var report = new ReplayReport
        {
            Events = 1, Malformed = 2, Unknown = 3, Sessions = 4,
            ToolCalls = new ToolCallCounts(5, 6, 7, 8, 9, 10),
            ComplianceRate = 0.1 + 0.2,
            InvalidBySeverity = new SeverityCounts(11, 12, 13),
            Pacts = [new PactReport("a\u0001", "p👍", 14, 15, null, new SeverityCounts(16, 17, 18), new SeverityRates(1e-7, null, 0.5), [new PathCount("x", 19), new PathCount("y", 20)])],
            Agents = [new AgentReport("a", 21, 0.25, new Percentiles(22, 23, 24), 25, null, 1), new AgentReport("b", 26, null, null, 27, 0, 2.5e10)],
            UnknownPacts = [new UnknownPactCount("zz", 28)],
            InvalidCalls = [new InvalidCall("f.jsonl", 29, "s", "a", "p", "t", violations)],
            MalformedLines = [new MalformedLine("f.jsonl", 30, "`type` must be a string")],
            MalformedLinesTruncated = true,
        };
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(report, ReplayJsonContext.Relaxed.ReplayReport), report.ToJson());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Many_batches_scanned_on_any_number_of_threads_give_the_general_paths_report_and_verdicts(int scanThreads)
    {
        // ~25 batches of 1,024 lines (more than are ever in flight), two pacts and malformed lines mixed in, so
        // guesses are made, confirmed, proved wrong and batches are scanned out of order by the threads.
        var rng = new Random(20261201 + scanThreads);
        var log = Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Range(0, 25_000).Select(_ => RandomLine(rng))));
        var general = new ReplayAnalyzer(Pacts);
        var generalCalls = EventLogReader.Read(new MemoryStream(log), "l").Select(general.Process).Where(c => c is not null).Select(c => c!.ToJsonLine()).ToList();
        var fast = new ReplayAnalyzer(Pacts);
        var fastCalls = new List<string>();
        var records = 0L;
        fast.ProcessLog(new MemoryStream(log), "l", c => fastCalls.Add(c.ToJsonLine()), n => records += n, scanThreads);

        Assert.True(generalCalls.Count > 1_000, $"only {generalCalls.Count} calls evaluated");
        Assert.Equal(generalCalls, fastCalls);
        Assert.Equal(general.Report().ToJson(), fast.Report().ToJson());
        Assert.Equal(EventLogReader.Read(new MemoryStream(log), "l").LongCount(), records);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Logs_replayed_one_after_another_through_reused_batches_keep_their_own_names_and_records(int scanThreads)
    {
        // One analyzer's batches go back to its pool and carry the next log's lines: a long log, then a shorter one
        // (fewer records in its last batch than the batch held before), then one that is all malformed lines.
        var rng = new Random(20261202 + scanThreads);
        byte[] Log(int lines) => Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Range(0, lines).Select(_ => RandomLine(rng))));
        var logs = new[] { ("a.jsonl", Log(7_000)), ("b.jsonl", Log(2_500)), ("c.jsonl", Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Repeat("{nope", 1_500)))) };
        var general = new ReplayAnalyzer(Pacts);
        var fast = new ReplayAnalyzer(Pacts);
        var generalCalls = new List<string>();
        var fastCalls = new List<string>();
        foreach (var (name, log) in logs)
        {
            generalCalls.AddRange(EventLogReader.Read(new MemoryStream(log), name).Select(general.Process).Where(c => c is not null).Select(c => c!.ToJsonLine()));
            fast.ProcessLog(new MemoryStream(log), name, c => fastCalls.Add(c.ToJsonLine()), null, scanThreads);
        }

        Assert.Contains(fastCalls, c => c.Contains("\"file\":\"b.jsonl\"", StringComparison.Ordinal));
        Assert.Equal(generalCalls, fastCalls);
        Assert.Equal(general.Report().ToJson(), fast.Report().ToJson());
    }

    [Fact]
    public void A_batch_disposed_twice_goes_back_to_its_pool_once()
    {
        var pool = new RecordBatch.Pool();
        var batch = pool.Rent("l");
        batch.AddLine(1, "{}"u8);
        batch.Dispose();
        batch.Dispose();
        var first = pool.Rent("m");
        var second = pool.Rent("m");
        Assert.Same(batch, first); // reused, emptied, renamed
        Assert.Equal((0, "m"), (first.Count, first.File));
        Assert.NotSame(first, second);
    }

    [Fact]
    public void A_call_renamed_by_a_second_tool_field_after_its_params_is_judged_for_the_tool_it_names()
    {
        // Found by the many-batch test: the params were judged for `t` (whose guess was confirmed), the call was
        // reported as `u`'s with `t`'s verdict. A log could have passed a call off as judged this way.
        const string Start = """{"type":"session_start","sessionId":"s","agentId":"a","startedAt":"2026-11-21T08:00:00Z","pactId":"p"}""";
        const string Call = """{"type":"tool_call","sessionId":"s","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""";
        var renamed = Call.Replace("\"outcome\"", "\"tool\":\"u\",\"outcome\"", StringComparison.Ordinal);
        // With no scanning thread, batches after the first are scanned once it is bound, with `t`'s guess confirmed.
        var log = Encoding.UTF8.GetBytes(string.Join("\n", [Start, .. Enumerable.Repeat(Call, 3_000), renamed]));
        var fast = new ReplayAnalyzer(Pacts);
        string? last = null;
        fast.ProcessLog(new MemoryStream(log), "l", c => last = c.ToJsonLine(), null, scanThreads: 0);
        Assert.Contains("\"tool\":\"u\"", last, StringComparison.Ordinal);
        Assert.Contains("\"bound\":false", last, StringComparison.Ordinal);
        _ = BothWays(log);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_read_error_mid_log_reaches_the_caller_after_every_batch_read_before_it_was_bound(int scanThreads)
    {
        var rng = new Random(7);
        var lines = Enumerable.Range(0, 6_000).Select(_ => RandomLine(rng)).ToArray();
        var log = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
        var analyzer = new ReplayAnalyzer(Pacts);
        var records = 0L;
        var ex = Assert.Throws<IOException>(() =>
            analyzer.ProcessLog(new FailingStream(log, failAfter: log.Length / 2), "l", null, n => records += n, scanThreads));
        Assert.Equal("disk on fire", ex.Message);

        // What was bound is exactly a prefix of the log, as the general path would have counted it.
        var prefix = new ReplayAnalyzer(Pacts);
        foreach (var record in EventLogReader.Read(new MemoryStream(log), "l").Take((int)records))
        {
            prefix.Process(record);
        }

        Assert.True(records > 0);
        Assert.Equal(prefix.Report().ToJson(), analyzer.Report().ToJson());
    }

    /// <summary>Serves <c>data</c> in small reads, then throws once <c>failAfter</c> bytes are out.</summary>
    private sealed class FailingStream(byte[] data, int failAfter) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Position >= failAfter)
            {
                throw new IOException("disk on fire");
            }

            return base.Read(buffer, offset, Math.Min(count, 4096));
        }
    }

    /// <summary>Replays <paramref name="log"/> the fast way and the general way, asserts the two agree, and returns the fast way's verdict lines and report.</summary>
    private static (List<string> Calls, string Report) BothWays(byte[] log)
    {
        var general = new ReplayAnalyzer(Pacts);
        var generalCalls = EventLogReader.Read(new MemoryStream(log), "l").Select(general.Process).Where(c => c is not null).Select(c => c!.ToJsonLine()).ToList();
        var fast = new ReplayAnalyzer(Pacts);
        var fastCalls = new List<string>();
        fast.ProcessLog(new MemoryStream(log), "l", c => fastCalls.Add(c.ToJsonLine()));

        Assert.Equal(generalCalls, fastCalls);
        var report = fast.Report().ToJson();
        Assert.Equal(general.Report().ToJson(), report);

        // The report is written by hand; the source-generated serializer is the reference for its bytes.
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(fast.Report(), ReplayJsonContext.Relaxed.ReplayReport), report);
        return (fastCalls, report);
    }

    [Theory]
    [InlineData("""{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""", true)]
    [InlineData("""{"type":"session_start","sessionId":"s1","agentId":"a","startedAt":"2026-11-21T08:00:00Z","pactId":null}""", true)]
    [InlineData("""{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"} x""", false)]
    [InlineData("""{"typ\u0065":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""", false)]
    [InlineData("""{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{"v":1},"outcome":"maybe","attemptedAt":"2026-11-21T08:00:01Z"}""", false)]
    public void Well_formed_events_take_the_fast_path_and_nothing_else_does(string line, bool fast)
    {
        Assert.Equal(fast, new EventScanner(new CallGuesses()).TryScan(Encoding.UTF8.GetBytes(line), out var ev));
        Assert.Equal(fast, ev.SessionId is not null); // a refused line leaves the slot empty
    }

    [Fact]
    public void The_scanner_hands_over_exactly_the_params_text()
    {
        const string Call = """{"type":"tool_call","sessionId":"s","agentId":"a","tool":"t","params": {"v":99, "memo":"far too long"} ,"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""";
        Assert.True(new EventScanner(new CallGuesses()).TryScan(Encoding.UTF8.GetBytes(Call), out var ev));
        Assert.Equal("""{"v":99, "memo":"far too long"}""", Encoding.UTF8.GetString(ev.ParamsUtf8.Span));
        var pact = Pacts.Find("p")!;
        var expected = pact.Validate("t", """{"v":99,"memo":"far too long"}""").ToJson();
        Assert.Equal(expected, pact.Validate("t", ev.ParamsUtf8).ToJson());
        Assert.Null(ev.ScannedVerdict); // no guess yet: checked, not judged
    }

    [Fact]
    public void A_call_of_a_tool_whose_last_two_calls_bound_to_one_pact_is_judged_while_it_is_scanned()
    {
        var guesses = new CallGuesses(); // the binding thread's side
        var scanner = new EventScanner(guesses);
        var p = Pacts.Find("p")!;
        var q = Pacts.Find("q")!;
        const string Call = """{"type":"tool_call","sessionId":"s","agentId":"a","tool":"t","params":{"v":99},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""";
        EventFields Scan(string line)
        {
            Assert.True(scanner.TryScan(Encoding.UTF8.GetBytes(line), out var ev));
            return ev;
        }

        guesses.Expect("t", p);
        Assert.Null(Scan(Call).ScannedVerdict); // once is not yet a pattern
        guesses.Expect("t", p);
        var judged = Scan(Call);
        Assert.Same(p, judged.ScannedPact);
        Assert.Equal(p.Validate("t", """{"v":99}""").ToJson(), judged.ScannedVerdict!.ToJson());

        // Any session; but not another tool, nor a call that names its tool after its params.
        Assert.NotNull(Scan(Call.Replace("\"s\"", "\"s2\"", StringComparison.Ordinal)).ScannedVerdict);
        Assert.Null(Scan(Call.Replace("\"t\"", "\"other\"", StringComparison.Ordinal)).ScannedVerdict);
        Assert.Null(Scan("""{"type":"tool_call","sessionId":"s","agentId":"a","params":{"v":99},"tool":"t","outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""").ScannedVerdict);

        // A second `tool` field after the params names the call's tool: the verdict reached for `t` is not its.
        var renamed = Scan(Call.Replace("\"outcome\"", "\"tool\":\"other\",\"outcome\"", StringComparison.Ordinal));
        Assert.Equal("other", renamed.Tool);
        Assert.Null(renamed.ScannedVerdict);

        // A tool whose calls alternate between pacts is not guessed.
        guesses.Expect("t", q);
        Assert.Null(Scan(Call).ScannedVerdict);
        guesses.Expect("t", p);
        Assert.Null(Scan(Call).ScannedVerdict);
    }

    [Fact]
    public void A_wrong_guess_gives_way_to_the_pact_the_call_binds_to()
    {
        // The session binds p; the fourth call names q after its params, so the scanner judged it against p.
        var log = string.Join('\n',
            """{"type":"session_start","sessionId":"s","agentId":"a","startedAt":"2026-11-21T08:00:00Z","pactId":"p"}""",
            """{"type":"tool_call","sessionId":"s","agentId":"a","tool":"t","params":{"v":5},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""",
            """{"type":"tool_call","sessionId":"s","agentId":"a","tool":"t","params":{"v":5},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""",
            """{"type":"tool_call","sessionId":"s","agentId":"a","tool":"t","params":{"v":5},"pactId":"q","outcome":"success","attemptedAt":"2026-11-21T08:00:02Z"}""",
            """{"type":"tool_call","sessionId":"s","agentId":"a","tool":"t","params":{"v":5},"outcome":"success","attemptedAt":"2026-11-21T08:00:03Z"}""");
        var calls = new List<EvaluatedCall>();
        new ReplayAnalyzer(Pacts).ProcessLog(new MemoryStream(Encoding.UTF8.GetBytes(log)), "l", calls.Add);
        Assert.Equal([true, true, false, true], calls.Select(c => c.Verdict.Valid));
        Assert.Equal(["p", "p", "q", "p"], calls.Select(c => c.Verdict.PactId));
    }

    [Theory]
    [InlineData(60, true)]
    [InlineData(61, false)]
    public void Params_nested_past_what_the_raw_validator_reads_take_the_general_path(int levels, bool fast)
    {
        var value = new string('[', levels - 1) + new string(']', levels - 1);
        var line = $$"""{"type":"tool_call","sessionId":"s","agentId":"a","tool":"t","pactId":"p","params":{"v":{{value}}},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""";
        Assert.Equal(fast, new EventScanner(new CallGuesses()).TryScan(Encoding.UTF8.GetBytes(line), out _));

        // Either way replay judges the call: the general path reads the line again.
        var analyzer = new ReplayAnalyzer(Pacts);
        var calls = new List<string>();
        analyzer.ProcessLog(new MemoryStream(Encoding.UTF8.GetBytes(line)), "l", c => calls.Add(c.ToJsonLine()));
        Assert.Single(calls);
    }

    [Property(MaxTest = 200)]
    public Property Every_timestamp_both_parsers_take_is_the_same_instant()
    {
        // Iso8601 is the only timestamp grammar (SPEC §6); where .NET's general parser also takes a text, both must
        // read the same instant (to the tick when the fraction fits in ticks; .NET rounds longer ones through a double).
        var prop = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            for (var i = 0; i < 50; i++)
            {
                var text = RandomTimestamp(rng);
                if (Iso8601.TryParse(Encoding.UTF8.GetBytes(text), out var ours)
                    && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind | DateTimeStyles.AssumeUniversal, out var general))
                {
                    var longFraction = System.Text.RegularExpressions.Regex.IsMatch(text, "[.,][0-9]{8}");
                    Assert.True(longFraction ? Math.Abs(ours.UtcTicks - general.UtcTicks) <= 1 : ours.EqualsExact(general), $"{text}: {ours:O} vs {general:O}");
                }
            }
        });
        return prop;
    }

    [Property(MaxTest = 200)]
    public Property Damaged_timestamps_are_refused_never_thrown_on()
    {
        // Every prefix of every accepted shape, and random bytes overwritten: the parser reads by index, so a short
        // or odd text must be a plain false.
        var prop = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            for (var i = 0; i < 20; i++)
            {
                var bytes = Encoding.UTF8.GetBytes(RandomTimestamp(rng));
                for (var cut = 0; cut <= bytes.Length; cut++)
                {
                    Refused(bytes.AsSpan(0, cut));
                }

                const string Damage = "0123456789:-+.,TtZz \xff";
                bytes[rng.Next(bytes.Length)] = (byte)Damage[rng.Next(Damage.Length)];
                Refused(bytes);
            }
        });
        return prop;

        // Either a timestamp or a plain refusal that leaves nothing behind.
        static void Refused(ReadOnlySpan<byte> text)
        {
            if (!Iso8601.TryParse(text, out var value))
            {
                Assert.Equal(default, value);
            }
        }
    }

    [Theory]
    [InlineData("2026-11-21T08:00:01Z", "2026-11-21T08:00:01.0000000+00:00")]
    [InlineData("2026-11-21T08:00:01.5Z", "2026-11-21T08:00:01.5000000+00:00")]
    [InlineData("2026-11-21T08:00:01,5z", "2026-11-21T08:00:01.5000000+00:00")]
    [InlineData("2026-11-21T08:00:01.1234567+05:30", "2026-11-21T08:00:01.1234567+05:30")]
    [InlineData("2026-11-21T08:00:01.123456789Z", "2026-11-21T08:00:01.1234568+00:00")]
    [InlineData("2026-11-21T08:00:01.12345674Z", "2026-11-21T08:00:01.1234567+00:00")]
    [InlineData("2026-11-21T08:00:01.99999995Z", "2026-11-21T08:00:02.0000000+00:00")]
    [InlineData("2024-02-29T23:59:59-14:00", "2024-02-29T23:59:59.0000000-14:00")]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000+00:00")]
    [InlineData("2026-11-21 08:00:01Z", "2026-11-21T08:00:01.0000000+00:00")]
    [InlineData("2026-11-21t08:00:01+0100", "2026-11-21T08:00:01.0000000+01:00")]
    [InlineData("2026-11-21T08:00:01-03", "2026-11-21T08:00:01.0000000-03:00")]
    [InlineData("2026-11-21T08:00Z", "2026-11-21T08:00:00.0000000+00:00")]
    [InlineData("2026-11-21T08:00:01", "2026-11-21T08:00:01.0000000+00:00")]
    [InlineData("2026-11-21", "2026-11-21T00:00:00.0000000+00:00")]
    [InlineData("20261121T080001Z", "2026-11-21T08:00:01.0000000+00:00")]
    [InlineData("20261121T080001.25+0530", "2026-11-21T08:00:01.2500000+05:30")]
    [InlineData("20261121T0800-05:00", "2026-11-21T08:00:00.0000000-05:00")]
    [InlineData("20261121", "2026-11-21T00:00:00.0000000+00:00")]
    public void Timestamps_in_the_ISO_8601_profile_parse_to_their_instant(string text, string expected)
    {
        Assert.True(Iso8601.TryParse(Encoding.UTF8.GetBytes(text), out var value), text);
        Assert.Equal(expected, value.ToString("O", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2025-02-29T00:00:00Z")] // no such day
    [InlineData("2026-11-21T24:00:00Z")]
    [InlineData("2026-11-21T08:00:60Z")] // leap seconds: DateTimeOffset cannot hold them
    [InlineData("2026-11-21T08:00:01+15:00")]
    [InlineData("2026-11-21T08:00:01+05:60")]
    [InlineData("0001-01-01T00:00:00+01:00")] // before DateTimeOffset.MinValue in UTC
    [InlineData("9999-12-31T23:59:59.99999999Z")]
    [InlineData("2026-11-21T08:00:01.")]
    [InlineData("2026-11-21T08")]
    [InlineData("2026-11-21T8:00:01Z")]
    [InlineData("2026-11-21T")]
    [InlineData("2026-11-21Z")]
    [InlineData("2026-11-21T08:00:01ZZ")]
    [InlineData("2026-11-21T08:00:01 Z")]
    [InlineData(" 2026-11-21T08:00:01Z")]
    [InlineData("2026-11-21T08:00:01Z ")]
    [InlineData("20261121T08:00:01Z")] // basic date, extended time
    [InlineData("2026-11-21T080001Z")] // extended date, basic time
    [InlineData("2026-1-21T08:00:01Z")]
    [InlineData("2026-W47-6")]
    [InlineData("2026-325")]
    [InlineData("08:00:01")] // no date: a general parser puts it on today, so a report would depend on its day
    [InlineData("11/21/2026 08:00:01")]
    [InlineData("21/11/2026")]
    [InlineData("Nov 21, 2026 08:00:01")]
    [InlineData("Sat, 21 Nov 2026 08:00:01 GMT")]
    [InlineData("1763712001")]
    [InlineData("")]
    public void Anything_else_is_not_a_timestamp(string text) =>
        Assert.False(Iso8601.TryParse(Encoding.UTF8.GetBytes(text), out _));

    [Fact]
    public void A_time_without_a_date_is_malformed_whatever_day_replay_runs()
    {
        var records = EventLogReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(
            """{"type":"session_end","sessionId":"s1","agentId":"a","endedAt":"08:00:01","outcome":"success"}""" + "\n"
            + """{"type":"session_end","sessionId":"s1","agentId":"a","endedAt":"2026-11-21T08:00:01\u005a","outcome":"success"}""")), "log.jsonl").ToList();
        Assert.Equal(LogRecordKind.Malformed, records[0].Kind);
        Assert.Contains("ISO 8601", records[0].Reason, StringComparison.Ordinal);
        Assert.Equal(LogRecordKind.Event, records[1].Kind);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 8, 0, 1, TimeSpan.Zero), records[1].Event!.Timestamp);
    }

    private static string RandomTimestamp(Random rng)
    {
        var sb = new StringBuilder();
        var basic = rng.Next(4) == 0;
        var dash = basic ? "" : "-";
        var colon = basic ? "" : ":";
        sb.Append(CultureInfo.InvariantCulture, $"{rng.Next(0, 10000):D4}{dash}{rng.Next(0, 14):D2}{dash}{rng.Next(0, 32):D2}");
        if (rng.Next(8) == 0)
        {
            return sb.ToString();
        }

        sb.Append(Pick(rng, "T", "T", "T", "t", " "));
        sb.Append(CultureInfo.InvariantCulture, $"{rng.Next(0, 25):D2}{colon}{rng.Next(0, 61):D2}");
        if (rng.Next(6) != 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{colon}{rng.Next(0, 61):D2}");
            if (rng.Next(2) == 0)
            {
                sb.Append(Pick(rng, ".", ".", ",")).Append(new string('7', rng.Next(0, 10)).Select(_ => (char)('0' + rng.Next(10))).ToArray());
            }
        }

        sb.Append(rng.Next(6) switch
        {
            0 => "Z",
            1 => "",
            2 => Pick(rng, "z", "+00", "-0130"),
            _ => $"{Pick(rng, "+", "-")}{rng.Next(0, 16):D2}:{rng.Next(0, 61):D2}",
        });
        return sb.ToString();
    }

    /// <summary>A log line: mostly well-formed events, with every kind of damage the general path words a reason for.</summary>
    internal static string RandomLine(Random rng)
    {
        switch (rng.Next(30))
        {
            case 0: return "not json";
            case 1: return "";
            case 2: return "[1,2]";
            case 3: return """{"type":"tool_call"} trailing""";
        }

        var session = Pick(rng, "s1", "s2", "s3");
        var type = Pick(rng, "session_start", "tool_call", "tool_call", "tool_call", "response", "session_end", "mystery");
        var fields = new List<(string Name, string Json)>
        {
            ("type", Quote(type)),
            ("sessionId", Quote(session)),
            ("agentId", Quote(Pick(rng, "a", "b", "agent-é"))),
        };
        var time = Quote(Pick(rng, "2026-11-21T08:00:01Z", "2026-11-21T08:00:03.250Z", "2026-11-21T10:00:04+02:00", "2026-11-21 08:00:05Z", "yesterday", "2026-11-21T08:00:06"));
        switch (type)
        {
            case "session_start":
                fields.Add(("startedAt", time));
                fields.Add(("pactId", Pick(rng, "\"p\"", "\"p\"", "\"q\"", "\"nope\"", "null", "7")));
                break;
            case "tool_call":
                fields.Add(("attemptedAt", time));
                fields.Add(("tool", Pick(rng, "\"t\"", "\"t\"", "\"t\"", "\"other\"", "3")));
                fields.Add(("params", RandomParams(rng)));
                fields.Add(("outcome", Pick(rng, "\"success\"", "\"error\"", "\"refused\"", "\"maybe\"", "null")));
                if (rng.Next(4) == 0)
                {
                    // A call's own pact (before or after its params) can differ from its session's: the
                    // scanner's in-pass guess from the previous call must then give way.
                    fields.Add(("pactId", Pick(rng, "\"p\"", "\"q\"", "\"nope\"", "null")));
                }

                break;
            case "response":
                fields.Add(("emittedAt", time));
                fields.Add(("input", Pick(rng, "\"q\"", "{\"x\":[1]}", "null")));
                fields.Add(("output", Pick(rng, "\"a\"", "[]", "null")));
                fields.Add(("outcome", Pick(rng, "\"success\"", "\"partial\"", "\"denied\"")));
                break;
            case "session_end":
                fields.Add(("endedAt", time));
                fields.Add(("outcome", Pick(rng, "\"success\"", "\"timeout\"", "\"error\"")));
                break;
        }

        fields.Add(("latencyMs", "42"));
        // Damage: drop a field, retype one, duplicate one, escape a name or a value.
        switch (rng.Next(12))
        {
            case 0: fields.RemoveAt(rng.Next(fields.Count)); break;
            case 1: fields[rng.Next(fields.Count)] = (fields[rng.Next(fields.Count)].Name, Pick(rng, "null", "1", "[]", "{}", "true")); break;
            case 2: fields.Add(fields[rng.Next(fields.Count)] with { Json = Pick(rng, "null", "\"s2\"", "{\"v\":99}") }); break;
            case 3: var i = rng.Next(fields.Count); fields[i] = (fields[i].Name.Length > 1 ? "\\u00" + ((int)fields[i].Name[0]).ToString("x2", CultureInfo.InvariantCulture) + fields[i].Name[1..] : fields[i].Name, fields[i].Json); break;
            case 4: fields[0] = ("type", Quote(type).Replace("_", "\\u005f", StringComparison.Ordinal)); break;
        }

        var shuffled = fields.OrderBy(_ => rng.Next()).Select(f => $"\"{f.Name}\":{f.Json}");
        return "{" + string.Join(Pick(rng, ",", ", "), shuffled) + "}";
    }

    private static string RandomParams(Random rng) => rng.Next(8) switch
    {
        0 => Pick(rng, "[]", "\"x\"", "null"),
        1 => new string('[', 70) + new string(']', 70) is var deep ? $"{{\"v\":1,\"d\":{deep}}}" : "",
        _ => "{" + string.Join(",", new[]
        {
            $"\"v\":{Pick(rng, "1", "10", "10.000", "11", "1e1", "1e400", "-5", "\"7\"")}",
            $"\"items\":[{{\"sku\":\"{Pick(rng, "SKU-1234", "SKU-12", "sku-1234")}\"}}]",
            $"\"memo\":\"{Pick(rng, "ok", "far too long a memo", "\\u00e9t\\u00e9")}\"",
        }.Where(_ => rng.Next(4) != 0)) + "}",
    };

    private static string Quote(string s) => "\"" + s + "\"";

    private static string Pick(Random rng, params string[] options) => options[rng.Next(options.Length)];
}
