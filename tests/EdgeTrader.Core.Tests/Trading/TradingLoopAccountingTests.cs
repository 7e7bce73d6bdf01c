using EdgeTrader.Configuration;
using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Trading;

/// <summary>
/// What the loop counts, journals and says about each tick and each gateway message: the counters status shows, the
/// records the journal keeps, the anomaly details an operator reads, and the post-trade check after every fill.
/// </summary>
public sealed class TradingLoopAccountingTests
{
    static RiskOptions Risk(double maxDailyLoss = 1_000, int maxTickAgeMs = 0, int maxTickFutureMs = 1_000) =>
        new() { MaxOrdersPerSecond = 1000, MaxPosition = 100, MaxLossStreak = 0, MaxDailyLoss = maxDailyLoss, MaxTickAgeMs = maxTickAgeMs, MaxTickFutureMs = maxTickFutureMs };

    [Fact]
    public void Every_payload_is_counted_in_and_an_unparsable_one_by_its_drop_reason()
    {
        var h = new LoopHarness();
        Assert.Equal(TickOutcome.OrderSent, h.Tick());
        Assert.Equal(TickOutcome.Dropped, h.Feed("not json"));
        Assert.Equal(TickOutcome.Dropped, h.Feed("{\"symbol\":\"GBPUSD\",\"bid\":1.2,\"ask\":1.3,\"time\":1,\"seq\":9}"));
        Assert.Equal(3, h.Loop.Counters.Ticks);
        Assert.Equal(2, h.Loop.Counters.DroppedTotal);
        Assert.Equal(1, h.Loop.Counters.DroppedFor(TickDropReason.Malformed));
        Assert.Equal(1, h.Loop.Counters.DroppedFor(TickDropReason.UnknownSymbol));
        Assert.Equal(1, h.Loop.Counters.SignalCount);
    }

    [Fact]
    public void A_tick_exactly_at_the_age_and_future_bounds_is_acted_on()
    {
        var h = new LoopHarness(Risk(maxTickAgeMs: 500, maxTickFutureMs: 200));
        Assert.Equal(TickOutcome.OrderSent, h.Feed(h.Json(time: h.NowMs - 500)));
        Assert.Equal(TickOutcome.OrderSent, h.Feed(h.Json(time: h.NowMs + 200)));
        Assert.Equal(TickOutcome.Dropped, h.Feed(h.Json(time: h.NowMs - 501)));
        Assert.Equal(TickOutcome.Dropped, h.Feed(h.Json(time: h.NowMs + 201)));
        Assert.Equal((1L, 1L), (h.Loop.Counters.DroppedFor(TickDropReason.Stale), h.Loop.Counters.DroppedFor(TickDropReason.FutureTick)));
        Assert.Equal(2, h.Loop.Counters.SignalCount);
    }

    [Fact]
    public void A_signal_blocked_at_gate_2_is_journaled_as_a_kill_switch_denial()
    {
        var h = new LoopHarness();
        h.Loop.BetweenGates = () => h.Breaker.Engage("between the gates", BreakerSource.Cli);
        Assert.Equal(TickOutcome.BlockedAtGate2, h.Tick());
        var d = Assert.Single(h.Log.OfType("denial"));
        Assert.Equal((DenialCode.KillSwitchEngaged, 1L, 0.01), (d.Code, d.TickSeq, d.Qty));
        Assert.Equal(1, h.Loop.Counters.SignalCount);
    }

    [Fact]
    public void An_order_the_transport_refuses_is_journaled_not_sent_with_the_reason()
    {
        var h = new LoopHarness();
        h.Sink.Refuse = true;
        Assert.Equal(TickOutcome.SendFailed, h.Tick());
        var r = Assert.Single(h.Log.OfType("reject"));
        Assert.Equal((1L, false, "send failed (transport refused the order)", -1), (r.Seq, r.Sent, r.Text, r.SymbolId));
    }

    [Fact]
    public void Every_anomaly_is_raised_to_the_session_with_its_code_and_detail()
    {
        var h = new LoopHarness();
        var seen = new List<(AnomalyCode, string)>();
        h.Loop.Anomaly += (c, d) => seen.Add((c, d));
        h.Tick();
        h.Loop.OnFill(1, 0.02, 1.0851);
        var (code, detail) = Assert.Single(seen);
        Assert.Equal(AnomalyCode.Overfill, code);
        Assert.Equal("OVERFILL: " + detail, Assert.Single(h.Log.OfType("anomaly")).Text);
    }

    [Fact]
    public void Sequence_gaps_add_up_and_saturate_instead_of_overflowing()
    {
        var h = new LoopHarness();
        h.Feed(h.Json(seq: 1));
        h.Feed(h.Json(seq: long.MaxValue));
        Assert.Equal((1L, long.MaxValue - 2), h.Loop.Counters.Gaps);
        h.Feed(h.Json(seq: 1)); // the bridge restarted its numbering
        h.Feed(h.Json(seq: long.MaxValue));
        Assert.Equal((2L, long.MaxValue), h.Loop.Counters.Gaps);
        Assert.Equal(1, h.Loop.Counters.SeqRestarts);
    }

    [Fact]
    public void Gateway_messages_for_no_order_in_flight_are_counted_unknown_and_change_nothing()
    {
        var h = new LoopHarness();
        h.Tick();
        h.Loop.OnAck(99);
        h.Loop.OnReject(99, "who?");
        Assert.Equal((0L, 0L, 2L), (h.Loop.Counters.Gateway.Acks, h.Loop.Counters.Gateway.Rejects, h.Loop.Counters.Gateway.Unknown));
        Assert.Empty(h.Log.OfType("reject"));
        Assert.Empty(h.Log.OfType("ack"));
        Assert.Equal(0.01, h.Book.Pending(0, Side.Buy), 12);
        h.Loop.OnReject(1, "no liquidity");
        var r = Assert.Single(h.Log.OfType("reject"));
        Assert.Equal((1L, "no liquidity", true, -1), (r.Seq, r.Text, r.Sent, r.SymbolId));
    }

    [Fact]
    public void A_partial_fill_releases_only_its_own_quantity_from_pending()
    {
        var h = new LoopHarness();
        h.Tick();
        h.Loop.OnFill(1, 0.004, 1.0851);
        Assert.Equal(0.006, h.Book.Pending(0, Side.Buy), 12);
        Assert.Equal(1, h.Loop.InFlightCount);
        Assert.Equal(1, h.Loop.Counters.Gateway.Fills);
    }

    [Fact]
    public void A_fill_on_the_other_side_takes_the_orders_side_off_pending()
    {
        var h = new LoopHarness();
        h.Tick(); // BUY 0.01
        h.Loop.OnFill(1, 0.01, 1.0851, Side.Sell);
        Assert.Equal(0, h.Book.Pending(0, Side.Buy), 12);
        Assert.Equal(0, h.Book.Pending(0, Side.Sell), 12);
        Assert.Equal(-0.01, h.Book.Net(0), 12);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.FillSideMismatch));
    }

    [Fact]
    public void A_fill_of_an_ended_order_leaves_the_pending_of_other_orders_alone()
    {
        var h = new LoopHarness();
        h.Tick(); // 1: BUY
        h.Tick(); // 2: SELL
        h.Tick(); // 3: BUY, in flight
        Assert.True(h.Loop.OnCancelled(1, "cancel_all"));
        Assert.Equal(0.01, h.Book.Pending(0, Side.Buy), 12);
        h.Loop.OnFill(1, 0.004, 1.0851); // crossed the cancel
        Assert.Equal(0.01, h.Book.Pending(0, Side.Buy), 12);
        Assert.Equal(1, h.Loop.Counters.FilledAfterCancel);
        Assert.False(h.Breaker.IsEngaged);
    }

    /// <summary>Runs <paramref name="ticks"/> ticks (BUY, SELL, BUY, …; ids pi-1-7-…), then the fills, and returns the anomaly details journaled.</summary>
    static List<string> Details(int ticks, Action<TradingLoop> fills)
    {
        var h = new LoopHarness();
        h.Loop.DetailIds = new OrderIds("pi-1", 7);
        for (int i = 0; i < ticks; i++) h.Tick();
        fills(h.Loop);
        return h.Log.OfType("anomaly").Select(a => a.Text!).ToList();
    }

    [Fact]
    public void An_impossible_fill_is_described_with_the_order_the_report_and_the_booking()
    {
        Assert.Equal("OVERFILL: order pi-1-7-000001 BUY EURUSD limited at 1.0851 with 0.01 left: the gateway reports BUY 0.03 at 1.0851; booked BUY 0.03 at 1.0851 (the band's reference 1.0850499999999998)", Assert.Single(
            Details(1, l => l.OnFill(1, 0.03, 1.0851, Side.Buy))));
        Assert.Equal("OVERFILL: order pi-1-7-000002 SELL EURUSD limited at 1.085 with 0.01 left: the gateway reports 0.02 at 1.085; booked SELL 0.02 at 1.085 (the band's reference 1.0850499999999998)", Assert.Single(
            Details(2, l => l.OnFill(2, 0.02, 1.085))));
        Assert.Equal("FILL_SIDE_MISMATCH: order pi-1-7-000001 BUY EURUSD limited at 1.0851 with 0.01 left: the gateway reports SELL 0.01 at 1.0851; booked SELL 0.01 at 1.0851 (the band's reference 1.0850499999999998)", Assert.Single(
            Details(1, l => l.OnFill(1, 0.01, 1.0851, Side.Sell))));
        Assert.Equal("FILL_SIDE_MISMATCH: order pi-1-7-000002 SELL EURUSD limited at 1.085 with 0.01 left: the gateway reports BUY 0.01 at 1.085; booked BUY 0.01 at 1.085 (the band's reference 1.0850499999999998)", Assert.Single(
            Details(2, l => l.OnFill(2, 0.01, 1.085, Side.Buy))));
    }

    [Fact]
    public void A_late_fill_of_an_ended_order_is_described_against_what_was_left_of_it()
    {
        var details = Details(1, l =>
        {
            Assert.True(l.OnCancelled(1, "cancel_all"));
            l.OnFill(1, 0.004, 1.0851); // crossed the cancel: 0.006 left
            l.OnFill(1, 0.01, 1.0851);
        });
        Assert.Equal("OVERFILL: order pi-1-7-000001 BUY EURUSD limited at 1.0851 with 0.006 left: the gateway reports 0.01 at 1.0851; booked BUY 0.01 at 1.0851 (the band's reference 1.0850499999999998)", Assert.Single(details));
    }

    [Fact]
    public void Without_ids_a_detail_names_the_order_by_its_seq()
    {
        var h = new LoopHarness();
        h.Tick();
        h.Loop.OnFill(1, 0.02, 1.0851);
        Assert.StartsWith("OVERFILL: order 1 BUY EURUSD", Assert.Single(h.Log.OfType("anomaly")).Text);
    }

    /// <summary>A BUY filled at the ask while the mark is the mid loses 0.05 at once (0.01 lots of 100,000).</summary>
    const double LossOfOneFill = 0.01;

    [Fact]
    public void A_fill_that_takes_the_day_past_its_loss_limit_engages_at_once()
    {
        var h = new LoopHarness(Risk(maxDailyLoss: LossOfOneFill));
        h.Tick();
        Assert.False(h.Breaker.IsEngaged);
        h.Loop.OnFill(1, 0.01, 1.0851);
        Assert.True(h.Breaker.IsEngaged);
        Assert.StartsWith("daily loss limit", h.Breaker.State.Reason);
    }

    [Fact]
    public void A_dry_run_fill_that_takes_the_day_past_its_loss_limit_engages_with_its_tick()
    {
        var h = new LoopHarness(Risk(maxDailyLoss: LossOfOneFill), dryRun: true);
        Assert.Equal(TickOutcome.OrderSent, h.Tick());
        Assert.True(h.Breaker.IsEngaged);
        Assert.StartsWith("daily loss limit", h.Breaker.State.Reason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_fill_of_a_restored_order_past_the_loss_limit_engages_at_once(bool cancelledFirst)
    {
        var h = new LoopHarness(Risk(maxDailyLoss: LossOfOneFill));
        h.Loop.RestoreInFlight([new PendingOrder { Id = "pi-1-4-000001", SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.0851 }], holdOrders: false);
        h.Tick(); // the mark (and an order of this run, not filled)
        if (cancelledFirst) Assert.True(h.Loop.OnRestoredCancelled("pi-1-4-000001", "cancel_all"));
        Assert.False(h.Breaker.IsEngaged);
        Assert.True(h.Loop.OnRestoredFill("pi-1-4-000001", 0.01, 1.0851));
        Assert.True(h.Breaker.IsEngaged);
        Assert.StartsWith("daily loss limit", h.Breaker.State.Reason);
        Assert.Equal(1, h.Loop.Counters.Gateway.Fills);
        Assert.Equal(cancelledFirst ? 1 : 0, h.Loop.Counters.FilledAfterCancel);
    }

    [Fact]
    public void A_day_whose_pnl_is_not_a_number_is_an_anomaly_raised_once()
    {
        var h = new LoopHarness();
        h.Book.Restore(h.Day.Current, 1, double.NaN, 0);
        h.Tick();
        h.Tick();
        Assert.True(h.Breaker.IsEngaged);
        Assert.StartsWith("PNL_NOT_FINITE", h.Breaker.State.Reason);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.PnlNotFinite));
        Assert.Single(h.Log.OfType("anomaly"));
    }
}
