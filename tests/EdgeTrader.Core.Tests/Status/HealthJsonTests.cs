using System.Text.Json;
using EdgeTrader.Status;

namespace EdgeTrader.Tests.Status;

public class HealthJsonTests
{
    [Fact]
    public void Healthz_is_200_only_while_the_tick_loop_beats()
    {
        Assert.Equal(200, HealthJson.StatusCode(Snapshots.Sample(loopAlive: true)));
        Assert.Equal(503, HealthJson.StatusCode(Snapshots.Sample(loopAlive: false)));
        // An engaged breaker or a degraded link is not a dead box: still 200, with trading.ok false.
        Assert.Equal(200, HealthJson.StatusCode(Snapshots.Sample(Snapshots.Engaged())));
    }

    [Fact]
    public void The_body_splits_system_from_trading()
    {
        using var doc = JsonDocument.Parse(HealthJson.Render(Snapshots.Sample(Snapshots.Engaged())));
        var r = doc.RootElement;
        Assert.Equal("ok", r.GetProperty("status").GetString());
        var sys = r.GetProperty("system");
        Assert.False(sys.GetProperty("ok").GetBoolean()); // under-voltage has occurred
        Assert.True(sys.GetProperty("watchdog").GetProperty("armed").GetBoolean());
        Assert.Equal(15, sys.GetProperty("watchdog").GetProperty("timeoutSeconds").GetInt32());
        Assert.Equal("synchronized", sys.GetProperty("clock").GetProperty("state").GetString());
        Assert.Equal("0x10000", sys.GetProperty("power").GetProperty("throttled").GetString());
        Assert.True(sys.GetProperty("disk").GetProperty("freeBytes").GetInt64() > 0);
        var t = r.GetProperty("trading");
        Assert.False(t.GetProperty("ok").GetBoolean());
        Assert.Equal("ENGAGED", t.GetProperty("latch").GetProperty("state").GetString());
        Assert.Equal("operator: test", t.GetProperty("latch").GetProperty("reason").GetString());
        Assert.Equal("up", t.GetProperty("bridge").GetProperty("state").GetString());
        Assert.Equal("degraded", t.GetProperty("gateway").GetProperty("state").GetString());
        Assert.Equal(0.2, t.GetProperty("lastTickAgeSeconds").GetDouble());
    }

    [Fact]
    public void A_failing_body_says_why()
    {
        using var doc = JsonDocument.Parse(HealthJson.Render(Snapshots.Sample(loopAlive: false)));
        Assert.Equal("failing", doc.RootElement.GetProperty("status").GetString());
        Assert.Contains("not beaten for 4.5 s", doc.RootElement.GetProperty("why").GetString());
    }
}
