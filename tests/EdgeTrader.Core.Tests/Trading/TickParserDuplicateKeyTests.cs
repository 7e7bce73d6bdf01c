using System.Text;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

/// <summary>
/// A tick that names a field twice is malformed: no guessing which one counts (a parser that takes the last and a log
/// reader that takes the first would see different prices). Both the direct scan and the reader refuse it.
/// </summary>
public class TickParserDuplicateKeyTests
{
    static readonly SymbolTable Symbols = new(["EURUSD", "USDJPY"]);

    static (bool Ok, TickDropReason Reason) Parse(string s)
    {
        bool ok = new TickParser(Symbols, TickFormat.Json).TryParse(Encoding.UTF8.GetBytes(s), 1000, out _, out var r);
        return (ok, r);
    }

    [Theory]
    [InlineData("\"symbol\":\"EURUSD\"")]
    [InlineData("\"bid\":1.0851")]
    [InlineData("\"bid\":1e308")]
    [InlineData("\"ask\":1.08515")]
    [InlineData("\"time\":1763765512123")]
    [InlineData("\"seq\":43")]
    public void A_field_named_twice_makes_the_tick_malformed(string again)
    {
        const string Tick = "{\"symbol\":\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123,\"seq\":42";
        Assert.True(Parse(Tick + "}").Ok);
        Assert.Equal((false, TickDropReason.Malformed), Parse(Tick + "," + again + "}")); // the direct scan's form
        Assert.Equal((false, TickDropReason.Malformed), Parse(Tick + ",\"n\\u0061me\":1," + again + "}")); // an escape: the reader's
    }

    [Fact]
    public void A_field_named_twice_through_an_escape_is_still_named_twice()
    {
        Assert.Equal((false, TickDropReason.Malformed),
            Parse("{\"symbol\":\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123,\"\\u0062id\":2.0}"));
    }

    [Fact]
    public void Extra_fields_named_twice_are_skipped_as_before()
    {
        Assert.True(Parse("{\"symbol\":\"EURUSD\",\"bid\":1.0851,\"ask\":1.08515,\"time\":1763765512123,\"volume\":1,\"volume\":2}").Ok);
    }
}
