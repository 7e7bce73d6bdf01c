using System.Text.Json.Nodes;
using EdgeTrader.Tests.Cli;
using EdgeTrader.Tests.Persistence;

namespace EdgeTrader.Tests.Trading;

/// <summary>
/// A gateway that lies, as its own process (python3-zmq ROUTER) against the live daemon: a fill at an impossible price,
/// a fill of five times the order, and a warm start's open_orders answer naming an order this node never sent.
/// </summary>
[Trait("Arch", "arm64")] // also run against the arm64 binary under qemu-user (Bin, scripts/test.sh): 7 tests, 22 s there
public class HostileGatewayTests
{
    /// <summary>The price band's bootstrap (three ticks at bid 1.085, ask 1.0851) and one more: a BUY then a SELL.</summary>
    static void TradeTwice(HostilePeer peer, LiveDaemon d)
    {
        for (int i = 0; i < 4; i++) peer.Feed(d, HostilePeer.Tick(1.085, 1.0851));
        d.WaitForTicks(4);
    }

    [Fact]
    public void A_sell_filled_far_above_its_limit_engages_and_credits_no_more_than_the_limit_allows()
    {
        using var peer = new HostilePeer();
        using var d = HostileDaemon.Start(peer);
        peer.PlanFill(side: "SELL", price: 1_000_000); // the SELL is limited at the bid, 1.085
        TradeTwice(peer, d);
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("state").GetString() == "ENGAGED", TimeSpan.FromSeconds(5)),
            $"a SELL of 0.01 filled at 1,000,000 did not engage: {d.Status().GetProperty("day")}");
        var s = d.Status();
        Assert.Equal("gateway", s.GetProperty("source").GetString());
        Assert.Equal(1, d.Coded("anomalies", "FILL_OUT_OF_BAND"));
        // Booked at the limit: (1.085 - 1.0851) x 0.01 x 100000 = -0.10, not (1,000,000 - 1.0851) x 1000 = +1e9.
        Assert.Equal(-0.10, s.GetProperty("day").GetProperty("realized").GetDouble(), 2);
        Assert.Equal(0, d.Net(), 9);
        var sell = peer.Report()["orders"]!.AsArray().Single(o => (string)o!["side"]! == "SELL")!;
        Assert.Equal(1.085, (double)sell["price"]!, 9);
    }

    [Fact]
    public void An_overfill_engages_and_the_position_follows_the_gateways_quantity()
    {
        using var peer = new HostilePeer();
        using var d = HostileDaemon.Start(peer);
        peer.PlanFill(qty: 0.05); // the first order is for 0.01
        for (int i = 0; i < 3; i++) peer.Feed(d, HostilePeer.Tick(1.085, 1.0851));
        d.WaitForTicks(3);
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("state").GetString() == "ENGAGED", TimeSpan.FromSeconds(5)),
            $"a fill of 0.05 for an order of 0.01 did not engage: {d.Status().GetProperty("positions")}");
        Assert.Equal("gateway", d.Status().GetProperty("source").GetString());
        Assert.Equal(1, d.Coded("anomalies", "OVERFILL"));
        Assert.Equal(0.05, d.Net(), 9); // what the gateway holds, for risk.maxPosition to see
        Assert.Equal(1, peer.OrdersReceived);
    }

    [Fact]
    public void An_overfill_split_over_two_fills_engages_and_the_position_follows_the_gateway()
    {
        using var peer = new HostilePeer();
        using var d = HostileDaemon.Start(peer);
        peer.PlanFill(again: 0.04); // the order of 0.01 filled in full, then 0.04 more
        for (int i = 0; i < 3; i++) peer.Feed(d, HostilePeer.Tick(1.085, 1.0851));
        d.WaitForTicks(3);
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("state").GetString() == "ENGAGED", TimeSpan.FromSeconds(5)),
            $"0.01 then 0.04 more for an order of 0.01 did not engage: {d.Status().GetProperty("positions")}");
        Assert.Equal("gateway", d.Status().GetProperty("source").GetString());
        Assert.Equal(1, d.Coded("anomalies", "OVERFILL"));
        Assert.Equal(0.05, d.Net(), 9);
    }

    [Fact]
    public void A_fill_of_an_order_the_gateway_rejected_engages_and_is_booked()
    {
        using var peer = new HostilePeer();
        using var d = HostileDaemon.Start(peer);
        peer.PlanFill(rejectFirst: true); // "rejected", and then filled all the same
        for (int i = 0; i < 3; i++) peer.Feed(d, HostilePeer.Tick(1.085, 1.0851));
        d.WaitForTicks(3);
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("state").GetString() == "ENGAGED", TimeSpan.FromSeconds(5)),
            $"a fill of a rejected order did not engage: {d.Status().GetProperty("positions")}");
        Assert.Equal(1, d.Coded("anomalies", "OVERFILL"));
        Assert.Equal(0.01, d.Net(), 9);
    }

    [Fact]
    public void An_open_orders_answer_naming_an_order_this_node_never_sent_is_refused_reported_and_engages()
    {
        using var peer = new HostilePeer();
        using var d = HostileDaemon.Start(peer, node: "n1");
        TradeTwice(peer, d);
        d.WaitForFills(peer.OrdersReceived);
        double net = d.Net();
        d.Quiesce(TimeSpan.FromSeconds(10));
        Assert.Equal("SAFE", d.Status().GetProperty("state").GetString());
        d.Kill9(); // a crash: the next live start asks the gateway what it holds

        // Run 0 has no start line in the journal and 1000 lots is beyond risk.maxQty: this node cannot have sent it.
        const string forged = "n1-0-000001";
        peer.Forge(new JsonObject
        {
            ["id"] = forged, ["symbol"] = "EURUSD", ["side"] = "BUY", ["qty"] = 1000, ["state"] = "filled",
            ["filledQty"] = 1000, ["avgPrice"] = 0.000001, ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        });
        d.Start();
        Assert.True(Bin.WaitFor(() => peer.Report()["openOrdersRequests"]!.GetValue<int>() >= 1, TimeSpan.FromSeconds(10)), "the warm start did not ask open_orders");
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("state").GetString() == "ENGAGED", TimeSpan.FromSeconds(10)),
            $"adopting an order this node never sent did not engage: {d.Status().GetProperty("recovery")}, positions {d.Status().GetProperty("positions")}");
        var s = d.Status();
        Assert.Equal("gateway", s.GetProperty("source").GetString());
        var rec = s.GetProperty("recovery");
        Assert.Equal(1, rec.GetProperty("refused").GetInt64());
        Assert.Equal([forged], rec.GetProperty("refusedIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, rec.GetProperty("recovered").GetInt64());
        Assert.Equal(1, d.Coded("anomalies", "ADOPTION_REFUSED"));
        Assert.Equal(net, d.Net(), 9); // not booked
        Assert.Contains(forged, d.Log);
    }

    [Fact]
    public void A_forged_order_that_passes_adoption_with_an_absurd_price_engages_and_is_not_booked_at_that_price()
    {
        using var peer = new HostilePeer();
        using var d = HostileDaemon.Start(peer, node: "n1");
        TradeTwice(peer, d);
        d.WaitForFills(peer.OrdersReceived);
        d.Quiesce(TimeSpan.FromSeconds(10));
        Assert.Equal("SAFE", d.Status().GetProperty("state").GetString());
        d.Kill9(); // a crash: the next live start asks the gateway what it holds

        // The previous run's next seq: an order a crash can have kept from the journal, so it passes every adoption check.
        var ids = Directory.GetFiles(d.StateDir, "journal-*.jsonl").SelectMany(File.ReadAllLines)
            .Where(l => l.Contains("\"type\":\"order\"")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).ToList();
        Assert.NotEmpty(ids);
        var parts = ids[^1].Split('-'); // n1-<run>-<seq>
        long run = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        long seq = ids.Select(id => id.Split('-')).Where(p => p[1] == parts[1]).Max(p => long.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture));
        string forged = FormattableString.Invariant($"n1-{run}-{seq + 1:D6}");
        peer.Forge(new JsonObject
        {
            ["id"] = forged, ["symbol"] = "EURUSD", ["side"] = "BUY", ["qty"] = 1, ["state"] = "filled",
            ["filledQty"] = 1, ["avgPrice"] = 0.000001, ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        });
        d.Start();
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("state").GetString() == "ENGAGED", TimeSpan.FromSeconds(10)),
            $"a fill at 0.000001 at a warm start did not engage: {d.Status().GetProperty("recovery")}, positions {d.Status().GetProperty("positions")}");
        Assert.Equal("gateway", d.Status().GetProperty("source").GetString());
        Assert.Equal(1, d.Coded("anomalies", "FILL_OUT_OF_BAND") + d.Coded("anomalies", "ADOPTION_REFUSED"));
        // Whatever was booked for it, nothing at 0.000001.
        var fills = Directory.GetFiles(d.StateDir, "journal-*.jsonl").SelectMany(File.ReadAllLines)
            .Where(l => l.Contains("\"type\":\"fill\"") && l.Contains(forged)).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("price").GetDouble()).ToList();
        Assert.All(fills, p => Assert.True(p > 1, $"{forged} booked at {p}"));
    }
}
