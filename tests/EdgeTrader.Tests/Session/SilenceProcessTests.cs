using System.Text.Json;
using EdgeTrader.Tests.Cli;
using EdgeTrader.Tests.Persistence;

namespace EdgeTrader.Tests.Session;

/// <summary>
/// The silence rules end to end: the AOT daemon against a bridge or gateway (sim-bridge, its own process) that is
/// silent, sends only garbage or only stale ticks. Each degrades the link in status and, with engageOnSilenceMs,
/// engages; a gateway that comes back gets its cancel_all and confirms it.
/// </summary>
[Trait("Arch", "arm64")]
public class SilenceProcessTests
{
    static string Ep() => $"tcp://127.0.0.1:{Bin.FreePort()}";

    static JsonElement Link(JsonElement s, string name) => s.GetProperty("links").GetProperty(name);

    /// <summary>The bridge's link degrades, then the breaker engages with source bridge; nothing was ever traded.</summary>
    static void BridgeSilenceEngages(string feed, string? droppedReason)
    {
        string ticks = Ep(), gw = Ep();
        using var d = new GatewayDaemon(ticks, gw, bridgeEngageOnSilenceMs: 2000);
        using var sim = new SimBridgeProcess(ticks, gw, 200, "--feed", feed);
        d.Start();
        Assert.True(Bin.WaitFor(() => Link(d.Status(), "bridge").GetProperty("state").GetString() == "degraded", TimeSpan.FromSeconds(10)), d.Log);
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("state").GetString() == "ENGAGED", TimeSpan.FromSeconds(10)), d.Log);
        var s = d.Status();
        Assert.Equal("bridge", s.GetProperty("source").GetString());
        Assert.StartsWith("bridge silent for", s.GetProperty("reason").GetString());
        Assert.Equal("degraded", Link(s, "bridge").GetProperty("state").GetString());
        Assert.Equal(0, s.GetProperty("counters").GetProperty("orders").GetInt64());
        if (droppedReason is not null)
            Assert.True(s.GetProperty("counters").GetProperty("dropped").GetProperty(droppedReason).GetInt64() > 0, $"no {droppedReason} drops: {s}");
        // The gateway is there: the engagement's cancel_all is confirmed.
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("cancelAll").GetProperty("state").GetString() == "accepted", TimeSpan.FromSeconds(10)), d.Log);
    }

    [Fact]
    public void A_silent_bridge_degrades_the_link_and_engages_the_breaker() => BridgeSilenceEngages("silent", null);

    [Fact]
    public void A_bridge_sending_only_garbage_is_silent_it_degrades_and_engages() => BridgeSilenceEngages("garbage", "MALFORMED");

    [Fact]
    public void A_bridge_sending_only_stale_ticks_is_silent_it_degrades_and_engages() => BridgeSilenceEngages("stale", "STALE");

    [Fact]
    public void A_silent_gateway_degrades_and_engages_and_when_it_returns_it_gets_the_cancel_all_and_confirms_it()
    {
        string ticks = Ep(), gw = Ep();
        using var d = new GatewayDaemon(ticks, gw, gateway: $"\"staleAfterMs\": {Bin.Scaled(500)}, \"engageOnSilenceMs\": {Bin.Scaled(2000)},");
        var silent = new SimBridgeProcess(ticks, gw, 100, "--silent-gateway");
        try
        {
            d.Start();
            Assert.True(Bin.WaitFor(() => Link(d.Status(), "gateway").GetProperty("state").GetString() == "degraded", TimeSpan.FromSeconds(10)), d.Log);
            Assert.True(Bin.WaitFor(() => d.Status().GetProperty("state").GetString() == "ENGAGED", TimeSpan.FromSeconds(10)), d.Log);
            var s = d.Status();
            Assert.Equal("gateway", s.GetProperty("source").GetString());
            Assert.Equal("sent", s.GetProperty("cancelAll").GetProperty("state").GetString()); // it left, nobody answered
            var g = silent.Stop();
            Assert.True(g.GetProperty("cancelAll").GetInt64() >= 1);
        }
        finally
        {
            silent.Dispose();
        }
        // The gateway comes back (a fresh one on the same endpoint, which knows nothing of the first cancel_all).
        using var back = new SimBridgeProcess(ticks, gw, 100);
        JsonElement ca = default;
        Assert.True(Bin.WaitFor(() => (ca = d.Status().GetProperty("cancelAll")).GetProperty("state").GetString() == "accepted", TimeSpan.FromSeconds(15)), d.Log);
        Assert.True(ca.GetProperty("tries").GetInt64() >= 2, ca.ToString());
        Assert.True(Bin.WaitFor(() => Link(d.Status(), "gateway").GetProperty("state").GetString() == "up", TimeSpan.FromSeconds(10)), d.Log);
        Assert.Equal(0, d.Stop().Exit);
        var returned = back.Stop();
        Assert.True(returned.GetProperty("cancelAll").GetInt64() >= 2); // the resend of the engagement's, and the clean stop's
        Assert.True(returned.GetProperty("cancelReports").GetInt64() >= 2);
        Assert.Equal(0, returned.GetProperty("orders").GetInt64()); // ENGAGED throughout: no order reached it
    }
}
