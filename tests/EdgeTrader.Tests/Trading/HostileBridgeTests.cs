using System.Text.Json;
using EdgeTrader.Tests.Cli;
using EdgeTrader.Tests.Persistence;

namespace EdgeTrader.Tests.Trading;

/// <summary>
/// A bridge that publishes absurd but well-formed quotes, a lone spike, ticks from the far future and sequence numbers
/// at the edge of a long, as its own process (python3-zmq) against the live daemon: what it sends never becomes an
/// order, a price or a negative count, and a real loss still engages.
/// </summary>
[Trait("Arch", "arm64")] // also run against the arm64 binary under qemu-user (Bin, scripts/test.sh): 7 tests, 22 s there
public class HostileBridgeTests
{
    /// <summary>
    /// Three good ticks (bid 1.085, ask 1.0851): the price band's bootstrap (risk.priceBand.bootstrapTicks 3); the third
    /// is acted on, a BUY of 0.01 at the ask, filled.
    /// </summary>
    static void Bootstrap(HostilePeer peer, LiveDaemon d)
    {
        peer.Feed(d, HostilePeer.Tick(1.085, 1.0851), HostilePeer.Tick(1.085, 1.0851), HostilePeer.Tick(1.085, 1.0851));
        d.WaitForTicks(3);
        d.WaitForFills(1);
    }

    static void AssertFiniteNumbers(JsonElement s)
    {
        var day = s.GetProperty("day");
        Assert.Equal(JsonValueKind.Number, day.GetProperty("realized").ValueKind);
        Assert.Equal(JsonValueKind.Number, day.GetProperty("unrealized").ValueKind);
        foreach (var p in s.GetProperty("positions").EnumerateObject())
            foreach (var f in p.Value.EnumerateObject())
                Assert.True(f.Value.ValueKind is JsonValueKind.Number or JsonValueKind.String, $"positions.{p.Name}.{f.Name} is {f.Value}");
    }

    [Fact]
    public void Quotes_beyond_the_price_bounds_are_dropped_out_of_bounds_and_no_order_reaches_the_gateway()
    {
        using var peer = new HostilePeer();
        using var d = HostileDaemon.Start(peer);
        Bootstrap(peer, d);
        int before = peer.OrdersReceived;
        // Finite, positive, bid <= ask: valid JSON numbers the parser accepts; 1.7e308 x qty x contract size is infinite.
        peer.Feed(d, HostilePeer.Tick(1.7e308, 1.7e308), HostilePeer.Tick(5e-324, 1.0851), HostilePeer.Tick(5e-324, 1.7e308));
        d.WaitForTicks(6);
        Assert.Equal(3, d.Coded("dropped", "OUT_OF_BOUNDS"));
        Assert.Equal(before, peer.OrdersReceived);
        var s = d.Status(); // still answering, and every number in it finite
        AssertFiniteNumbers(s);
        Assert.Equal(0.01, d.Net(), 9);
        Assert.Equal("SAFE", s.GetProperty("state").GetString());
        Assert.False(d.Process!.HasExited);
    }

    [Fact]
    public void A_lone_spike_while_long_is_dropped_and_a_true_loss_beyond_max_daily_loss_still_engages()
    {
        using var peer = new HostilePeer();
        using var d = HostileDaemon.Start(peer, maxDailyLoss: 30);
        Bootstrap(peer, d); // long 0.01 at 1.0851
        Assert.Equal(0.01, d.Net(), 9);
        int before = peer.OrdersReceived;
        // A spike that would mark the long at +1e303 and mask any loss.
        peer.Feed(d, HostilePeer.Tick(1e300, 1e300));
        d.WaitForTicks(4);
        Assert.Equal("SAFE", d.Status().GetProperty("state").GetString());
        // A real fall of 4.1 % (inside the band): (1.04 - 1.0851) x 0.01 x 100000 = -45 < -30.
        peer.Feed(d, HostilePeer.Tick(1.04, 1.0401));
        d.WaitForTicks(5);
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("state").GetString() == "ENGAGED", TimeSpan.FromSeconds(5)), $"a loss of 45 did not engage: {d.Status().GetProperty("day")}");
        var s = d.Status();
        Assert.Equal("risk", s.GetProperty("source").GetString());
        Assert.Contains("daily loss", s.GetProperty("reason").GetString());
        Assert.InRange(s.GetProperty("day").GetProperty("unrealized").GetDouble(), -46, -44);
        Assert.Equal(1, d.Coded("dropped", "OUT_OF_BOUNDS"));
        Assert.Equal(before, peer.OrdersReceived); // neither the spike nor the loss tick became an order
    }

    [Fact]
    public void Ticks_stamped_an_hour_a_year_or_the_end_of_time_ahead_are_dropped_future_tick_and_no_order_leaves()
    {
        using var peer = new HostilePeer();
        using var d = HostileDaemon.Start(peer);
        Bootstrap(peer, d);
        int before = peer.OrdersReceived;
        peer.Feed(d, HostilePeer.Tick(1.085, 1.0851, dtMs: 3_600_000), HostilePeer.Tick(1.085, 1.0851, dtMs: 365L * 86_400_000),
            HostilePeer.Tick(1.085, 1.0851, time: long.MaxValue));
        d.WaitForTicks(6);
        Assert.Equal(before, peer.OrdersReceived);
        Assert.Equal(3, d.Coded("dropped", "FUTURE_TICK"));
        AssertFiniteNumbers(d.Status());
        Assert.Equal("SAFE", d.Status().GetProperty("state").GetString());
    }

    [Fact]
    public void Sequence_numbers_at_the_edge_of_a_long_never_make_a_negative_gap_count()
    {
        using var peer = new HostilePeer();
        using var d = HostileDaemon.Start(peer);
        // 2^63-1 then 1 is a restart of the numbering; 1 then 2^63-1 twice is 2 x (2^63-3) missing: saturated.
        peer.Feed(d, HostilePeer.Tick(1.085, 1.0851, seq: long.MaxValue), HostilePeer.Tick(1.085, 1.0851, seq: 1),
            HostilePeer.Tick(1.085, 1.0851, seq: long.MaxValue), HostilePeer.Tick(1.085, 1.0851, seq: 1),
            HostilePeer.Tick(1.085, 1.0851, seq: long.MaxValue));
        d.WaitForTicks(5);
        var c = d.Counters();
        Assert.Equal(long.MaxValue, c.GetProperty("seqGapTicks").GetInt64());
        Assert.Equal(2, c.GetProperty("seqGaps").GetInt64());
        Assert.Equal(2, c.GetProperty("seqRestarts").GetInt64());
        Assert.Equal("SAFE", d.Status().GetProperty("state").GetString());
    }
}
