using System.Buffers.Text;
using System.Globalization;
using System.Text;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

/// <summary>The tick parser's own number reading gives, bit for bit, what the correctly rounded Utf8Parser gives.</summary>
public class TickParserNumberTests
{
    static void SameAsUtf8Parser(string text)
    {
        var b = Encoding.ASCII.GetBytes(text);
        Assert.True(Utf8Parser.TryParse(b, out double expected, out int used) && used == b.Length, $"reference parse of {text}");
        Assert.True(TickParser.ParseJsonDouble(b, out double got), text);
        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(got), $"{text}: {expected:R} expected, {got:R} read");
    }

    [Theory]
    [InlineData("1.08510")]
    [InlineData("150.125")]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("-0.0")]
    [InlineData("0.1")]
    [InlineData("0.3")]
    [InlineData("0.000001")]
    [InlineData("9007199254740992")]        // 2^53: exact
    [InlineData("9007199254740993")]        // 2^53 + 1: rounds; read by the fallback
    [InlineData("900719925474099.3")]       // significand above 2^53
    [InlineData("1.0000000000000000000001")] // 23 digits
    [InlineData("0.0000000000000000000001")] // 22 decimals
    [InlineData("0.00000000000000000000001")] // 23 decimals
    [InlineData("1.7976931348623157")]
    [InlineData("1e5")]
    [InlineData("1.5E-3")]
    [InlineData("-2.5e+300")]
    [InlineData("1e309")]
    [InlineData("12345678901234567890")]
    public void Edge_cases_read_as_the_reference_parser_reads_them(string text) => SameAsUtf8Parser(text);

    [Fact]
    public void Prices_of_every_precision_read_as_the_reference_parser_reads_them()
    {
        var rnd = new Random(20261201);
        var inv = CultureInfo.InvariantCulture;
        for (int n = 0; n < 200_000; n++)
        {
            double v = rnd.Next(4) switch
            {
                0 => rnd.NextDouble() * 2,
                1 => rnd.NextDouble() * 200,
                2 => rnd.NextDouble() * 1e6,
                _ => rnd.NextDouble() * Math.Pow(10, rnd.Next(-8, 16)),
            };
            SameAsUtf8Parser(v.ToString("F" + rnd.Next(0, 12), inv));
            SameAsUtf8Parser(v.ToString("R", inv).Replace("E", "e"));
        }
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("42", 42L)]
    [InlineData("1763765512123", 1763765512123L)]
    [InlineData("999999999999999999", 999999999999999999L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-1", -1L)]
    public void Integers_read_exactly(string text, long expected)
    {
        Assert.True(TickParser.ParseJsonInt64(Encoding.ASCII.GetBytes(text), out long v));
        Assert.Equal(expected, v);
    }

    [Fact]
    public void An_integer_beyond_a_long_is_refused()
    {
        Assert.False(TickParser.ParseJsonInt64("9223372036854775808"u8, out _));
        Assert.False(TickParser.ParseJsonInt64("99999999999999999999"u8, out _));
    }

    [Fact]
    public void A_tick_with_a_seq_beyond_a_long_is_not_taken_by_the_fast_scan_and_is_dropped()
    {
        var p = new TickParser(new SymbolTable(["EURUSD"]), TickFormat.Json);
        Assert.False(p.TryParse("{\"symbol\":\"EURUSD\",\"bid\":1.1,\"ask\":1.2,\"time\":5,\"seq\":99999999999999999999}"u8, 5, out _, out _));
    }
}
