using System.Globalization;
using System.Text;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

/// <summary>
/// <see cref="TickParser.TryPeek"/> reads only the symbol and seq of a tick in the bridge's canonical shape, so a
/// backlog can conflate a payload unparsed. It must agree with the full parse on every payload it takes, and refuse
/// every shape it cannot read with certainty (the intake then parses in full).
/// </summary>
public class TickParserPeekTests
{
    static readonly SymbolTable Symbols = new(["EURUSD", "USDJPY"]);
    static readonly TickParser Parser = new(Symbols, TickFormat.Json);

    static bool Peek(string s, out int id, out long seq) => Parser.TryPeek(Encoding.UTF8.GetBytes(s), out id, out seq);

    [Theory]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.1,\"ask\":1.2,\"time\":5,\"seq\":42}", 0, 42)]
    [InlineData("{\"symbol\":\"USDJPY\",\"bid\":150,\"ask\":150.1,\"time\":5,\"seq\":0}", 1, 0)]
    [InlineData("{\"symbol\":\"USDJPY\",\"x\":1,\"seq\":999999999999999999}", 1, 999_999_999_999_999_999)]
    public void A_canonical_tick_gives_its_symbol_and_seq(string json, int symbol, long seq)
    {
        Assert.True(Peek(json, out int id, out long s));
        Assert.Equal(symbol, id);
        Assert.Equal(seq, s);
    }

    [Theory]
    [InlineData(" {\"symbol\":\"EURUSD\",\"bid\":1.1,\"ask\":1.2,\"time\":5,\"seq\":42}")]   // leading whitespace
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.1,\"ask\":1.2,\"time\":5,\"seq\":42} ")]   // trailing whitespace
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.1,\"ask\":1.2,\"time\":5,\"seq\": 42}")]   // whitespace in the seq
    [InlineData("{\"bid\":1.1,\"symbol\":\"EURUSD\",\"ask\":1.2,\"time\":5,\"seq\":42}")]    // symbol not first
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.1,\"ask\":1.2,\"seq\":42,\"time\":5}")]    // seq not last
    [InlineData("{\"symbol\":\"EUR\\u0055SD\",\"bid\":1.1,\"ask\":1.2,\"time\":5,\"seq\":42}")] // an escape in the symbol
    [InlineData("{\"symbol\":\"GBPUSD\",\"bid\":1.1,\"ask\":1.2,\"time\":5,\"seq\":42}")]    // not configured
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.1,\"ask\":1.2,\"time\":5,\"seq\":-42}")]   // negative
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.1,\"ask\":1.2,\"time\":5,\"seq\":042}")]   // a leading zero: not JSON
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.1,\"ask\":1.2,\"time\":5,\"seq\":4.2}")]   // not an integer
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.1,\"ask\":1.2,\"time\":5,\"seq\":1e2}")]   // an exponent
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.1,\"ask\":1.2,\"time\":5,\"seq\":1234567890123456789}")] // 19 digits
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.1,\"ask\":1.2,\"time\":5,\"xseq\":42}")]   // another key
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.1,\"ask\":1.2,\"time\":5}")]               // no seq
    [InlineData("{\"symbol\":\"EURUSD\",\"seq\":42}")]                                        // nothing between them
    [InlineData("{\"symbol\":\"EURUSD\"}")]
    [InlineData("{\"symbol\":\"EURUSD")]
    [InlineData("")]
    public void Any_other_shape_must_be_parsed_in_full(string json)
    {
        Assert.False(Peek(json, out int id, out _));
        Assert.Equal(-1, id);
    }

    [Fact]
    public void The_dwx_format_is_never_peeked()
    {
        var dwx = new TickParser(Symbols, TickFormat.Dwx);
        Assert.False(dwx.TryPeek("{\"symbol\":\"EURUSD\",\"bid\":1.1,\"ask\":1.2,\"time\":5,\"seq\":42}"u8, out _, out _));
    }

    [Fact]
    public void An_oversize_payload_is_never_peeked()
    {
        string pad = new('x', TickParser.MaxFrameBytes);
        Assert.False(Peek($"{{\"symbol\":\"EURUSD\",\"pad\":\"{pad}\",\"seq\":42}}", out _, out _));
    }

    [Fact]
    public void Where_it_reads_a_valid_tick_it_agrees_with_the_full_parse()
    {
        var rnd = new Random(20261202);
        int peeked = 0;
        for (int i = 0; i < 20_000; i++)
        {
            string sym = rnd.Next(3) switch { 0 => "EURUSD", 1 => "USDJPY", _ => "EURUSDX" };
            long seq = rnd.Next(4) == 0 ? rnd.NextInt64(0, 10) : rnd.NextInt64(0, 999_999_999_999_999_999);
            string extra = rnd.Next(2) == 0 ? "" : ",\"src\":\"mt5\"";
            string json = string.Create(CultureInfo.InvariantCulture,
                $"{{\"symbol\":\"{sym}\",\"bid\":{1 + rnd.NextDouble()},\"ask\":{2 + rnd.NextDouble()},\"time\":{rnd.NextInt64(1, long.MaxValue)}{extra},\"seq\":{seq}}}");
            var bytes = Encoding.UTF8.GetBytes(json);
            bool parsed = Parser.TryParse(bytes, 0, out var tick, out _);
            bool peek = Parser.TryPeek(bytes, out int id, out long s);
            Assert.Equal(parsed, peek);
            if (!peek) continue;
            peeked++;
            Assert.Equal(tick.SymbolId, id);
            Assert.Equal(tick.Seq, s);
        }
        Assert.True(peeked > 10_000, $"{peeked} peeked");
    }
}
