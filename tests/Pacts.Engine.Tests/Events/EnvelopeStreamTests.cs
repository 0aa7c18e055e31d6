using System.Text;
using Pacts.Events;

namespace Pacts.Tests;

/// <summary>
/// <c>{"events": [...]}</c> files that are not one short line (pretty-printed, or one line over the line limit)
/// are streamed an event at a time: the same records as the one-line form, in memory that does not grow with the file.
/// </summary>
public class EnvelopeStreamTests
{
    private const string Start = """{"type":"session_start","sessionId":"s1","agentId":"a","startedAt":"2026-11-21T08:00:00Z","pactId":"p"}""";
    private const string Call = """{"type":"tool_call","sessionId":"s1","agentId":"a","tool":"t","params":{"v":1},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z"}""";

    private static List<LogRecord> Read(string text) => Read(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    private static List<LogRecord> Read(Stream stream) => [.. EventLogReader.Read(stream, "log.json")];

    private static string Pretty(params string[] events) => "{\n  \"batch\": {\"id\": [1, {\"x\": \"]\"}]},\n  \"events\": [\n    " + string.Join(",\n    ", events) + "\n  ]\n}";

    [Fact]
    public void Lines_after_a_pretty_printed_envelope_are_json_lines_numbered_by_physical_line()
    {
        var records = Read(Pretty(Start, Call) + "\n\n" + Call + "\n");
        Assert.Equal([1L, 2L, 9L], records.Select(r => r.Line));
        Assert.All(records, r => Assert.Equal(LogRecordKind.Event, r.Kind));
    }

    [Fact]
    public void What_follows_the_closing_brace_on_its_line_is_a_line_of_its_own()
    {
        var records = Read("{\"events\": [\n" + Start + "\n]} " + Call + "\n" + Call);
        Assert.Equal([1L, 3L, 4L], records.Select(r => r.Line));
        Assert.All(records, r => Assert.Equal(LogRecordKind.Event, r.Kind));
    }

    [Theory]
    [InlineData(0, "the file ends inside event 1 of the `{\"events\": [...]}` array")]
    [InlineData(1, "the file ends inside event 2 of the `{\"events\": [...]}` array")]
    [InlineData(2, "the file ends inside event 3 of the `{\"events\": [...]}` array")]
    public void A_truncated_envelope_keeps_its_whole_events_and_says_where_it_broke(int whole, string reason)
    {
        var text = Pretty(Start, Call, Call);
        var cut = whole switch { 0 => text.IndexOf(Start, StringComparison.Ordinal) + 10, 1 => text.IndexOf(Call, StringComparison.Ordinal) + 10, _ => text.LastIndexOf(Call, StringComparison.Ordinal) + 10 };
        var records = Read(text[..cut]);
        Assert.Equal(whole + 1, records.Count);
        Assert.All(records.Take(whole), r => Assert.Equal(LogRecordKind.Event, r.Kind));
        var broken = records[^1];
        Assert.Equal(LogRecordKind.Malformed, broken.Kind);
        Assert.Equal(whole + 1, broken.Line);
        Assert.Contains(reason, broken.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_event_is_one_malformed_record_and_the_next_is_read()
    {
        var records = Read(Pretty(Call.Replace("\"tool\":\"t\",", "\"tool\":\"t\",,", StringComparison.Ordinal), Start, "tru", Call) + "\n" + Call);
        Assert.Equal([LogRecordKind.Malformed, LogRecordKind.Event, LogRecordKind.Malformed, LogRecordKind.Event, LogRecordKind.Event], records.Select(r => r.Kind));
        Assert.Equal([1L, 2L, 3L, 4L, 10L], records.Select(r => r.Line));
    }

    [Theory]
    [InlineData("{\"events\": [\n" + Start + "\n" + Call + "]}\n" + Call, "breaks off after its event 1: expected `,` or `]`, not `{`")]
    [InlineData("{\"events\": [\n" + Start + ",,\n" + Call + "]}\n" + Call, "breaks off after its event 1: expected an event, not `,`")]
    [InlineData("{\"events\": [\n" + Start + "\n", "the file ends before the `{\"events\": [...]}` array closes")]
    [InlineData("{\"events\": [\n" + Start + "],\n \"n\": [1", "the file ends before the `{\"events\": [...]}` object closes (after its events)")]
    public void Where_the_array_itself_breaks_off_one_record_says_so_and_the_events_before_are_kept(string text, string reason)
    {
        var records = Read(text);
        Assert.Equal([LogRecordKind.Event, LogRecordKind.Malformed], records.Select(r => r.Kind));
        Assert.Equal([1L, 2L], records.Select(r => r.Line));
        Assert.Contains(reason, records[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_comma_before_the_closing_bracket_is_one_malformed_record_and_reading_goes_on()
    {
        var records = Read("{\"events\": [\n" + Start + ",\n]}\n" + Call);
        Assert.Equal([LogRecordKind.Event, LogRecordKind.Malformed, LogRecordKind.Event], records.Select(r => r.Kind));
        Assert.Equal([1L, 2L, 4L], records.Select(r => r.Line));
    }

    [Theory]
    [InlineData("{\n  \"type\": \"x\",\n  \"events\": []\n}")] // `type` first: an event laid out over lines
    [InlineData("{\n  \"events\": {}\n}")] // `events` is not an array
    [InlineData("{\n  \"other\": [1,\n 2]\n}")] // no `events` at all
    [InlineData("{\n  \"events\": [1,\n 2]\n} trailing")] // (an envelope, then a line that is not JSON)
    public void An_object_over_several_lines_that_is_not_an_envelope_is_read_as_lines(string text)
    {
        var records = Read(text + "\n" + Call + "\n");
        Assert.Equal(LogRecordKind.Event, records[^1].Kind);
        if (!text.EndsWith("trailing", StringComparison.Ordinal))
        {
            // Every physical line of the object is a malformed line, numbered as it stands.
            var lines = text.Split('\n').Length;
            Assert.Equal(Enumerable.Range(1, lines + 1).Select(i => (long)i), records.Select(r => r.Line));
            Assert.All(records.SkipLast(1), r => Assert.Equal(LogRecordKind.Malformed, r.Kind));
        }
        else
        {
            Assert.Equal([1L, 2L, 4L, 5L], records.Select(r => r.Line));
            Assert.Equal([LogRecordKind.Malformed, LogRecordKind.Malformed, LogRecordKind.Malformed, LogRecordKind.Event], records.Select(r => r.Kind));
        }
    }

    [Fact]
    public void Every_kind_of_array_item_reads_as_the_same_event_does_on_a_line_of_its_own()
    {
        string[] items =
        [
            Start, Call, "5", "\"text\"", "null", "[1, [2]]", "{\"type\":\"heartbeat\"}", "{\"type\":\"tool_call\"}", "{ }", "true",
            Call.Replace("\"v\":1", "\"v\":\"caf\\u00e9\"", StringComparison.Ordinal),
            Call.Replace("{\"v\":1}", new string('[', 70) + new string(']', 70), StringComparison.Ordinal),
        ];
        var asLines = Read(string.Join("\n", items)).Select(r => (r.Kind, r.Reason)).ToList();
        var oneLine = Read("{\"events\":[" + string.Join(",", items) + "]}");
        var pretty = Read(Pretty(items));
        Assert.Equal(Enumerable.Range(1, items.Length).Select(i => (long)i), pretty.Select(r => r.Line));
        Assert.Equal(asLines, oneLine.Select(r => (r.Kind, r.Reason)));
        Assert.Equal(asLines, pretty.Select(r => (r.Kind, r.Reason)));
        Assert.Equal(oneLine.Select(r => r.Event?.ToString()), pretty.Select(r => r.Event?.ToString()));
    }

    [Fact]
    public void A_long_first_line_is_streamed_and_read_as_what_it_is()
    {
        // From 1 MB on, a first line that starts with `{` is streamed rather than held; an event stays an event
        // (its `type` need not come first), anything else a line of its own.
        var big = new string('x', 1_500_000);
        var bigCall = Call.Replace("{\"v\":1}", $"{{\"v\":\"{big}\"}}", StringComparison.Ordinal);
        var typeLast = """{"sessionId":"s1","agentId":"a","tool":"t","params":{"v":"BIG"},"outcome":"success","attemptedAt":"2026-11-21T08:00:01Z","type":"tool_call"}""".Replace("BIG", big, StringComparison.Ordinal);
        foreach (var first in new[] { bigCall, typeLast })
        {
            var kinds = new List<LogRecordKind>();
            foreach (var r in EventLogReader.Read(new MemoryStream(Encoding.UTF8.GetBytes("\uFEFF" + first + "\n" + Call + "\n")), "log.jsonl"))
            {
                kinds.Add(r.Kind);
                var v = r.Event!.Params.GetProperty("v");
                Assert.Equal(kinds.Count == 1 ? big : "1", kinds.Count == 1 ? v.GetString() : v.GetRawText());
            }

            Assert.Equal([LogRecordKind.Event, LogRecordKind.Event], kinds);
        }

        var garbage = Read(big + "\n" + Call);
        Assert.Equal([LogRecordKind.Malformed, LogRecordKind.Event], garbage.Select(r => r.Kind));
        Assert.StartsWith("invalid JSON", garbage[0].Reason, StringComparison.Ordinal);
        var envelope = Read("{\"events\":[" + bigCall + "," + Start + "]}\n" + Call);
        Assert.Equal([1L, 2L, 2L], envelope.Select(r => r.Line));
        Assert.All(envelope, r => Assert.Equal(LogRecordKind.Event, r.Kind));
    }

    [Fact]
    public void An_envelope_longer_than_a_line_may_be_is_read_whole_an_event_at_a_time()
    {
        // 70 MB on one line, generated as it is read: one line this long used to be a single malformed line.
        const int count = 330_000;
        var records = Read(new EnvelopeSource(count, pretty: false, hugeAt: -1));
        Assert.Equal(count, records.Count);
        Assert.All(records, r => Assert.Equal(LogRecordKind.Event, r.Kind));
        Assert.Equal(count, records[^1].Line);
    }

    [Fact]
    public void An_event_longer_than_a_line_may_be_is_one_malformed_record_and_the_next_is_read()
    {
        var records = Read(new EnvelopeSource(3, pretty: true, hugeAt: 1));
        Assert.Equal([LogRecordKind.Event, LogRecordKind.Malformed, LogRecordKind.Event], records.Select(r => r.Kind));
        Assert.Equal([1L, 2L, 3L], records.Select(r => r.Line));
        Assert.Equal($"event longer than {64 * 1024 * 1024} bytes", records[1].Reason);
    }

    /// <summary>An envelope of tool calls written as it is read, never held: <paramref name="hugeAt"/> gets a 70 MB param.</summary>
    private sealed class EnvelopeSource(int count, bool pretty, int hugeAt) : Stream
    {
        private readonly Queue<byte[]> _pending = new([Encoding.UTF8.GetBytes(pretty ? "{\n  \"events\": [\n" : "{\"events\":[")]);
        private int _next;
        private byte[] _current = [];
        private int _at;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count1)
        {
            while (_at == _current.Length)
            {
                if (_pending.Count == 0 && !Produce())
                {
                    return 0;
                }

                (_current, _at) = (_pending.Dequeue(), 0);
            }

            var n = Math.Min(count1, _current.Length - _at);
            _current.AsSpan(_at, n).CopyTo(buffer.AsSpan(offset));
            _at += n;
            return n;
        }

        private bool Produce()
        {
            if (_next > count)
            {
                return false;
            }

            if (_next == count)
            {
                _pending.Enqueue(Encoding.UTF8.GetBytes(pretty ? "\n  ]\n}\n" : "]}"));
                _next++;
                return true;
            }

            var sep = _next == 0 ? "" : pretty ? ",\n" : ",";
            if (_next == hugeAt)
            {
                var cut = Call.IndexOf("{\"v\":1}", StringComparison.Ordinal);
                _pending.Enqueue(Encoding.UTF8.GetBytes(sep + Call[..cut] + "{\"v\":\""));
                for (var i = 0; i < 70; i++)
                {
                    _pending.Enqueue(Encoding.ASCII.GetBytes(new string('x', 1 << 20)));
                }

                _pending.Enqueue(Encoding.UTF8.GetBytes("\"}" + Call[(cut + "{\"v\":1}".Length)..]));
            }
            else
            {
                _pending.Enqueue(Encoding.UTF8.GetBytes(sep + Call.Replace("s1", "s" + _next, StringComparison.Ordinal)));
            }

            _next++;
            return true;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count1) => throw new NotSupportedException();
    }
}
