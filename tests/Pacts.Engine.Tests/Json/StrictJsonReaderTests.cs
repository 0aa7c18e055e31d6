using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pacts.Json;

namespace Pacts.Tests;

/// <summary>
/// <see cref="StrictJsonReader"/> must accept a subset of what <see cref="Utf8JsonReader"/> accepts, with the
/// same tokens (type, value bytes, escape flag, offsets, and the same <c>Skip</c>), and accept every valid JSON
/// value within its depth: then the fast path is never a different answer and rarely a slower one.
/// </summary>
public class StrictJsonReaderTests
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = ParamsDom.MaxDepth };

    // Bytes a mutation inserts: structure, grammar corners, controls, invalid UTF-8 lead and continuation bytes.
    private static readonly byte[] Noise = [.. "{}[],:\"\\x1 0-.eE+tfnu/\t\r\n"u8, 0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xF0, 0xFF];

    [Property(MaxTest = 2000)]
    public Property Valid_json_reads_to_the_same_tokens_as_Utf8JsonReader()
    {
        var prop = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            var bytes = Encoding.UTF8.GetBytes(RandomJson(rng, 0));
            var expected = Tokens(bytes, strict: false, seed);
            Assert.DoesNotContain("refused", expected, StringComparison.Ordinal);
            Assert.Equal(expected, Tokens(bytes, strict: true, seed));
        });
        return prop;
    }

    [Property(MaxTest = 5000)]
    public Property Damaged_json_is_refused_or_read_exactly_as_Utf8JsonReader_reads_it()
    {
        var check = Damaged_json_is_refused_or_read_exactly_as_Utf8JsonReader_reads_it_case();
        return Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed => { _ = check(seed); });
    }

    /// <summary>The property above tests refusal only if the mutations damage most inputs.</summary>
    [Fact]
    public void The_mutations_damage_most_inputs()
    {
        var check = Damaged_json_is_refused_or_read_exactly_as_Utf8JsonReader_reads_it_case();
        var counted = Enumerable.Range(0, 1000).Count(check);
        Assert.InRange(counted, 200, 1000);
    }

    private static Func<int, bool> Damaged_json_is_refused_or_read_exactly_as_Utf8JsonReader_reads_it_case()
    {
        return seed =>
        {
            var rng = new Random(seed);
            var bytes = Encoding.UTF8.GetBytes(RandomJson(rng, 0)).ToList();
            var cuts = rng.Next(1, 4);
            for (var c = 0; c < cuts && bytes.Count > 0; c++)
            {
                var at = rng.Next(bytes.Count);
                switch (rng.Next(4))
                {
                    case 0: bytes.RemoveAt(at); break;
                    case 1: bytes.Insert(at, Noise[rng.Next(Noise.Length)]); break;
                    case 2: bytes[at] = Noise[rng.Next(Noise.Length)]; break;
                    default: bytes.RemoveRange(at, bytes.Count - at); break;
                }
            }

            var input = bytes.ToArray();
            var strict = Tokens(input, strict: true, seed);
            if (strict.EndsWith("refused", StringComparison.Ordinal))
            {
                return true;
            }

            // Accepted: Utf8JsonReader must accept it too, token for token (soundness).
            Assert.Equal(Tokens(input, strict: false, seed), strict);
            return false;
        };
    }

    [Theory]
    [InlineData("01")]
    [InlineData("-")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("+1")]
    [InlineData("[1,]")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{a:1}")]
    [InlineData("[1 2]")]
    [InlineData("truex")]
    [InlineData("tru")]
    [InlineData("nul")]
    [InlineData("{} {}")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("/*c*/{}")]
    [InlineData("{}//c")]
    [InlineData("\"a\\x\"")]
    [InlineData("\"\\u12G4\"")]
    [InlineData("\"\\u12\"")]
    [InlineData("\"a\tb\"")]
    [InlineData("\"abc")]
    [InlineData("[")]
    [InlineData("{\"a\":")]
    [InlineData("'a'")]
    public void Invalid_json_is_refused(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.EndsWith("error", Tokens(bytes, strict: false, 0), StringComparison.Ordinal);
        Assert.EndsWith("refused", Tokens(bytes, strict: true, 0), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x22, 0xC0, 0x80, 0x22 })] // overlong NUL
    [InlineData(new byte[] { 0x22, 0x80, 0x22 })] // lone continuation byte
    [InlineData(new byte[] { 0x22, 0xE2, 0x82, 0x22 })] // truncated sequence
    [InlineData(new byte[] { 0x22, 0xED, 0xA0, 0x80, 0x22 })] // an encoded surrogate
    [InlineData(new byte[] { 0x22, 0xFF, 0x22 })]
    [InlineData(new byte[] { 0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x22, 0x61, 0x5C, 0x6E, 0xFE, 0x22, 0x7D })] // a name, and a value with an escape
    public void Invalid_utf8_in_a_string_is_read_as_Utf8JsonReader_reads_it_and_said_to_be_so(byte[] bytes)
    {
        Assert.Equal(Tokens(bytes, strict: false, 0), Tokens(bytes, strict: true, 0));
        var reader = new StrictJsonReader(bytes);
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
            {
                Assert.False(reader.ValueIsValidUtf8);
            }
        }
    }

    [Theory]
    [InlineData("\"plain\"")]
    [InlineData("\"héllo 👍\"")]
    [InlineData("\"a string longer than sixteen bytes, é at the end\"")]
    public void Valid_text_is_said_to_be_valid_utf8(string json)
    {
        var reader = new StrictJsonReader(Encoding.UTF8.GetBytes(json));
        Assert.True(reader.Read());
        Assert.True(reader.ValueIsValidUtf8);
    }

    [Fact]
    public void A_byte_order_mark_is_refused()
    {
        Assert.EndsWith("refused", Tokens([0xEF, 0xBB, 0xBF, 0x7B, 0x7D], strict: true, 0), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"é👍\":\"h\\u00e9\\n\\/\\\"\"}")]
    [InlineData(" \t\r\n{ \"a\" : [ 1 , -0.5e+3 , 0 , 1E-2 ] , \"b\" : { } , \"c\" : [ ] } \r\n")]
    [InlineData("[true,false,null,\"\",{\"\":\"\"}]")]
    [InlineData("\"a string longer than sixteen bytes, so the vector loop runs, then ends with an escape \\u0041\"")]
    [InlineData("-12345678901234567890123456789.000000000000000000001e-99999")]
    public void Valid_corner_cases_read_as_Utf8JsonReader_reads_them(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.Equal(Tokens(bytes, strict: false, 0), Tokens(bytes, strict: true, 0));
    }

    [Theory]
    [InlineData(62, false)]
    [InlineData(63, false)]
    [InlineData(64, true)]
    [InlineData(65, true)]
    public void Nesting_at_the_general_readers_limit_is_refused(int levels, bool refused)
    {
        var bytes = Encoding.UTF8.GetBytes(new string('[', levels) + new string(']', levels));
        Assert.Equal(refused, Tokens(bytes, strict: true, 0).EndsWith("refused", StringComparison.Ordinal));
    }

    /// <summary>
    /// Every token the reader yields, one per line; at roughly every third container or name (chosen from
    /// <paramref name="seed"/>, so both readers skip at the same tokens) <c>Skip</c> is called. Ends with
    /// <c>refused</c> or <c>error</c> when reading stopped there.
    /// </summary>
    private static string Tokens(byte[] json, bool strict, int seed)
    {
        var sb = new StringBuilder();
        var rng = new Random(seed);
        try
        {
            if (strict)
            {
                var reader = new StrictJsonReader(json);
                Walk(ref reader, sb, rng);
            }
            else
            {
                var tokens = new SystemJsonTokens(new Utf8JsonReader(json, Options));
                Walk(ref tokens, sb, rng);
            }
        }
        catch (StrictJsonReader.RefusedException)
        {
            sb.Append("refused");
        }
        catch (JsonException)
        {
            sb.Append("error");
        }

        return sb.ToString();
    }

    private static void Walk<TReader>(ref TReader reader, StringBuilder sb, Random rng)
        where TReader : IJsonTokens, allows ref struct
    {
        while (reader.Read())
        {
            Append(ref reader, sb);
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.PropertyName && rng.Next(3) == 0)
            {
                reader.Skip();
                sb.Append("skip ");
                Append(ref reader, sb);
            }
        }
    }

    private static void Append<TReader>(ref TReader reader, StringBuilder sb)
        where TReader : IJsonTokens, allows ref struct
    {
        sb.Append(reader.TokenType).Append(' ').Append(reader.TokenStartIndex).Append(' ').Append(reader.BytesConsumed).Append(' ')
            .Append(reader.ValueIsEscaped).Append(' ').Append(Convert.ToHexString(reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.EndObject or JsonTokenType.EndArray ? [] : reader.ValueSpan))
            .Append('\n');
    }

    private static string RandomJson(Random rng, int depth)
    {
        var ws = rng.Next(8) == 0 ? new[] { " ", "\t", "\r\n", "  \n " }[rng.Next(4)] : "";
        string value;
        switch (rng.Next(depth > 5 ? 6 : 8))
        {
            case 0:
                value = new[] { "null", "true", "false" }[rng.Next(3)];
                break;
            case 1:
            case 2:
                value = RandomNumber(rng);
                break;
            case 3:
            case 4:
            case 5:
                value = RandomString(rng);
                break;
            case 6:
                {
                    var n = rng.Next(0, 5);
                    value = "{" + string.Join(",", Enumerable.Range(0, n).Select(_ => ws + RandomString(rng) + ws + ":" + RandomJson(rng, depth + 1))) + ws + "}";
                    break;
                }

            default:
                {
                    var n = rng.Next(0, 5);
                    value = "[" + string.Join(",", Enumerable.Range(0, n).Select(_ => RandomJson(rng, depth + 1))) + ws + "]";
                    break;
                }
        }

        return ws + value + ws;
    }

    private static string RandomNumber(Random rng)
    {
        var sb = new StringBuilder();
        if (rng.Next(3) == 0)
        {
            sb.Append('-');
        }

        if (rng.Next(4) == 0)
        {
            sb.Append('0');
        }
        else
        {
            var digits = rng.NextInt64(1, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture);
            sb.Append(digits[..rng.Next(1, digits.Length + 1)]);
        }
        if (rng.Next(2) == 0)
        {
            sb.Append('.').Append(rng.Next(0, 1_000_000).ToString("D" + rng.Next(1, 7), System.Globalization.CultureInfo.InvariantCulture));
        }

        if (rng.Next(4) == 0)
        {
            sb.Append(rng.Next(2) == 0 ? 'e' : 'E').Append(new[] { "", "+", "-" }[rng.Next(3)]).Append(rng.Next(0, 400));
        }

        return sb.ToString();
    }

    private static string RandomString(Random rng)
    {
        var sb = new StringBuilder("\"");
        var n = rng.Next(0, rng.Next(2) == 0 ? 6 : 40);
        for (var i = 0; i < n; i++)
        {
            sb.Append(rng.Next(12) switch
            {
                0 => "\\\"",
                1 => "\\\\",
                2 => new[] { "\\/", "\\b", "\\f", "\\n", "\\r", "\\t" }[rng.Next(6)],
                3 => "\\u" + rng.Next(0, 0x10000).ToString(rng.Next(2) == 0 ? "x4" : "X4", System.Globalization.CultureInfo.InvariantCulture),
                4 => new[] { "é", "👍", "€", "\u007f", "ß" }[rng.Next(5)],
                _ => ((char)rng.Next(0x20, 0x7F)) is var c && c is '"' or '\\' ? "a" : c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }
}
