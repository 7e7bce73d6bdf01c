using System.Text.Json;
using EdgeTrader.Status;

namespace EdgeTrader.Tests.Status;

public class StatusJsonTests
{
    static JsonElement Render(StatusSnapshot s, StatusJson.View v)
    {
        using var doc = JsonDocument.Parse(StatusJson.Render(s, v));
        return doc.RootElement.Clone();
    }

    [Fact]
    public void The_control_view_keeps_every_field_the_status_object_had()
    {
        var r = Render(Snapshots.Sample(), StatusJson.View.Control);
        foreach (var top in new[] { "node", "state", "engagement", "generation", "reason", "source", "since", "counter", "latchSaved",
                     "uptimeSeconds", "dryRun", "strategy", "pid", "run", "loopAlive", "counters", "day", "positions", "recovery", "links", "journal", "panel" })
            Assert.True(r.TryGetProperty(top, out _), $"missing {top}");
        var c = r.GetProperty("counters");
        foreach (var k in new[] { "ticks", "ticksAccepted", "signals", "orders", "blockedGate1", "blockedGate2", "seqGaps", "seqGapTicks", "seqRestarts",
                     "acks", "fills", "rejects", "ackTimeouts", "unknownGatewayMessages", "sendFailures", "cancelAllSent", "inFlight", "denials", "dropped" })
            Assert.True(c.TryGetProperty(k, out _), $"missing counters.{k}");
        Assert.Equal(4, c.GetProperty("denials").GetProperty("RATE_LIMIT_EXCEEDED").GetInt64());
        Assert.False(c.GetProperty("denials").TryGetProperty("MAX_QTY_EXCEEDED", out _)); // only non-zero codes
        Assert.Equal(2, c.GetProperty("dropped").GetProperty("CROSSED_QUOTE").GetInt64());
        Assert.Equal("2026-11-23", r.GetProperty("day").GetProperty("date").GetString());
        Assert.Equal(0.02, r.GetProperty("positions").GetProperty("EURUSD").GetProperty("net").GetDouble());
        Assert.Equal(-10, r.GetProperty("positions").GetProperty("EURUSD").GetProperty("realizedToday").GetDouble());
        Assert.Equal(-2.5, r.GetProperty("positions").GetProperty("GBPUSD").GetProperty("realizedToday").GetDouble());
        Assert.Equal("warm", r.GetProperty("recovery").GetProperty("mode").GetString());
        Assert.Equal("degraded", r.GetProperty("links").GetProperty("gateway").GetProperty("state").GetString());
        Assert.Equal("2026-11-23T08:55:00.000Z", r.GetProperty("since").GetString());
        Assert.Equal("none", r.GetProperty("panel").GetProperty("driver").GetString());
        Assert.False(r.TryGetProperty("decisions", out _)); // the control socket does not read the journal's tail
    }

    [Fact]
    public void The_page_view_without_show_trading_has_no_positions_no_pnl_and_no_trade_details()
    {
        var r = Render(Snapshots.Sample(), new StatusJson.View(Trading: false, Decisions: true));
        Assert.False(r.TryGetProperty("positions", out _));
        Assert.False(r.TryGetProperty("day", out _));
        var text = JsonSerializer.Serialize(r);
        Assert.DoesNotContain("EURUSD", text);
        Assert.DoesNotContain("1.0851", text);
        Assert.DoesNotContain("-12.5", text);
        var d = r.GetProperty("decisions");
        Assert.Equal("order edge-1-7-000001", d[0].GetProperty("text").GetString());
        Assert.False(r.GetProperty("showTrading").GetBoolean());
    }

    [Fact]
    public void The_page_view_with_show_trading_has_the_book()
    {
        var r = Render(Snapshots.Sample(), new StatusJson.View(Trading: true, Decisions: true));
        Assert.Equal(-12.5, r.GetProperty("day").GetProperty("realized").GetDouble());
        Assert.Contains("EURUSD", r.GetProperty("decisions")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void The_added_fields_describe_identity_lamps_health_and_surfaces()
    {
        var r = Render(Snapshots.Sample(Snapshots.Engaged()), StatusJson.View.Control);
        Assert.Equal("edge-1 #3", r.GetProperty("identity").GetString());
        Assert.Equal("edge-1:00c0ffee00c0ffee:3", r.GetProperty("engagement").GetString());
        Assert.True(r.GetProperty("latchSaved").GetBoolean());
        Assert.Equal("on", r.GetProperty("lamps").GetProperty("red").GetString());
        Assert.Equal("off", r.GetProperty("lamps").GetProperty("green").GetString());
        Assert.Equal("on", r.GetProperty("lamps").GetProperty("amber").GetString());
        Assert.Equal(1, r.GetProperty("engagements").GetProperty("cli").GetInt64());
        Assert.Equal(2, r.GetProperty("tickToOrder").GetProperty("count").GetInt64());
        Assert.Equal(3, r.GetProperty("control").GetProperty("requests").GetProperty("status").GetInt64());
        Assert.Equal("127.0.0.1:9464", r.GetProperty("http").GetProperty("listen").GetString());
        Assert.Equal(15, r.GetProperty("system").GetProperty("watchdog").GetProperty("timeoutSeconds").GetInt32());
        Assert.Equal(2, r.GetProperty("journal").GetProperty("lag").GetInt64());
    }
}
