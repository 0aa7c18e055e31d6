using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pacts.Rules;

namespace Pacts.Tests;

/// <summary>The regex fast path must agree with the NonBacktracking engine on every pattern it accepts.</summary>
public class SimplePatternTests
{
    private static readonly string[] Atoms = ["a", "b", "-", ".", "[a-c]", "[^a]", "[0-9]", "[A-Za-z0-9 _-]", "\\.", "x", " ", "[b-]", "é"];
    private static readonly string[] Quantifiers = ["", "", "?", "*", "+", "{2}", "{0,3}", "{1,}", "{0,64}"];
    private static readonly string[] Inputs = ["", "a", "b", "ab", "aab", "abc", "-", "a-b", "0", "09", "x.x", "SKU-0042", "é", "aé", "👍", "a\n", "\n", "  ", "ba", "zzz"];

    private static readonly Gen<string> Patterns = Gen.Choose(1, 5).SelectMany(n => Gen.ArrayOf(
        from a in Gen.Elements(Atoms) from q in Gen.Elements(Quantifiers) select a + q, n)).Select(parts => string.Concat(parts));

    private static readonly Gen<string> Strings = Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Gen.Elements(Inputs), n)).Select(parts => string.Concat(parts));

    /// <summary>The property below means something only if many generated patterns take the fast path.</summary>
    [Fact]
    public void The_generated_patterns_mostly_take_the_fast_path()
    {
        var sample = Patterns.Sample(1000);
        var accepted = sample.Count(p => SimplePattern.TryCreate(p) is not null);
        Assert.True(accepted > 100 * sample.Length / 1000, $"only {accepted} of {sample.Length} generated patterns took the fast path");
    }

    [Property(MaxTest = 5000)]
    public Property Fast_path_agrees_with_the_regex_engine()
    {
        var prop = Prop.ForAll(Arb.From(Patterns), Arb.From(Strings), (p, s) =>
        {
            var simple = SimplePattern.TryCreate(p);
            if (simple is null)
            {
                return;
            }

            var regex = RegexRule.TryBuild(p, out var error);
            Assert.True(regex is not null, error?.Message);
            var expected = regex!.IsMatch(s);
            Assert.True(expected == simple.IsMatch(s), $"pattern `{p}` on `{s}`: regex says {expected}");
            if (Ascii.IsValid(s))
            {
                Assert.Equal(expected, simple.IsMatchAscii(Encoding.ASCII.GetBytes(s)));
            }

            if (simple.AsciiOnly)
            {
                // Such patterns read any UTF-8 string as bytes (RegexRule): non-ASCII bytes must fail as the chars do.
                Assert.True(expected == simple.IsMatchAscii(Encoding.UTF8.GetBytes(s)), $"pattern `{p}` on UTF-8 `{s}`: regex says {expected}");
            }
        });
        return prop;
    }

    [Theory]
    [InlineData("SKU-[0-9]{4}", true)]
    [InlineData("[A-Za-z0-9 _-]{0,64}", true)]
    [InlineData("0x[0-9A-Fa-f]{40}", true)]
    [InlineData("[a-z]*a", false)]
    [InlineData("a|b", false)]
    [InlineData("(?i)ok", false)]
    [InlineData("\\d+", false)]
    [InlineData("a{,3}", false)]
    [InlineData("[é]", false)]
    [InlineData("a*?", false)]
    public void Subset(string pattern, bool fast) => Assert.Equal(fast, SimplePattern.TryCreate(pattern) is not null);
}
