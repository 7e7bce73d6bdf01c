using System.Text;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

public class TickParserTests
{
    static readonly SymbolTable Symbols = new(["EURUSD", "USDJPY"]);

    static (bool Ok, Tick Tick, TickDropReason Reason) Parse(string s, TickFormat f = TickFormat.Json) => Parse(Encoding.UTF8.GetBytes(s), f);

    static (bool Ok, Tick Tick, TickDropReason Reason) Parse(byte[] b, TickFormat f = TickFormat.Json)
    {
        bool ok = new TickParser(Symbols, f).TryParse(b, 1000, out var t, out var r);
        return (ok, t, r);
    }

    [Fact]
    public void Contract_json_tick_parses()
    {
        var (ok, t, _) = Parse("{\"symbol\":\"EURUSD\",\"bid\":1.08510,\"ask\":1.08515,\"time\":1763765512123,\"seq\":42}");
        Assert.True(ok);
        Assert.Equal((0, 1.0851, 1.08515, 1763765512123L, 42L), (t.SymbolId, t.Bid, t.Ask, t.TimeMs, t.Seq));
    }

    [Fact]
    public void Dwx_tick_line_parses_with_receive_time()
    {
        var (ok, t, _) = Parse("USDJPY:|:150.123;150.125", TickFormat.Dwx);
        Assert.True(ok);
        Assert.Equal((1, 150.123, 150.125, 1000L), (t.SymbolId, t.Bid, t.Ask, t.TimeMs));
    }

    [Theory]
    [InlineData("", TickDropReason.EmptyFrame)]
    [InlineData("not json", TickDropReason.Malformed)]
    [InlineData("[1,2,3]", TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":\"1.0\",\"ask\":1.1,\"time\":1}", TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":NaN,\"ask\":1.1,\"time\":1}", TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1e309,\"ask\":1.1,\"time\":1}", TickDropReason.BadPrice)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":-1.0,\"ask\":1.1,\"time\":1}", TickDropReason.BadPrice)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":0,\"ask\":1.1,\"time\":1}", TickDropReason.BadPrice)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.2,\"ask\":1.1,\"time\":1}", TickDropReason.CrossedQuote)]
    [InlineData("{\"symbol\":\"\",\"bid\":1.0,\"ask\":1.1,\"time\":1}", TickDropReason.UnknownSymbol)]
    [InlineData("{\"symbol\":\"XAUUSD\",\"bid\":1.0,\"ask\":1.1,\"time\":1}", TickDropReason.UnknownSymbol)]
    [InlineData("{\"symbol\":\"EURUSD\",\"ask\":1.1,\"time\":1}", TickDropReason.MissingField)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.0,\"ask\":1.1}", TickDropReason.MissingField)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.0,\"ask\":1.1,\"time\":1} trailing", TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.0,\"ask\":1.1,\"time\":1.5}", TickDropReason.Malformed)]
    public void Bad_json_ticks_are_dropped_with_a_reason(string payload, TickDropReason expected)
    {
        var (ok, _, reason) = Parse(payload);
        Assert.False(ok);
        Assert.Equal(expected, reason);
    }

    [Theory]
    [InlineData("EURUSD:|:1.1", TickDropReason.MissingField)]
    [InlineData("EURUSD 1.1;1.2", TickDropReason.Malformed)]
    [InlineData("EURUSD:|:abc;1.2", TickDropReason.Malformed)]
    [InlineData(":|:1.1;1.2", TickDropReason.UnknownSymbol)]
    [InlineData("EURUSD:|:1.3;1.2", TickDropReason.CrossedQuote)]
    public void Bad_dwx_ticks_are_dropped_with_a_reason(string payload, TickDropReason expected)
    {
        var (ok, _, reason) = Parse(payload, TickFormat.Dwx);
        Assert.False(ok);
        Assert.Equal(expected, reason);
    }

    [Fact]
    public void Binary_junk_and_a_megabyte_frame_are_dropped()
    {
        var junk = new byte[300];
        new Random(1).NextBytes(junk);
        Assert.False(Parse(junk).Ok);
        var big = new byte[1 << 20];
        Assert.Equal((false, TickDropReason.OversizeFrame), (Parse(big).Ok, Parse(big).Reason));
    }

    [Fact]
    public void A_frame_of_the_maximum_size_is_read_and_one_byte_more_is_not()
    {
        const string Tick = "{\"symbol\":\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123}";
        var max = Tick.PadRight(TickParser.MaxFrameBytes);
        Assert.True(Parse(max).Ok);
        var (ok, _, reason) = Parse(max + " ");
        Assert.False(ok);
        Assert.Equal(TickDropReason.OversizeFrame, reason);
    }

    [Theory]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.0,\"ask\":0,\"time\":1}")]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.0,\"ask\":-0.0,\"time\":1}")]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":-2,\"ask\":-1,\"time\":1}")]
    public void A_quote_with_an_ask_not_above_zero_has_a_bad_price(string payload)
        => Assert.Equal((false, TickDropReason.BadPrice), (Parse(payload).Ok, Parse(payload).Reason));

    [Fact]
    public void A_tick_nested_deeper_than_four_levels_is_malformed()
    {
        const string Head = "{\"symbol\":\"EURUSD\",\"bid\":1.0,\"ask\":1.1,\"time\":1,\"x\":";
        Assert.True(Parse(Head + "[[[1]]]}").Ok);
        Assert.Equal((false, TickDropReason.Malformed), (Parse(Head + "[[[[1]]]]}").Ok, Parse(Head + "[[[[1]]]]}").Reason));
    }

    [Fact]
    public void An_escaped_symbol_is_unknown_even_when_its_raw_text_is_a_configured_name()
    {
        // Matching would need the escape decoded; the raw text is not the name the bridge meant.
        const string Tick = "{\"symbol\":\"EUR\\u0055SD\",\"bid\":1.0,\"ask\":1.1,\"time\":1}";
        var table = new SymbolTable(["XAUUSD", "EUR\\u0055SD", "EURUSD"]);
        Assert.False(new TickParser(table, TickFormat.Json).TryParse(Encoding.UTF8.GetBytes(Tick), 0, out _, out var reason));
        Assert.Equal(TickDropReason.UnknownSymbol, reason);
        Assert.Equal((false, TickDropReason.UnknownSymbol), (Parse(Tick).Ok, Parse(Tick).Reason));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void A_time_not_above_zero_is_malformed_on_the_readers_path_too(string time)
    {
        var tick = "{\"n\\u0061me\":1,\"symbol\":\"EURUSD\",\"bid\":1.0,\"ask\":1.1,\"time\":" + time + "}";
        Assert.Equal((false, TickDropReason.Malformed), (Parse(tick).Ok, Parse(tick).Reason));
    }

    [Fact]
    public void A_seq_of_zero_is_taken_on_the_readers_path_too()
    {
        var (ok, t, _) = Parse("{\"n\\u0061me\":1,\"symbol\":\"EURUSD\",\"bid\":1.0,\"ask\":1.1,\"time\":1,\"seq\":0}");
        Assert.True(ok);
        Assert.Equal(0L, t.Seq);
    }

    [Theory]
    [InlineData("EURUSD:|:;1.2", TickDropReason.Malformed)]
    [InlineData("EURUSD:|:1.1;", TickDropReason.Malformed)]
    [InlineData("EURUSD:|:1.1;\n", TickDropReason.Malformed)]
    [InlineData("EURUSD:|:1.1;1.2abc", TickDropReason.Malformed)]
    [InlineData("EURUSD:|:1.1x;1.2", TickDropReason.Malformed)]
    [InlineData("XAUUSD:|:1.1;1.2", TickDropReason.UnknownSymbol)]
    [InlineData("EURUSD:|:0;1.2", TickDropReason.BadPrice)]
    public void Dwx_fields_that_are_empty_junk_or_unknown_are_dropped(string payload, TickDropReason expected)
        => Assert.Equal((false, expected), (Parse(payload, TickFormat.Dwx).Ok, Parse(payload, TickFormat.Dwx).Reason));

    [Fact]
    public void A_dwx_line_with_its_newline_parses()
    {
        var (ok, t, _) = Parse("EURUSD:|:1.1;1.2\n", TickFormat.Dwx);
        Assert.True(ok);
        Assert.Equal((0, 1.1, 1.2), (t.SymbolId, t.Bid, t.Ask));
    }

    [Fact]
    public void Extra_fields_from_the_bridge_are_skipped()
    {
        Assert.True(Parse("{\"flags\":{\"a\":[1,2]},\"symbol\":\"EURUSD\",\"bid\":1.0,\"ask\":1.1,\"volume\":3,\"time\":5}").Ok);
    }
}

public class TickParserFastPathTests
{
    static readonly SymbolTable Symbols = new(["EURUSD", "USDJPY"]);
    const string Alphabet = "{}[]\":,.-+eE0123456789 \\\tnul\u0001\u00ff\u00c3";

    /// <summary>The flat-object scan must agree with Utf8JsonReader on every input: same verdict, same values.</summary>
    [Fact]
    public void Fast_path_agrees_with_the_json_reader_on_valid_variants_and_mutations()
    {
        var parser = new TickParser(Symbols, TickFormat.Json);
        var rnd = new Random(7);
        string[] shapes =
        [
            "{\"symbol\":\"EURUSD\",\"bid\":1.08510,\"ask\":1.08515,\"time\":1763765512123,\"seq\":42}",
            "{ \"seq\" : 7 , \"time\":5,\"ask\":2E-3,\"bid\":1e-3, \"symbol\":\"USDJPY\" }",
            "{\"symbol\":\"EURUSD\",\"bid\":1,\"ask\":1,\"time\":9,\"volume\":3.5,\"flag\":true,\"note\":null,\"src\":\"mt5\"}",
            "{\"symbol\":\"EURUSD\",\"bid\":-0.0,\"ask\":1,\"time\":9}",
            "{\"symbol\":\"EURUSD\",\"bid\":1.2,\"bid\":1.1,\"ask\":1.15,\"time\":9}",
            "{\"symbol\":\"EUR\\u0055SD\",\"bid\":1,\"ask\":1,\"time\":9}",
            "{\"symbol\":\"EURUSD\",\"bid\":01,\"ask\":1,\"time\":9}",
            "{\"symbol\":\"EURUSD\",\"bid\":1.,\"ask\":1,\"time\":9}",
            "{\"symbol\":\"EURUSD\",\"bid\":1,\"ask\":1,\"time\":9.0}",
            "{\"symbol\":\"EURUSD\",\"bid\":1,\"ask\":1,\"time\":9,\"seq\":-1}",
            "{\"symbol\":\"EURUSD\",\"bid\":1,\"ask\":1,\"time\":9}  ",
            "{\"symbol\":\"EURUSD\",\"bid\":1,\"ask\":1,\"time\":9,}",
            "{\"symbol\":\"EURUSD\",\"bid\":1,\"ask\":1,\"time\":9,\"x\":{\"y\":1}}",
        ];
        int compared = 0;
        foreach (var shape in shapes)
        {
            var bytes = Encoding.UTF8.GetBytes(shape);
            Compare(parser, bytes);
            for (int m = 0; m < 2000; m++)
            {
                var mutated = (byte[])bytes.Clone();
                int edits = rnd.Next(1, 3);
                for (int e = 0; e < edits; e++)
                    mutated[rnd.Next(mutated.Length)] = (byte)Alphabet[rnd.Next(Alphabet.Length)];
                Compare(parser, mutated);
                compared++;
            }
        }
        Assert.True(compared > 20_000);
    }

    static void Compare(TickParser parser, byte[] payload)
    {
        bool fast = parser.TryParse(payload, 1000, out var a, out var ra);
        var b = default(Tick);
        bool slow = parser.TryReadJson(payload, ref b, out var rb);
        if (slow && !(double.IsFinite(b.Bid) && double.IsFinite(b.Ask) && b.Bid > 0 && b.Ask > 0 && b.Bid <= b.Ask)) slow = false; // the same validation TryParse applies
        Assert.True(fast == slow, $"verdicts differ on {Encoding.UTF8.GetString(payload)}: fast {fast} ({ra}), reader {slow} ({rb})");
        if (fast) Assert.Equal((b.SymbolId, b.Bid, b.Ask, b.TimeMs, b.Seq), (a.SymbolId, a.Bid, a.Ask, a.TimeMs, a.Seq));
    }
}
