using System.Globalization;
using System.Text;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

/// <summary>
/// The direct scan of the bridge's flat objects is the tick path's cost: it must take every flat tick the bridge sends
/// (any key order, any JSON whitespace, extra string and number fields, every number form) with exactly the reader's
/// values, and leave every other form (escapes, control characters, nesting, odd numbers, duplicates, missing fields) to
/// the reader, which alone decides failures. A scan that gave up too often would still parse (through the reader) but
/// at the reader's cost, so these tests call the scan and its number steps directly.
/// </summary>
public class TickParserFlatScanTests
{
    static readonly SymbolTable Symbols = new(["EURUSD", "USDJPY"]);
    static readonly TickParser Parser = new(Symbols, TickFormat.Json);
    static readonly string[] Whitespace = ["", " ", "\t", "\n", "\r", "\r\n", " \t "];
    static readonly string[] Prices =
    [
        "1.08515", "150.125", "0.5", "0", "-0", "-1.25", "9", "19.99", "1", "7", "100", "0.000000000000000001",
        "9007199254740992", "9007199254740993", "123456789.123456789", "12345678901234567890", "1e5", "1E5", "1e+5",
        "1.5e-3", "-2.5E+300", "0e0", "9.99", "1.0000000000000000000001",
    ];
    static readonly string[] Times = ["1", "1763765512123", "999999999999999999", "9223372036854775807", "90"];
    static readonly string[] Seqs = ["0", "42", "9", "9223372036854775807", "10"];
    static readonly string[] ExtraStrings = ["\"mt5\"", "\"a b: {c}, [d]\"", "\"\"", "\"caf\u00e9 \u20ac\"", "\"\u007f\""];
    static readonly string[] ExtraNumbers = ["3", "-3.5", "0", "1e-7", "2E+2", "-0.0", "18446744073709551616"];

    static double Double(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    sealed record Field(string Key, string Value);

    /// <summary>A flat tick the scan must take: the fields in a random order with random whitespace between every token.</summary>
    static (string Json, Tick Expected) FlatTick(Random rnd)
    {
        int symbol = rnd.Next(2);
        string bid = Prices[rnd.Next(Prices.Length)], ask = Prices[rnd.Next(Prices.Length)], time = Times[rnd.Next(Times.Length)];
        var fields = new List<Field>
        {
            new("symbol", "\"" + Symbols.Name(symbol) + "\""), new("bid", bid), new("ask", ask), new("time", time),
        };
        long seq = 0;
        if (rnd.Next(3) > 0)
        {
            string s = Seqs[rnd.Next(Seqs.Length)];
            seq = long.Parse(s, CultureInfo.InvariantCulture);
            fields.Add(new("seq", s));
        }
        for (int n = rnd.Next(3); n > 0; n--)
            fields.Add(rnd.Next(2) == 0
                ? new("x" + n, ExtraStrings[rnd.Next(ExtraStrings.Length)])
                : new("n" + n + " k", ExtraNumbers[rnd.Next(ExtraNumbers.Length)]));
        fields = [.. fields.OrderBy(_ => rnd.Next())];
        string W() => Whitespace[rnd.Next(Whitespace.Length)];
        var sb = new StringBuilder().Append(W()).Append('{').Append(W());
        for (int f = 0; f < fields.Count; f++)
        {
            if (f > 0) sb.Append(',').Append(W());
            sb.Append('"').Append(fields[f].Key).Append('"').Append(W()).Append(':').Append(W()).Append(fields[f].Value).Append(W());
        }
        sb.Append('}').Append(W());
        var expected = new Tick
        {
            SymbolId = symbol, Bid = Double(bid), Ask = Double(ask), TimeMs = long.Parse(time, CultureInfo.InvariantCulture), Seq = seq,
        };
        return (sb.ToString(), expected);
    }

    static (bool Ok, Tick Tick) Scan(string json)
    {
        var t = default(Tick);
        bool ok = Parser.TryScanFlat(Encoding.UTF8.GetBytes(json), ref t, out int id);
        t.SymbolId = id;
        return (ok, t);
    }

    static void SameTick(Tick expected, Tick got, string json)
    {
        Assert.True(expected.SymbolId == got.SymbolId, $"symbol of {json}");
        Assert.True(BitConverter.DoubleToInt64Bits(expected.Bid) == BitConverter.DoubleToInt64Bits(got.Bid), $"bid of {json}: {got.Bid:R}");
        Assert.True(BitConverter.DoubleToInt64Bits(expected.Ask) == BitConverter.DoubleToInt64Bits(got.Ask), $"ask of {json}: {got.Ask:R}");
        Assert.True(expected.TimeMs == got.TimeMs, $"time of {json}");
        Assert.True(expected.Seq == got.Seq, $"seq of {json}");
    }

    [Fact]
    public void Every_flat_tick_is_taken_by_the_scan_with_exactly_the_readers_values()
    {
        var rnd = new Random(20261201);
        for (int n = 0; n < 20_000; n++)
        {
            var (json, expected) = FlatTick(rnd);
            var (ok, got) = Scan(json);
            Assert.True(ok, $"the scan gave up on {json}");
            SameTick(expected, got, json);
            var r = default(Tick);
            Assert.True(Parser.TryReadJson(Encoding.UTF8.GetBytes(json), ref r, out _), $"the reader refused {json}");
            SameTick(expected, r, json);
        }
    }

    [Fact]
    public void The_reader_takes_every_flat_tick_behind_an_escaped_field_with_the_same_values()
    {
        // An escape anywhere sends the tick to the reader: it must give the values the scan gives.
        var rnd = new Random(42);
        for (int n = 0; n < 5_000; n++)
        {
            var (json, expected) = FlatTick(rnd);
            json = json.Insert(json.IndexOf('{') + 1, "\"n\\u0061me\":\"\\\"q\\\"\",");
            Assert.False(Scan(json).Ok, json);
            Assert.True(Parser.TryParse(Encoding.UTF8.GetBytes(json), 0, out var t, out var reason) || reason is TickDropReason.BadPrice or TickDropReason.CrossedQuote, $"{json}: {reason}");
            var r = default(Tick);
            Assert.True(Parser.TryReadJson(Encoding.UTF8.GetBytes(json), ref r, out _), json);
            SameTick(expected, r, json);
        }
    }

    const string Valid = "{\"symbol\":\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123,\"seq\":42}";
    const string Head = "{\"symbol\":\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123";

    [Theory]
    // Escapes and control characters in keys and strings: the reader decodes them.
    [InlineData("{\"n\\u0061me\":1," + "\"symbol\":\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123}", true, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":\"a\\\"b\"}", true, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":\"a\\\\\"}", true, TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EUR\\u0055SD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.UnknownSymbol)]
    [InlineData(Head + ",\"x\":\"a\tb\"}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":\"a\u001fb\"}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\u0001\":1}", false, TickDropReason.Malformed)]
    // Values that are not a string or a number: the reader skips them.
    [InlineData(Head + ",\"x\":true}", true, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":null}", true, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":[1,2]}", true, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":{\"y\":1}}", true, TickDropReason.Malformed)]
    // Required fields of the wrong kind.
    [InlineData("{\"symbol\":1,\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":\"1.0851\",\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":\"1.0851\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"ask\":\"1\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"time\":\"1\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"seq\":\"1\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.Malformed)]
    // time and seq are integers: no fraction, no exponent, time positive, seq not negative, within a long.
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1e3}", false, TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1000.0}", false, TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":0}", false, TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":-5}", false, TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":9223372036854775808}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"seq\":4.2}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"seq\":1E1}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"seq\":-1}", false, TickDropReason.Malformed)]
    // Fields named twice.
    [InlineData(Head + ",\"symbol\":\"EURUSD\"}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"bid\":1.0851}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"ask\":1.08515}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"time\":1763765512123}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"seq\":42,\"seq\":42}", false, TickDropReason.Malformed)]
    // Missing fields and unknown symbols.
    [InlineData("{\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.MissingField)]
    [InlineData("{\"symbol\":\"EURUSD\",\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.MissingField)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.0851,\"time\":1763765512123}", false, TickDropReason.MissingField)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515}", false, TickDropReason.MissingField)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"seq\":1}", false, TickDropReason.MissingField)]
    [InlineData("{\"symbol\":\"XAUUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.UnknownSymbol)]
    [InlineData("{\"symbol\":\"EURUS\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.UnknownSymbol)]
    [InlineData("{}", false, TickDropReason.MissingField)]
    [InlineData(" { \t} ", false, TickDropReason.MissingField)]
    // Numbers that are not JSON numbers.
    [InlineData(Head + ",\"x\":01}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":1.}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":.5}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":+1}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":-}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":--1}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":1e}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":1e+}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":1.5.5}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":0x10}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",\"x\":,\"y\":1}", false, TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.0851e,\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":-,\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.Malformed)]
    // Structure: missing colon or comma, trailing comma, trailing content, not an object.
    [InlineData("{\"symbol\" \"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\" \"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.Malformed)]
    [InlineData("{\"symbol\":\"EURUSD\",\"bid\":1.0851 \"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.Malformed)]
    [InlineData(Valid + "}", false, TickDropReason.Malformed)]
    [InlineData(Head + ",}", false, TickDropReason.Malformed)]
    [InlineData("{,\"symbol\":\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.Malformed)]
    [InlineData("{symbol:\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123}", false, TickDropReason.Malformed)]
    [InlineData(Head + "} x", false, TickDropReason.Malformed)]
    [InlineData(Head + "}{}", false, TickDropReason.Malformed)]
    [InlineData("[" + Valid + "]", false, TickDropReason.Malformed)]
    [InlineData("   ", false, TickDropReason.Malformed)]
    [InlineData("\u000b" + Valid, false, TickDropReason.Malformed)]
    [InlineData(Valid + "\u000c", false, TickDropReason.Malformed)]
    public void Other_forms_are_left_to_the_reader_which_decides_them(string json, bool readerTakes, TickDropReason reason)
    {
        Assert.False(Scan(json).Ok, $"the scan took {json}");
        var r = default(Tick);
        Assert.Equal(readerTakes, Parser.TryReadJson(Encoding.UTF8.GetBytes(json), ref r, out var readerReason));
        bool ok = Parser.TryParse(Encoding.UTF8.GetBytes(json), 0, out _, out var got);
        Assert.Equal(readerTakes, ok);
        if (!readerTakes) Assert.Equal((reason, reason), (readerReason, got));
    }

    [Fact]
    public void Every_truncation_of_a_tick_is_left_to_the_reader_and_is_malformed()
    {
        string[] ticks =
        [
            Valid,
            " { \"symbol\" : \"USDJPY\" , \"bid\" : -1.5e-3 , \"ask\" : 150.125E+2 , \"time\" : 5 , \"x\" : \"a b\" } ",
        ];
        foreach (var tick in ticks)
        {
            var b = Encoding.UTF8.GetBytes(tick);
            for (int n = 1; n < b.Length - 1; n++)
            {
                var prefix = b[..n];
                var t = default(Tick);
                Assert.False(Parser.TryScanFlat(prefix, ref t, out _), Encoding.UTF8.GetString(prefix));
                bool ok = Parser.TryParse(prefix, 0, out _, out var reason);
                Assert.False(ok, Encoding.UTF8.GetString(prefix));
                Assert.True(reason == TickDropReason.Malformed, $"{Encoding.UTF8.GetString(prefix)}: {reason}");
            }
        }
    }

    [Theory]
    [InlineData("0", true, 1, true)]
    [InlineData("-0", true, 2, true)]
    [InlineData("1", true, 1, true)]
    [InlineData("9", true, 1, true)]
    [InlineData("5", true, 1, true)]
    [InlineData("1234567890", true, 10, true)]
    [InlineData("-12", true, 3, true)]
    [InlineData("12,", true, 2, true)]
    [InlineData("0.5", true, 3, false)]
    [InlineData("-1.25}", true, 5, false)]
    [InlineData("1e5", true, 3, false)]
    [InlineData("1E5 ", true, 3, false)]
    [InlineData("1e+5", true, 4, false)]
    [InlineData("1e-5", true, 4, false)]
    [InlineData("2.5E-30,", true, 7, false)]
    [InlineData("1.2.3", true, 3, false)]
    [InlineData("01", true, 1, true)]
    [InlineData("", false, 0, true)]
    [InlineData("-", false, 1, true)]
    [InlineData("1.", false, 2, false)]
    [InlineData("1.e5", false, 2, false)]
    [InlineData("1e", false, 2, false)]
    [InlineData("1e+", false, 3, false)]
    [InlineData("1E-,", false, 3, false)]
    [InlineData(".5", false, 0, true)]
    [InlineData("+1", false, 0, true)]
    [InlineData("-a", false, 1, true)]
    [InlineData("--1", false, 1, true)]
    [InlineData("true", false, 0, true)]
    [InlineData("e5", false, 0, true)]
    [InlineData("}", false, 0, true)]
    public void A_number_is_scanned_by_the_json_grammar(string text, bool ok, int end, bool integer)
    {
        var p = Encoding.ASCII.GetBytes(text);
        int i = 0;
        Assert.Equal(ok, TickParser.ScanNumber(p, ref i, out bool isInteger));
        if (ok) Assert.Equal((end, integer), (i, isInteger));
        // The same from the middle of a payload.
        var q = Encoding.ASCII.GetBytes(":" + text);
        int j = 1;
        Assert.Equal(ok, TickParser.ScanNumber(q, ref j, out bool again));
        if (ok) Assert.Equal((end + 1, integer), (j, again));
    }

    [Theory]
    [InlineData("abc\"", 0, 3)]
    [InlineData("x\"abc\"", 2, 5)]
    [InlineData("a b\"", 0, 3)]
    [InlineData("\"", 0, 0)]
    [InlineData("caf\u00e9\"", 0, 5)]
    [InlineData("\u007f\"", 0, 1)]
    [InlineData("{}:,[]\"", 0, 6)]
    [InlineData("abc", 0, -1)]
    [InlineData("", 0, -1)]
    [InlineData("a\\\"b\"", 0, -1)]
    [InlineData("a\tb\"", 0, -1)]
    [InlineData("a\nb\"", 0, -1)]
    [InlineData("\u0000\"", 0, -1)]
    [InlineData("a\u001fb\"", 0, -1)]
    public void A_plain_string_ends_at_its_quote_and_an_escape_or_control_character_gives_up(string text, int from, int end)
        => Assert.Equal(end, TickParser.PlainStringEnd(Encoding.UTF8.GetBytes(text), from));

    [Theory]
    [InlineData(" \t\n\rx", 0, 4)]
    [InlineData("x  ", 0, 0)]
    [InlineData("x  ", 1, 3)]
    [InlineData("", 0, 0)]
    [InlineData("\t\t", 0, 2)]
    [InlineData("\n\n1", 0, 2)]
    [InlineData("\r\r1", 0, 2)]
    [InlineData("  1", 0, 2)]
    [InlineData("\u000b", 0, 0)]
    [InlineData("\u000c", 0, 0)]
    [InlineData("\u00a0", 0, 0)]
    public void Json_whitespace_is_space_tab_lf_and_cr(string text, int from, int end)
        => Assert.Equal(end, TickParser.SkipWs(Encoding.UTF8.GetBytes(text), from));

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("-0.0")]
    [InlineData("1")]
    [InlineData("9")]
    [InlineData("1.08515")]
    [InlineData("-1.5")]
    [InlineData("150.125")]
    [InlineData("0.3")]
    [InlineData("99.99")]
    [InlineData("0.000000000000000001")]   // 19 digits, 18 decimals: the most the step takes
    [InlineData("0.000000000000000009")]
    [InlineData("900719925474099.2")]      // significand 2^53
    [InlineData("9007199254740992")]       // 2^53
    [InlineData("-9007199254740992")]
    [InlineData("1234567890123456")]
    public void A_price_within_the_exact_limits_takes_the_exact_step_with_the_correctly_rounded_value(string text)
    {
        Assert.True(TickParser.TryExactDouble(Encoding.ASCII.GetBytes(text), out double v), text);
        Assert.Equal(BitConverter.DoubleToInt64Bits(Double(text)), BitConverter.DoubleToInt64Bits(v));
    }

    [Theory]
    [InlineData("0.0000000000000000001")]  // 20 digits
    [InlineData("1000000000000000000.0")]  // 20 digits
    [InlineData("9007199254740993")]       // 2^53 + 1
    [InlineData("900719925474099.3")]
    [InlineData("1.0000000000000000000001")]
    [InlineData("0.0000000000000000000001")] // 22 decimals, 23 digits
    [InlineData("1e5")]
    [InlineData("1.5E-3")]
    [InlineData("-2.5e+300")]
    [InlineData("1.2.3")]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".")]
    public void A_number_beyond_the_exact_limits_is_left_to_the_reference_parser(string text)
    {
        var b = Encoding.ASCII.GetBytes(text);
        Assert.False(TickParser.TryExactDouble(b, out _), text);
        bool reference = System.Buffers.Text.Utf8Parser.TryParse(b, out double expected, out _);
        Assert.Equal(reference, TickParser.ParseJsonDouble(b, out double got));
        if (reference) Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(got));
    }

    [Fact]
    public void Prices_of_up_to_nineteen_digits_take_the_exact_step()
    {
        var rnd = new Random(19);
        var inv = CultureInfo.InvariantCulture;
        for (int n = 0; n < 50_000; n++)
        {
            int decimals = rnd.Next(0, 10);
            long whole = rnd.NextInt64(0, 1_000_000); // with 9 decimals at most 15 digits: below 2^53
            string text = decimals == 0 ? whole.ToString(inv) : whole.ToString(inv) + "." + rnd.NextInt64(0, (long)Math.Pow(10, decimals)).ToString("D" + decimals, inv);
            if (rnd.Next(2) == 0) text = "-" + text;
            Assert.True(TickParser.TryExactDouble(Encoding.ASCII.GetBytes(text), out double v), text);
            Assert.True(BitConverter.DoubleToInt64Bits(Double(text)) == BitConverter.DoubleToInt64Bits(v), text);
        }
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("7", true)]
    [InlineData("999999999999999999", true)]    // 18 digits
    [InlineData("1000000000000000000", false)]  // 19 digits
    [InlineData("-1", false)]
    [InlineData("", false)]
    public void Integers_of_one_to_eighteen_digits_without_a_sign_take_the_exact_step(string text, bool exact)
        => Assert.Equal(exact, TickParser.TakesExactInt64(Encoding.ASCII.GetBytes(text)));

    [Theory]
    [InlineData("")]
    [InlineData("1x")]
    [InlineData("1.5")]
    [InlineData("-1x")]
    [InlineData("-")]
    [InlineData("1234567890123456789x")]
    public void Anything_but_a_whole_integer_is_not_read_as_one(string text)
        => Assert.False(TickParser.ParseJsonInt64(Encoding.ASCII.GetBytes(text), out _), text);
}
