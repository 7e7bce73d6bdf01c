using EdgeTrader.Configuration;
using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

/// <summary>
/// A fill of an order that is over (filled in full, rejected, cancelled) moved money if the gateway is right: it is
/// booked in the worst case for this node and checked against what was left of the order, so an overfill split over
/// two messages, or a fill of a rejected order, engages instead of being ignored as unknown.
/// </summary>
public class EndedOrderFillTests
{
    [Fact]
    public void An_overfill_split_over_two_fills_books_both_and_engages()
    {
        var h = new LoopHarness();
        h.Tick();
        h.Loop.OnFill(1, 0.01, 1.0851); // the whole order
        Assert.False(h.Breaker.IsEngaged);
        h.Loop.OnFill(1, 0.04, 1.0851); // and then more: if the gateway is right, that is the exposure
        Assert.Equal(0.05, h.Book.Net(0), 9);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
        Assert.Equal(0, h.Loop.Counters.Gateway.Unknown);
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, h.Breaker.State.Source);
        Assert.Equal(0, h.Loop.Counters.FilledAfterCancel);
    }

    [Fact]
    public void A_fill_of_a_rejected_order_is_booked_and_engages_as_an_overfill()
    {
        var h = new LoopHarness();
        h.Tick();
        h.Loop.OnReject(1, "no liquidity");
        Assert.Equal(0, h.Book.Pending(0, Side.Buy), 9);
        h.Loop.OnFill(1, 0.01, 1.0851);
        Assert.Equal(0.01, h.Book.Net(0), 9);
        Assert.Equal(0, h.Book.Pending(0, Side.Buy), 9);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
        Assert.True(h.Breaker.IsEngaged);
    }

    [Fact]
    public void A_forged_fill_of_a_filled_order_credits_nothing_beyond_its_limit()
    {
        var h = new LoopHarness();
        h.Tick();
        h.Loop.OnFill(1, 0.01, 1.0851); // long 0.01
        h.Tick();
        h.Loop.OnFill(2, 0.01, 1.0850); // every-tick's second order, a SELL: flat
        h.Loop.OnFill(2, 0.01, 1_000_000); // the SELL "filled" again, at 1,000,000
        Assert.InRange(h.Book.RealizedToday + h.Book.UnrealizedTotal, -100, 100);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
        Assert.True(h.Breaker.IsEngaged);
    }

    [Fact]
    public void A_fill_of_an_order_of_this_run_over_longer_ago_than_the_memory_cannot_be_booked_and_engages()
    {
        var h = new LoopHarness(new RiskOptions { MaxOrdersPerSecond = 1_000_000, MaxTradesPerDay = 1_000_000, MaxPosition = 100, MaxLossStreak = 0 });
        h.Tick();
        h.Loop.OnFill(1, 0.01, 1.0851);
        for (int i = 0; i < TradingLoop.EndedMemory; i++) // orders that end after it push it out
        {
            Assert.Equal(TickOutcome.OrderSent, h.Tick());
            h.Loop.OnReject(h.Sink.Sent[^1].Seq, "no");
        }
        Assert.False(h.Breaker.IsEngaged);
        double net = h.Book.Net(0);
        long fills = h.Loop.Counters.Gateway.Fills;
        h.Loop.OnFill(1, 0.01, 1.0851);
        Assert.Equal(0, h.Loop.Counters.Gateway.Unknown);
        Assert.Equal(0, h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.FillOfForgottenOrder));
        Assert.Equal((net, fills), (h.Book.Net(0), h.Loop.Counters.Gateway.Fills)); // not booked: nothing is known of the order any more
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, h.Breaker.State.Source);
        Assert.StartsWith("FILL_OF_FORGOTTEN_ORDER", h.Breaker.State.Reason);
        Assert.Contains(h.Log.OfType("anomaly"), r => r.Text!.StartsWith("FILL_OF_FORGOTTEN_ORDER"));

        h.Loop.OnFill(h.Loop.LastOrderSeq + 1, 0.01, 1.0851); // a seq this run never sent stays an unknown message
        Assert.Equal(1, h.Loop.Counters.Gateway.Unknown);
        h.Loop.OnFill(0, 0.01, 1.0851); // nor does seq 0: this run's seqs start at 1
        Assert.Equal(2, h.Loop.Counters.Gateway.Unknown);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.FillOfForgottenOrder));
    }

    [Fact]
    public void A_restored_order_filled_in_full_and_then_filled_again_is_an_overfill()
    {
        var h = new LoopHarness();
        h.Loop.RestoreInFlight([new PendingOrder { Id = "pi-1-4-000001", SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.0851 }], holdOrders: false);
        Assert.True(h.Loop.OnRestoredFill("pi-1-4-000001", 0.01, 1.0851));
        Assert.Equal(0, h.Loop.RestoredCount);
        Assert.True(h.Loop.OnRestoredFill("pi-1-4-000001", 0.02, 1.0851));
        Assert.Equal(0.03, h.Book.Net(0), 9);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
        Assert.True(h.Breaker.IsEngaged);
    }

    [Fact]
    public void A_fill_of_a_restored_order_the_gateway_rejected_is_an_overfill()
    {
        var h = new LoopHarness();
        h.Loop.RestoreInFlight([new PendingOrder { Id = "pi-1-4-000001", SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.0851 }], holdOrders: false);
        Assert.True(h.Loop.OnRestoredReject("pi-1-4-000001", "expired"));
        Assert.True(h.Loop.OnRestoredFill("pi-1-4-000001", 0.01, 1.0851));
        Assert.Equal(0.01, h.Book.Net(0), 9);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
        Assert.True(h.Breaker.IsEngaged);
    }

    [Fact]
    public void A_restored_order_filled_to_within_the_tolerance_is_over_and_any_more_is_an_overfill()
    {
        var h = new LoopHarness();
        h.Loop.RestoreInFlight([new PendingOrder { Id = "pi-1-4-000001", SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.0851 }], holdOrders: false);
        Assert.True(h.Loop.OnRestoredFill("pi-1-4-000001", 0.01 - 5e-10, 1.0851));
        Assert.Equal(0, h.Loop.RestoredCount);
        Assert.True(h.Loop.OnRestoredFill("pi-1-4-000001", 1.2e-9, 1.0851)); // nothing was left: more than the tolerance over
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
    }

    [Fact]
    public void Ended_restored_orders_are_remembered_up_to_the_memory_and_the_oldest_is_forgotten_first()
    {
        var h = new LoopHarness();
        Assert.False(h.Loop.RemembersEndedRestored);
        var orders = Enumerable.Range(1, TradingLoop.EndedMemory + 1)
            .Select(i => new PendingOrder { Id = $"pi-1-4-{i:D6}", SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.0851 }).ToList();
        h.Loop.RestoreInFlight(orders, holdOrders: false);
        foreach (var o in orders) Assert.True(h.Loop.OnRestoredReject(o.Id, "expired"));
        Assert.True(h.Loop.RemembersEndedRestored);
        Assert.False(h.Loop.OnRestoredFill("pi-1-4-000001", 0.01, 1.0851)); // forgotten: the caller counts it unknown
        Assert.Equal(0, h.Loop.Counters.Gateway.Fills);
        Assert.True(h.Loop.OnRestoredFill("pi-1-4-000002", 0.01, 1.0851));
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
    }

    [Fact]
    public void A_late_fill_of_a_cancelled_restored_order_on_the_other_side_leaves_the_pending_of_other_orders_alone()
    {
        var h = new LoopHarness();
        h.Loop.RestoreInFlight(
        [
            new PendingOrder { Id = "pi-1-4-000001", SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.0851 },
            new PendingOrder { Id = "pi-1-4-000002", SymbolId = 0, Side = Side.Sell, Qty = 0.01, Price = 1.0850 },
            new PendingOrder { Id = "pi-1-4-000003", SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.0851 },
        ], holdOrders: false);
        Assert.True(h.Loop.OnRestoredCancelled("pi-1-4-000001", "cancel_all"));
        Assert.Equal((0.01, 0.01), (Math.Round(h.Book.Pending(0, Side.Buy), 12), Math.Round(h.Book.Pending(0, Side.Sell), 12)));
        Assert.True(h.Loop.OnRestoredFill("pi-1-4-000001", 0.004, 1.0851, Side.Sell)); // the gateway names the other side
        Assert.Equal((0.01, 0.01), (Math.Round(h.Book.Pending(0, Side.Buy), 12), Math.Round(h.Book.Pending(0, Side.Sell), 12)));
        Assert.Equal(-0.004, h.Book.Net(0), 12);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.FillSideMismatch));
        Assert.Equal(1, h.Loop.Counters.FilledAfterCancel);
    }

    [Fact]
    public void A_restored_order_with_exactly_the_tolerance_left_after_a_fill_is_over()
    {
        var h = new LoopHarness();
        h.Loop.RestoreInFlight([new PendingOrder { Id = "pi-1-4-000001", SymbolId = 0, Side = Side.Buy, Qty = 2e-9, Price = 1.0851 }], holdOrders: false);
        Assert.True(h.Loop.OnRestoredFill("pi-1-4-000001", 1e-9, 1.0851)); // 2e-9 - 1e-9 is exactly the 1e-9 tolerance
        Assert.Equal(0, h.Loop.RestoredCount);
    }
}
