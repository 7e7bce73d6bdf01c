using System.Text;
using EdgeTrader.Journal;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Journal;

/// <summary>
/// One journal line is read only when it is one JSON object with a string type and well-typed fields; anything else
/// is not a journal line (damage), never a guess.
/// </summary>
public sealed class JournalLineParserTests
{
    readonly JournalLineParser _parser = new();

    bool Parses(string line)
    {
        var rec = new JournalRecord();
        return _parser.TryParse(Encoding.UTF8.GetBytes(line), ref rec);
    }

    (JournalLineType Type, string Id, string Symbol, Side Side, double Qty, double Price, double Realized, long Time, long OrderTime, long Run) Read(string line)
    {
        var rec = new JournalRecord();
        Assert.True(_parser.TryParse(Encoding.UTF8.GetBytes(line), ref rec), line);
        return (rec.Type, Encoding.UTF8.GetString(rec.Id), Encoding.UTF8.GetString(rec.Symbol), rec.Side, rec.Qty, rec.Price, rec.Realized, rec.TimeMs, rec.OrderTimeMs, rec.Run);
    }

    [Fact]
    public void Every_field_the_reading_uses_is_read()
    {
        Assert.Equal((JournalLineType.Fill, "pi-1-3-000001", "EURUSD", Side.Sell, 0.5, 1.25, -7.5, 1000L, 900L, 3L),
            Read("{\"type\":\"fill\",\"id\":\"pi-1-3-000001\",\"symbol\":\"EURUSD\",\"side\":\"SELL\",\"qty\":0.5,\"price\":1.25,\"realized\":-7.5,\"time\":1000,\"orderTime\":900,\"run\":3,\"extra\":{\"a\":[1,2]}}"));
        Assert.Equal(Side.Buy, Read("{\"type\":\"fill\",\"side\":\"BUY\"}").Side);
    }

    [Fact]
    public void Escaped_strings_are_read_as_their_text()
    {
        var r = Read("{\"type\":\"f\\u0069ll\",\"id\":\"pi-1-3-00000\\u0031\",\"symbol\":\"EUR\\u0055SD\"}");
        Assert.Equal((JournalLineType.Fill, "pi-1-3-000001", "EURUSD"), (r.Type, r.Id, r.Symbol));
    }

    [Theory]
    [InlineData("order", "Order")]
    [InlineData("fill", "Fill")]
    [InlineData("ack", "Ack")]
    [InlineData("reject", "End")]
    [InlineData("given_up", "End")]
    [InlineData("unknown_at_gateway", "End")]
    [InlineData("discarded", "End")]
    [InlineData("stop", "Stop")]
    [InlineData("start", "Start")]
    [InlineData("timeout", "Other")]
    [InlineData("denial", "Other")]
    [InlineData("Order", "Other")]
    public void A_type_has_its_meaning_and_read_from_the_writers_prefix_the_same(string type, string meaningName)
    {
        var meaning = Enum.Parse<JournalLineType>(meaningName);
        string line = $"{{\"type\":\"{type}\",\"time\":1}}";
        Assert.Equal(meaning, Read(line).Type);
        Assert.Equal(meaning, JournalLineParser.PeekType(Encoding.UTF8.GetBytes(line)));
    }

    [Theory]
    [InlineData("{ \"type\":\"fill\"}")]
    [InlineData("{\"time\":1,\"type\":\"fill\"}")]
    [InlineData("{\"type\":\"fill")]
    [InlineData("")]
    public void A_prefix_that_is_not_the_writers_says_nothing(string line) =>
        Assert.Null(JournalLineParser.PeekType(Encoding.UTF8.GetBytes(line)));

    [Fact]
    public void A_reject_marked_not_sent_is_a_send_failure_and_sent_true_or_another_type_is_not()
    {
        Assert.Equal(JournalLineType.SendFailed, Read("{\"type\":\"reject\",\"id\":\"x\",\"sent\":false}").Type);
        Assert.Equal(JournalLineType.SendFailed, Read("{\"sent\":false,\"type\":\"reject\"}").Type);
        Assert.Equal(JournalLineType.End, Read("{\"type\":\"reject\",\"sent\":true}").Type);
        Assert.Equal(JournalLineType.End, Read("{\"type\":\"reject\",\"sent\":null}").Type);
        Assert.Equal(JournalLineType.Order, Read("{\"type\":\"order\",\"sent\":false}").Type);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"fill\"")]
    [InlineData("{}")]
    [InlineData("{\"id\":\"x\"}")]
    [InlineData("{\"type\":1}")]
    [InlineData("{\"type\":\"fill\"")]
    [InlineData("{\"type\":\"fill\",")]
    [InlineData("{\"type\":\"fill\"} {}")]
    [InlineData("{\"type\":\"fill\"}x")]
    [InlineData("{\"type\":\"fill\",\"id\":5}")]
    [InlineData("{\"type\":\"fill\",\"symbol\":5}")]
    [InlineData("{\"type\":\"fill\",\"side\":5}")]
    [InlineData("{\"type\":\"fill\",\"side\":\"buy\"}")]
    [InlineData("{\"type\":\"fill\",\"qty\":\"1\"}")]
    [InlineData("{\"type\":\"fill\",\"price\":\"NaN\"}")]
    [InlineData("{\"type\":\"fill\",\"realized\":true}")]
    [InlineData("{\"type\":\"fill\",\"time\":1.5}")]
    [InlineData("{\"type\":\"fill\",\"time\":\"1\"}")]
    [InlineData("{\"type\":\"fill\",\"orderTime\":1e3}")]
    [InlineData("{\"type\":\"fill\",\"orderTime\":\"1\"}")]
    [InlineData("{\"type\":\"start\",\"run\":1.5}")]
    [InlineData("{\"type\":\"start\",\"run\":\"1\"}")]
    [InlineData("{\"type\":\"fill\",\"x\":{\"a\":{\"b\":{\"c\":{}}}}}")]
    [InlineData("{\"type\":\"fill\",\"x\":}")]
    [InlineData("{\"type\":\"fill\",\"sent\":}")]
    public void A_line_that_is_not_one_well_typed_object_is_not_a_journal_line(string line) => Assert.False(Parses(line));

    [Fact]
    public void An_id_or_symbol_longer_than_any_this_journal_writes_is_not_a_journal_line()
    {
        string id = new('1', 256), longer = new('1', 257);
        Assert.Equal(id, Read($"{{\"type\":\"fill\",\"id\":\"{id}\"}}").Id);
        Assert.False(Parses($"{{\"type\":\"fill\",\"id\":\"{longer}\"}}"));
        Assert.Equal(id, Read($"{{\"type\":\"fill\",\"symbol\":\"{id}\"}}").Symbol);
        Assert.False(Parses($"{{\"type\":\"fill\",\"symbol\":\"{longer}\"}}"));
    }

    [Fact]
    public void A_writers_line_with_an_empty_type_is_peeked_as_other_without_parsing()
    {
        Assert.Equal(JournalLineType.Other, JournalLineParser.PeekType("{\"type\":\"\",not json"u8));
        Assert.Null(JournalLineParser.PeekType("{\"type\":\"fill"u8)); // no closing quote: parsed to know
    }

    [Fact]
    public void A_sent_that_is_an_array_is_not_a_journal_line()
    {
        Assert.False(Parses("{\"type\":\"reject\",\"id\":\"pi-1-3-000001\",\"sent\":[1],\"time\":1}"));
        Assert.False(Parses("{\"type\":\"reject\",\"id\":\"pi-1-3-000001\",\"sent\":[],\"time\":1}"));
        Assert.True(Parses("{\"type\":\"reject\",\"id\":\"pi-1-3-000001\",\"sent\":false,\"time\":1}"));
    }
}
