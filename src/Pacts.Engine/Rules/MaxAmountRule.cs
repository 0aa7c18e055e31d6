using System.Text.Json;
using System.Text.Json.Nodes;
using Pacts.Diagnostics;
using Pacts.Json;
using Pacts.Numbers;
using Pacts.Syntax;

namespace Pacts.Rules;

/// <summary>
/// <c>maxAmount</c>: the value must be an amount (a JSON number, or a decimal string
/// <c>-?[0-9]+(\.[0-9]+)?</c> such as <c>"250.00"</c>) between 0 and the cap, inclusive.
/// </summary>
internal sealed class MaxAmountRule : RuleDefinition
{
    public override string Name => "maxAmount";

    public override string Description => "number >= 0; the value must be an amount (number or decimal string) from 0 to this cap";

    public override CompiledRule? Compile(PactNode value, RuleContext context)
    {
        if (!context.TryNumber(value, "`maxAmount`", out var cap))
        {
            return null;
        }

        var parts = ExactDecimal.ParseTrusted(cap);
        if (parts.Negative && !parts.IsZero)
        {
            context.Error(DiagnosticCodes.BadBound, value, $"`maxAmount` must be at least 0, not `{value.Text}`", "an amount cap is never negative");
            return null;
        }

        return new Compiled(this, value, $"`{context.PathText}` must be an amount from 0 to {value.Text}", new DecimalBound(cap));
    }

    public override JsonNode Schema() => new JsonObject { ["type"] = "number", ["minimum"] = 0, ["description"] = Description };

    private sealed class Compiled(RuleDefinition d, PactNode s, string m, DecimalBound cap) : CompiledRule(d, s, m)
    {
        public override bool Fails(ref LocationValue value)
        {
            if (value.Kind == JsonValueKind.String)
            {
                if (value.HasEscapes)
                {
                    return FailsEscaped(value.Chars);
                }

                if (IsNotAmountString(value.Raw))
                {
                    return true;
                }
            }
            else if (value.Kind != JsonValueKind.Number)
            {
                return true;
            }

            // A number, or the unescaped text of a decimal string, read through the location's own parse (see
            // LocationValue.IsNumber): negative amounts fail, as in FailsCap.
            return !value.IsNumber || value.NumberIsNegative || value.CompareNumber(cap) > 0;
        }

        /// <summary>
        /// `"\u0032\u0035\u0030"` is the string 250: decode before judging. Only ASCII can be an amount. Out of
        /// line, so its stack buffer does not weigh on the common case.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private bool FailsEscaped(ReadOnlySpan<char> chars)
        {
            Span<byte> ascii = chars.Length <= 128 ? stackalloc byte[chars.Length] : new byte[chars.Length];
            for (var i = 0; i < chars.Length; i++)
            {
                if (chars[i] > 127)
                {
                    return true;
                }

                ascii[i] = (byte)chars[i];
            }

            return IsNotAmountString(ascii) || FailsCap(ascii);
        }

        private static bool IsNotAmountString(ReadOnlySpan<byte> text) => text.IndexOfAny((byte)'e', (byte)'E') >= 0;

        private bool FailsCap(ReadOnlySpan<byte> text) => !ExactDecimal.TryParse(text, out var amount) || FailsCap(amount);

        private bool FailsCap(scoped in ExactDecimal.Parts amount)
        {
            if (amount.Negative && !amount.IsZero)
            {
                return true;
            }

            return ExactDecimal.Compare(amount, cap) > 0;
        }
    }
}
