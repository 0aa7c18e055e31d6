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

    // A reason quotes the value it refuses, but not all of a 100 KB one: the report (and the service's `rejected`)
    // carries the start of it.
    [Theory]
    [InlineData("outcome", "unknown `outcome` `xxxx")]
    [InlineData("attemptedAt", "`attemptedAt` is not an ISO 8601 timestamp: `xxxx")]
    public void A_huge_value_is_quoted_by_its_start(string field, string start)
    {
        var call = new Dictionary<string, object> { ["type"] = "tool_call", ["sessionId"] = "s", ["agentId"] = "a", ["tool"] = "t", ["params"] = new { }, ["outcome"] = "success", ["attemptedAt"] = "2026-11-21T08:00:01Z" };
        call[field] = new string('x', 100_000);
        var r = Assert.Single(Read(System.Text.Json.JsonSerializer.Serialize(call)));
        Assert.StartsWith(start, r.Reason, StringComparison.Ordinal);
        Assert.Contains(new string('x', 64) + "…`", r.Reason, StringComparison.Ordinal);
        Assert.InRange(r.Reason!.Length, 64, 200);
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
