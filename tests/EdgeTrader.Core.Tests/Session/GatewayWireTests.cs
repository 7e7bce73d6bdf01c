using System.Text;
using System.Text.Json;
using EdgeTrader.Session;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Session;

/// <summary>The order protocol's frames: what goes out reads back field by field; what comes in parses or is Unknown.</summary>
public sealed class GatewayWireTests
{
    readonly GatewayWire _wire = new(new SymbolTable(["EURUSD", "USDJPY"]), new OrderIds("pi-1", 12));

    static JsonElement Json(ReadOnlySpan<byte> frame) => JsonDocument.Parse(frame.ToArray()).RootElement.Clone();

    static GatewayMessageType TypeOf(string frame) => GatewayWire.Parse(Encoding.UTF8.GetBytes(frame)).Type;

    [Fact]
    public void An_order_frame_carries_every_field_of_the_order()
    {
        var o = new Order { Seq = 42, SymbolId = 1, Side = Side.Sell, Qty = 0.25, Price = 151.234, TickSeq = 9, TickTimeMs = 1_763_765_512_123, TimeMs = 1_763_765_512_124 };
        var j = Json(_wire.Order(in o));
        Assert.Equal("order", j.GetProperty("type").GetString());
        Assert.Equal("pi-1-12-000042", j.GetProperty("id").GetString());
        Assert.Equal("USDJPY", j.GetProperty("symbol").GetString());
        Assert.Equal("SELL", j.GetProperty("side").GetString());
        Assert.Equal(0.25, j.GetProperty("qty").GetDouble());
        Assert.Equal(151.234, j.GetProperty("price").GetDouble());
        Assert.Equal(9, j.GetProperty("tickSeq").GetInt64());
        Assert.Equal(1_763_765_512_123, j.GetProperty("tickTime").GetInt64());
        Assert.Equal(1_763_765_512_124, j.GetProperty("time").GetInt64());
    }

    [Fact]
    public void Cancel_all_heartbeat_and_open_orders_requests_read_back()
    {
        var c = Json(_wire.CancelAll("pi-1-12-ca1", "e-stop \"pressed\"", 7, 123));
        Assert.Equal(("cancel_all", "e-stop \"pressed\"", 7L, 123L), (c.GetProperty("type").GetString(), c.GetProperty("reason").GetString(), c.GetProperty("generation").GetInt64(), c.GetProperty("time").GetInt64()));
        Assert.Equal("pi-1-12-ca1", c.GetProperty("requestId").GetString());
        var h = Json(_wire.Heartbeat(456));
        Assert.Equal(("heartbeat", "pi-1", 456L), (h.GetProperty("type").GetString(), h.GetProperty("node").GetString(), h.GetProperty("time").GetInt64()));
        var r = Json(GatewayWire.OpenOrdersRequest("pi-1-12-oo1.0", "pi-1", 1000, ["a", "b"], 789));
        Assert.Equal("open_orders", r.GetProperty("type").GetString());
        Assert.Equal("pi-1-12-oo1.0", r.GetProperty("requestId").GetString());
        Assert.Equal(1000, r.GetProperty("since").GetInt64());
        Assert.Equal(["a", "b"], r.GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        Assert.False(Json(GatewayWire.OpenOrdersRequest("x", "pi-1", null, [], 1)).TryGetProperty("since", out _));
    }

    [Fact]
    public void A_cancel_all_report_parses_with_its_fields_and_one_that_breaks_the_shape_does_not()
    {
        Assert.Equal(GatewayMessageType.CancelAllReport, GatewayWire.Parse("{\"type\":\"cancel_all_report\",\"requestId\":\"r1\"}"u8).Type);
        var r = GatewayWire.ParseCancelAllReport("""{"type":"cancel_all_report","requestId":"pi-1-12-ca3","status":"accepted","affected":2,"ids":["a","b"],"last":false,"extra":{"x":[1]}}"""u8)!;
        Assert.Equal(("pi-1-12-ca3", true, 2L, false), (r.RequestId, r.Accepted, r.Affected, r.Last));
        Assert.Equal(["a", "b"], r.Ids);
        var rej = GatewayWire.ParseCancelAllReport("""{"type":"cancel_all_report","requestId":"x","status":"rejected","reason":"throttled"}"""u8)!;
        Assert.Equal((false, "throttled", 0L, true), (rej.Accepted, rej.Reason, rej.Affected, rej.Last));
        Assert.Equal(3, GatewayWire.ParseCancelAllReport("""{"type":"cancel_all_report","requestId":"x","status":"accepted","ids":["a","b","c"]}"""u8)!.Affected);
        foreach (var bad in new[]
                 {
                     """{"type":"cancel_all_report","status":"accepted"}""", """{"type":"cancel_all_report","requestId":7,"status":"accepted"}""",
                     """{"type":"cancel_all_report","requestId":"x","status":"maybe"}""", """{"type":"cancel_all_report","requestId":"x"}""",
                     """{"type":"cancel_all_report","requestId":"x","status":"accepted","affected":1.5}""",
                     """{"type":"cancel_all_report","requestId":"x","status":"accepted","ids":"a"}""",
                     """{"type":"cancel_all_report","requestId":"x","status":"accepted","last":"no"}""",
                     """{"type":"open_orders","requestId":"x","status":"accepted"}""", """{"type":"cancel_all_report","requestId":"x","status":"accepted"} {}""",
                 })
            Assert.Null(GatewayWire.ParseCancelAllReport(System.Text.Encoding.UTF8.GetBytes(bad)));
    }

    [Fact]
    public void The_frame_buffer_is_reused_and_each_frame_stands_alone()
    {
        var big = Json(_wire.CancelAll("r", new string('x', 2000), 1, 1));
        var small = _wire.Heartbeat(2).ToArray();
        Assert.Equal(2000, big.GetProperty("reason").GetString()!.Length);
        Assert.Equal("heartbeat", Json(small).GetProperty("type").GetString());
    }

    [Fact]
    public void Ack_fill_reject_and_heartbeat_parse_with_their_fields()
    {
        var a = GatewayWire.Parse("{\"type\":\"ack\",\"id\":\"pi-1-12-000001\",\"extra\":{\"nested\":[1,2]}}"u8);
        Assert.Equal(GatewayMessageType.Ack, a.Type);
        Assert.Equal("pi-1-12-000001", Encoding.UTF8.GetString(a.Id));
        var f = GatewayWire.Parse("{\"id\":\"pi-1-12-000002\",\"qty\":0.01,\"price\":1.0851,\"type\":\"fill\"}"u8);
        Assert.Equal((GatewayMessageType.Fill, 0.01, 1.0851), (f.Type, f.Qty, f.Price));
        var r = GatewayWire.Parse("{\"type\":\"reject\",\"id\":\"pi-1-12-000003\",\"reason\":\"no liquidity\"}"u8);
        Assert.Equal((GatewayMessageType.Reject, "no liquidity"), (r.Type, r.Reason));
        Assert.Null(GatewayWire.Parse("{\"type\":\"reject\",\"id\":\"x\",\"reason\":{\"code\":1}}"u8).Reason);
        Assert.Equal(200, GatewayWire.Parse(Encoding.UTF8.GetBytes($"{{\"type\":\"reject\",\"id\":\"x\",\"reason\":\"{new string('r', 5000)}\"}}")).Reason!.Length);
        Assert.Equal(GatewayMessageType.Heartbeat, TypeOf("{\"type\":\"heartbeat\"}"));
        Assert.Equal(GatewayMessageType.OpenOrders, TypeOf("{\"type\":\"open_orders\",\"requestId\":\"r\"}"));
    }

    [Fact]
    public void A_fill_without_qty_or_price_parses_with_NaN_for_the_loop_to_refuse()
    {
        var f = GatewayWire.Parse("{\"type\":\"fill\",\"id\":\"x\"}"u8);
        Assert.Equal(GatewayMessageType.Fill, f.Type);
        Assert.True(double.IsNaN(f.Qty) && double.IsNaN(f.Price));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not json")]
    [InlineData("[{\"type\":\"ack\",\"id\":\"x\"}]")]
    [InlineData("\"ack\"")]
    [InlineData("{")]
    [InlineData("{\"type\":\"ack\",\"id\":\"x\"")]
    [InlineData("{\"type\":\"ack\",\"id\":\"x\"} trailing")]
    [InlineData("{\"type\":\"ack\",\"id\":\"x\"}{\"type\":\"ack\",\"id\":\"y\"}")]
    [InlineData("{\"type\":\"ack\"}")]
    [InlineData("{\"type\":\"ack\",\"id\":\"\"}")]
    [InlineData("{\"type\":\"ack\",\"id\":7}")]
    [InlineData("{\"type\":\"ack\",\"id\":\"a\\u0022b\"}")]
    [InlineData("{\"type\":\"reject\"}")]
    [InlineData("{\"type\":\"fill\",\"qty\":1,\"price\":1}")]
    [InlineData("{\"type\":\"fill\",\"id\":\"x\",\"qty\":\"1\",\"price\":1}")]
    [InlineData("{\"type\":\"fill\",\"id\":\"x\",\"qty\":1,\"price\":null}")]
    [InlineData("{\"type\":\"ACK\",\"id\":\"x\"}")]
    [InlineData("{\"type\":\"order\",\"id\":\"x\"}")]
    [InlineData("{\"type\":null,\"id\":\"x\"}")]
    [InlineData("{\"id\":\"x\"}")]
    [InlineData("{\"type\":\"ack\",\"id\":\"x\",\"deep\":[[[[[[[[[[1]]]]]]]]]]}")]
    public void Malformed_frames_parse_as_unknown(string frame)
    {
        Assert.Equal(GatewayMessageType.Unknown, TypeOf(frame));
    }

    [Fact]
    public void Binary_junk_parses_as_unknown()
    {
        var rnd = new Random(7);
        var buf = new byte[64];
        for (int i = 0; i < 2_000; i++)
        {
            rnd.NextBytes(buf);
            Assert.Equal(GatewayMessageType.Unknown, GatewayWire.Parse(buf.AsSpan(0, rnd.Next(buf.Length))).Type);
        }
    }

    [Fact]
    public void An_open_orders_answer_parses_its_orders_and_skips_those_without_id_or_state()
    {
        var into = new List<GatewayOrderReport>();
        Assert.True(GatewayWire.ParseOpenOrders("""
            {"type":"open_orders","requestId":"r1","orders":[
              {"id":"pi-1-4-000001","symbol":"EURUSD","side":"BUY","qty":0.02,"filledQty":0.01,"avgPrice":1.1,"state":"open","time":5,"x":[1]},
              {"id":"pi-1-4-000002","state":"filled"},
              {"state":"filled"},
              {"id":"pi-1-4-000003"},
              {"id":"pi-1-4-000004","state":"open","filledQty":-1}
            ],"last":false}
            """u8, out var rid, out bool last, into));
        Assert.Equal("r1", rid);
        Assert.False(last);
        Assert.Equal(["pi-1-4-000001", "pi-1-4-000002"], into.Select(r => r.Id));
        Assert.Equal(new GatewayOrderReport("pi-1-4-000001", "EURUSD", Side.Buy, 0.02, 0.01, 1.1, "open", 5), into[0]);
        Assert.Null(into[1].Side);
        into.Clear();
        Assert.True(GatewayWire.ParseOpenOrders("""{"type":"open_orders","requestId":"r2","orders":[]}"""u8, out _, out last, into));
        Assert.True(last); // absent means the last part
    }

    [Theory]
    [InlineData("{\"type\":\"open_orders\",\"orders\":[]}")]
    [InlineData("{\"type\":\"ack\",\"requestId\":\"r\",\"orders\":[]}")]
    [InlineData("{\"type\":\"open_orders\",\"requestId\":\"r\",\"orders\":{}}")]
    [InlineData("{\"type\":\"open_orders\",\"requestId\":\"r\",\"orders\":[1]}")]
    [InlineData("{\"type\":\"open_orders\",\"requestId\":7,\"orders\":[]}")]
    [InlineData("{\"type\":\"open_orders\",\"requestId\":\"r\",\"orders\":[{\"id\":\"x\",\"state\":\"open\"}")]
    [InlineData("not json")]
    public void A_malformed_open_orders_answer_is_refused(string frame)
    {
        Assert.False(GatewayWire.ParseOpenOrders(Encoding.UTF8.GetBytes(frame), out _, out _, []));
    }

    /// <summary>The flat-frame scan must agree with Utf8JsonReader on every input: same type, same fields.</summary>
    [Fact]
    public void The_fast_path_agrees_with_the_json_reader_on_valid_variants_and_mutations()
    {
        const string alphabet = "{}[]\":,.-+eE0123456789 \\\tnul\u0001\u00ff\u00c3";
        string[] shapes =
        [
            "{\"type\":\"ack\",\"id\":\"pi-1-12-000001\"}",
            "{\"type\":\"fill\",\"id\":\"pi-1-12-000002\",\"qty\":0.01,\"price\":1.0851}",
            "{ \"price\" : 2E-3 , \"qty\":1e-3, \"id\":\"x\", \"type\" : \"fill\" }",
            "{\"type\":\"reject\",\"id\":\"x\",\"reason\":\"no\"}",
            "{\"type\":\"heartbeat\",\"seq\":5,\"src\":\"gw\"}",
            "{\"type\":\"fill\",\"id\":\"x\",\"qty\":1,\"qty\":2,\"price\":-0.0}",
            "{\"type\":\"ack\",\"type\":\"fill\",\"id\":\"x\"}",
            "{\"type\":\"ack\",\"id\":\"a\\u0041\"}",
            "{\"type\":\"fill\",\"id\":\"x\",\"qty\":01,\"price\":1.}",
            "{\"type\":\"fill\",\"id\":\"x\",\"qty\":1e999,\"price\":1}",
            "{\"type\":\"ack\",\"id\":\"x\",\"flag\":true,\"note\":null,\"x\":{\"y\":1}}",
            "{\"type\":\"ack\",\"id\":\"x\"}  ",
            "{\"type\":\"ack\",\"id\":\"x\",}",
            "{\"type\":\"open_orders\",\"requestId\":\"r\",\"orders\":[],\"last\":true}",
        ];
        var rnd = new Random(11);
        int compared = 0;
        foreach (var shape in shapes)
        {
            var bytes = Encoding.UTF8.GetBytes(shape);
            Compare(bytes);
            for (int k = 0; k < 2000; k++)
            {
                var mutated = (byte[])bytes.Clone();
                for (int e = rnd.Next(1, 3); e > 0; e--) mutated[rnd.Next(mutated.Length)] = (byte)alphabet[rnd.Next(alphabet.Length)];
                Compare(mutated);
                compared++;
            }
        }
        Assert.True(compared > 20_000);
    }

    static void Compare(byte[] frame)
    {
        var fast = GatewayWire.Parse(frame);
        var slow = GatewayWire.ParseWithReader(frame);
        string text = Encoding.UTF8.GetString(frame);
        Assert.True(fast.Type == slow.Type, $"types differ on {text}: fast {fast.Type}, reader {slow.Type}");
        if (fast.Type == GatewayMessageType.Unknown) return;
        Assert.True(fast.Id.SequenceEqual(slow.Id), $"ids differ on {text}");
        Assert.True(fast.Qty.Equals(slow.Qty) && fast.Price.Equals(slow.Price), $"numbers differ on {text}: {fast.Qty}/{fast.Price} vs {slow.Qty}/{slow.Price}");
        Assert.Equal(slow.Reason, fast.Reason);
    }
}
