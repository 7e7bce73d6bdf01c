using System.Text;
using EdgeTrader.Session;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Session;

/// <summary>
/// A gateway message that names a field twice is unusable: no guessing which quantity, price, side or id counts.
/// Both the direct scan and the reader refuse it.
/// </summary>
public class GatewayWireDuplicateKeyTests
{
    static GatewayMessageType TypeOf(string frame) => GatewayWire.Parse(Encoding.UTF8.GetBytes(frame)).Type;

    [Theory]
    [InlineData("\"type\":\"ack\"")]
    [InlineData("\"type\":\"fill\"")]
    [InlineData("\"id\":\"pi-1-5-000002\"")]
    [InlineData("\"qty\":0.05")]
    [InlineData("\"price\":1000000")]
    [InlineData("\"side\":\"SELL\"")]
    public void A_fill_naming_a_field_twice_is_unusable(string again)
    {
        const string Fill = "{\"type\":\"fill\",\"id\":\"pi-1-5-000001\",\"qty\":0.01,\"price\":1.1,\"side\":\"BUY\"";
        Assert.Equal(GatewayMessageType.Fill, TypeOf(Fill + "}"));
        Assert.Equal(GatewayMessageType.Unknown, TypeOf(Fill + "," + again + "}")); // the direct scan's form
        Assert.Equal(GatewayMessageType.Unknown, TypeOf(Fill + ",\"n\\u0061me\":1," + again + "}")); // an escape: the reader's
    }

    [Fact]
    public void A_reject_naming_its_reason_twice_is_unusable()
    {
        Assert.Equal(GatewayMessageType.Reject, TypeOf("{\"type\":\"reject\",\"id\":\"a\",\"reason\":\"x\"}"));
        Assert.Equal(GatewayMessageType.Unknown, TypeOf("{\"type\":\"reject\",\"id\":\"a\",\"reason\":\"x\",\"reason\":\"y\"}"));
    }

    [Fact]
    public void Unknown_fields_named_twice_are_skipped_as_before()
    {
        Assert.Equal(GatewayMessageType.Ack, TypeOf("{\"type\":\"ack\",\"id\":\"a\",\"venue\":1,\"venue\":2}"));
    }

    [Theory]
    [InlineData("\"state\":\"cancelled\"")]
    [InlineData("\"filledQty\":0")]
    [InlineData("\"id\":\"pi-1-4-000009\"")]
    [InlineData("\"avgPrice\":1000000")]
    public void An_open_orders_answer_with_an_order_naming_a_field_twice_is_unusable_as_a_whole(string again)
    {
        const string Order = "{\"id\":\"pi-1-4-000007\",\"symbol\":\"EURUSD\",\"side\":\"BUY\",\"qty\":0.01,\"state\":\"filled\",\"filledQty\":0.01,\"avgPrice\":1.1";
        static bool Parse(string order, List<GatewayOrderReport> into) =>
            GatewayWire.ParseOpenOrders(Encoding.UTF8.GetBytes("{\"type\":\"open_orders\",\"requestId\":\"r1\",\"orders\":[" + order + "],\"last\":true}"), out _, out _, into);
        var good = new List<GatewayOrderReport>();
        Assert.True(Parse(Order + "}", good));
        Assert.Single(good);
        Assert.False(Parse(Order + "," + again + "}", [])); // an order dropped from the answer would be taken for one the gateway lost
        Assert.False(GatewayWire.ParseOpenOrders(Encoding.UTF8.GetBytes("{\"type\":\"open_orders\",\"requestId\":\"r1\",\"requestId\":\"r2\",\"orders\":[]}"), out _, out _, []));
    }

    [Theory]
    [InlineData("\"status\":\"rejected\"")]
    [InlineData("\"ids\":[]")]
    [InlineData("\"requestId\":\"pi-1-5-ca2\"")]
    [InlineData("\"last\":false")]
    public void A_cancel_all_report_naming_a_field_twice_is_unusable(string again)
    {
        const string Report = "{\"type\":\"cancel_all_report\",\"requestId\":\"pi-1-5-ca1\",\"status\":\"accepted\",\"affected\":1,\"ids\":[\"a\"],\"last\":true";
        Assert.NotNull(GatewayWire.ParseCancelAllReport(Encoding.UTF8.GetBytes(Report + "}")));
        Assert.Null(GatewayWire.ParseCancelAllReport(Encoding.UTF8.GetBytes(Report + "," + again + "}")));
    }
}
