using System.Buffers.Text;
using System.Text.Json;

namespace Pacts.Benchmarks;

/// <summary>
/// What a careful developer would write by hand for the treasury-v1 pact alone: the baselines the engine is
/// measured against. Each returns (valid, violation count) with the same semantics as the pact.
/// </summary>
internal static class HandWritten
{
    /// <summary>One pass over the fields of a pre-parsed <see cref="JsonElement"/>.</summary>
    public static (bool, int) OnePass(JsonElement p)
    {
        int v = 0;
        bool dest = false, amount = false, items = false;
        foreach (var prop in p.EnumerateObject())
        {
            var value = prop.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (prop.NameEquals("destination"u8))
            {
                dest = true;
                if (value.ValueKind != JsonValueKind.String || !(value.ValueEquals("0xA11A000000000000000000000000000000000001"u8) || value.ValueEquals("0xB22B000000000000000000000000000000000002"u8)
                    || value.ValueEquals("0xC33C000000000000000000000000000000000003"u8)))
                {
                    v++;
                }

                if (value.ValueKind == JsonValueKind.String && value.ValueEquals("0xDEAD000000000000000000000000000000000000"u8))
                {
                    v++;
                }
            }
            else if (prop.NameEquals("amount"u8))
            {
                amount = true;
                if (value.ValueKind != JsonValueKind.Number)
                {
                    v += 2; // type, valueRange
                    if (value.ValueKind != JsonValueKind.String || !decimal.TryParse(value.GetString(), System.Globalization.NumberStyles.AllowDecimalPoint | System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var s) || s < 0 || s > 5000)
                    {
                        v++;
                    }
                }
                else if (value.TryGetDecimal(out var d))
                {
                    v += d < 0.01m || d > 10000m ? 1 : 0;
                    v += d < 0 || d > 5000m ? 1 : 0;
                }
                else
                {
                    v += 2;
                }
            }
            else if (prop.NameEquals("currency"u8))
            {
                if (value.ValueKind != JsonValueKind.String || !(value.ValueEquals("USDC"u8) || value.ValueEquals("USDT"u8) || value.ValueEquals("DAI"u8)))
                {
                    v++;
                }
            }
            else if (prop.NameEquals("memo"u8))
            {
                if (value.ValueKind != JsonValueKind.String || !IsMemo(JsonMarshalRaw(value)))
                {
                    v++;
                }
            }
            else if (prop.NameEquals("items"u8))
            {
                if (value.ValueKind != JsonValueKind.Array)
                {
                    v++;
                    items = true;
                    continue;
                }

                items = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("sku"u8, out var sku) || sku.ValueKind == JsonValueKind.Null)
                    {
                        v++;
                    }
                    else if (sku.ValueKind != JsonValueKind.String || !IsSku(JsonMarshalRaw(sku)))
                    {
                        v++;
                    }
                }
            }
        }

        v += (dest ? 0 : 1) + (amount ? 0 : 1) + (items ? 0 : 1);
        return (v == 0, v);
    }

    /// <summary>One forward pass with <see cref="Utf8JsonReader"/> over the raw bytes: no document at all.</summary>
    public static (bool, int) Reader(ReadOnlySpan<byte> json)
    {
        var r = new Utf8JsonReader(json);
        r.Read();
        int v = 0;
        bool dest = false, amount = false, items = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("destination"u8))
            {
                r.Read();
                if (r.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                dest = true;
                var isString = r.TokenType == JsonTokenType.String;
                if (!isString || !(r.ValueTextEquals("0xA11A000000000000000000000000000000000001"u8) || r.ValueTextEquals("0xB22B000000000000000000000000000000000002"u8)
                    || r.ValueTextEquals("0xC33C000000000000000000000000000000000003"u8)))
                {
                    v++;
                }

                if (isString && r.ValueTextEquals("0xDEAD000000000000000000000000000000000000"u8))
                {
                    v++;
                }

                r.Skip();
            }
            else if (r.ValueTextEquals("amount"u8))
            {
                r.Read();
                if (r.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                amount = true;
                if (r.TokenType == JsonTokenType.Number && r.TryGetDecimal(out var d))
                {
                    v += d < 0.01m || d > 10000m ? 1 : 0;
                    v += d < 0 || d > 5000m ? 1 : 0;
                }
                else if (r.TokenType == JsonTokenType.String)
                {
                    v += 2;
                    if (!Utf8Parser.TryParse(r.ValueSpan, out decimal s, out var used) || used != r.ValueSpan.Length || s < 0 || s > 5000 || r.ValueSpan.IndexOfAny("eE"u8) >= 0)
                    {
                        v++;
                    }
                }
                else
                {
                    v += 3;
                    r.Skip();
                }
            }
            else if (r.ValueTextEquals("currency"u8))
            {
                r.Read();
                if (r.TokenType != JsonTokenType.Null && (r.TokenType != JsonTokenType.String || !(r.ValueTextEquals("USDC"u8) || r.ValueTextEquals("USDT"u8) || r.ValueTextEquals("DAI"u8))))
                {
                    v++;
                }

                r.Skip();
            }
            else if (r.ValueTextEquals("memo"u8))
            {
                r.Read();
                if (r.TokenType != JsonTokenType.Null && (r.TokenType != JsonTokenType.String || r.ValueIsEscaped || !IsMemo(r.ValueSpan)))
                {
                    v++;
                }

                r.Skip();
            }
            else if (r.ValueTextEquals("items"u8))
            {
                r.Read();
                if (r.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                items = true;
                if (r.TokenType != JsonTokenType.StartArray)
                {
                    v++;
                    r.Skip();
                    continue;
                }

                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    if (r.TokenType != JsonTokenType.StartObject)
                    {
                        v++;
                        r.Skip();
                        continue;
                    }

                    var sawSku = false;
                    while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                    {
                        if (r.ValueTextEquals("sku"u8))
                        {
                            r.Read();
                            if (r.TokenType != JsonTokenType.Null)
                            {
                                sawSku = true;
                                if (r.TokenType != JsonTokenType.String || r.ValueIsEscaped || !IsSku(r.ValueSpan))
                                {
                                    v++;
                                }
                            }

                            r.Skip();
                        }
                        else
                        {
                            r.Read();
                            r.Skip();
                        }
                    }

                    v += sawSku ? 0 : 1;
                }
            }
            else
            {
                r.Read();
                r.Skip();
            }
        }

        v += (dest ? 0 : 1) + (amount ? 0 : 1) + (items ? 0 : 1);
        return (v == 0, v);
    }

    /// <summary>What most code does: parse a document per call, then the one-pass check.</summary>
    public static (bool, int) ParseEachCall(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        return OnePass(doc.RootElement);
    }

    private static ReadOnlySpan<byte> JsonMarshalRaw(JsonElement e) => System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(e)[1..^1];

    private static bool IsSku(ReadOnlySpan<byte> s) =>
        s.Length == 8 && s.StartsWith("SKU-"u8) && IsDigit(s[4]) && IsDigit(s[5]) && IsDigit(s[6]) && IsDigit(s[7]);

    private static bool IsMemo(ReadOnlySpan<byte> s)
    {
        if (s.Length > 64)
        {
            return false;
        }

        foreach (var b in s)
        {
            if (!(IsDigit(b) || (uint)((b | 0x20) - 'a') <= 'z' - 'a' || b is (byte)' ' or (byte)'_' or (byte)'-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
