using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

/// <summary>
/// Orders of an earlier run restored at a warm start count as in flight (their unfilled rest is pending in the
/// position limits) until a gateway message or the reconciliation settles them; each settles once.
/// </summary>
public sealed class TradingLoopRestoredOrderTests
{
    readonly LoopHarness _h = new();

    void Restore()
    {
        _h.Tick(); // order 1 of this run (BUY 0.01), and a band reference
        _h.Loop.RestoreInFlight(
        [
            new PendingOrder { Id = "pi-1-4-000001", Run = 4, Seq = 1, SymbolId = 0, Side = Side.Buy, Qty = 0.02, Price = 1.0851, FilledQty = 0.005, FilledNotional = 0.005 * 1.0851 },
            new PendingOrder { Id = "pi-1-4-000002", Run = 4, Seq = 2, SymbolId = 0, Side = Side.Sell, Qty = 0.03, Price = 1.0850 },
            new PendingOrder { Id = "gone-4-000003", Run = 4, Seq = 3, SymbolId = -1, Side = Side.Sell, Qty = 5, Price = 1.0 }, // a symbol no longer configured
        ], holdOrders: false);
    }

    [Fact]
    public void Restored_orders_count_their_unfilled_rest_as_pending_and_as_in_flight()
    {
        Restore();
        Assert.Equal(2, _h.Loop.RestoredCount);
        Assert.Equal(3, _h.Loop.InFlightCount);
        Assert.Equal(0.01 + 0.015, _h.Book.Pending(0, Side.Buy), 12);
        Assert.Equal(0.03, _h.Book.Pending(0, Side.Sell), 12);
        Assert.Equal(2, _h.Loop.Recovery.RestoredInFlightCount);
        Assert.False(_h.Loop.HoldingOrders);
    }

    [Fact]
    public void An_ack_of_a_restored_order_is_counted_and_journaled_by_its_id()
    {
        Restore();
        Assert.True(_h.Loop.OnRestoredAck("pi-1-4-000002"));
        Assert.False(_h.Loop.OnRestoredAck("pi-1-4-000009"));
        Assert.Equal(1, _h.Loop.Counters.Gateway.Acks);
        var ack = Assert.Single(_h.Log.OfType("ack"));
        Assert.Equal("pi-1-4-000002", ack.Id);
        Assert.Equal(2, _h.Loop.RestoredCount); // an ack settles nothing
    }

    [Fact]
    public void A_reject_of_a_restored_order_gives_up_its_rest_once()
    {
        Restore();
        Assert.True(_h.Loop.OnRestoredReject("pi-1-4-000002", "expired"));
        Assert.Equal(0, _h.Book.Pending(0, Side.Sell), 12);
        Assert.Equal(1, _h.Loop.RestoredCount);
        Assert.Equal(2, _h.Loop.InFlightCount);
        Assert.Equal(1, _h.Loop.Counters.Gateway.Rejects);
        var reject = Assert.Single(_h.Log.OfType("reject"));
        Assert.Equal(("pi-1-4-000002", "expired"), (reject.Id, reject.Text));
        Assert.False(_h.Loop.OnRestoredReject("pi-1-4-000002", "again"));
        Assert.Equal(1, _h.Loop.Counters.Gateway.Rejects);
    }

    [Fact]
    public void A_restored_order_a_cancel_all_report_lists_is_given_up_once()
    {
        Restore();
        Assert.True(_h.Loop.OnRestoredCancelled("pi-1-4-000001", "cancel_all: cancelled"));
        Assert.Equal(0.01, _h.Book.Pending(0, Side.Buy), 12); // only this run's order is left
        Assert.Equal(1, _h.Loop.RestoredCount);
        Assert.Equal(1, _h.Loop.Counters.Cancelled);
        var given = Assert.Single(_h.Log.OfType("given_up"));
        Assert.Equal(("pi-1-4-000001", "cancel_all: cancelled"), (given.Id, given.Text));
        Assert.False(_h.Loop.OnRestoredCancelled("pi-1-4-000001", "again"));
        Assert.False(_h.Loop.OnRestoredCancelled("pi-1-5-000001", "not restored"));
        Assert.Equal(1, _h.Loop.Counters.Cancelled);
    }

    [Fact]
    public void Fills_of_a_restored_order_settle_it_when_its_rest_is_filled()
    {
        Restore();
        Assert.True(_h.Loop.OnRestoredFill("pi-1-4-000001", 0.01, 1.0851));
        Assert.Equal(2, _h.Loop.RestoredCount);
        Assert.Equal(0.01 + 0.005, _h.Book.Pending(0, Side.Buy), 12);
        Assert.True(_h.Loop.OnRestoredFill("pi-1-4-000001", 0.005, 1.0851));
        Assert.Equal(1, _h.Loop.RestoredCount);
        Assert.Equal(0.01, _h.Book.Pending(0, Side.Buy), 12);
        Assert.Equal(0.015, _h.Book.Net(0), 12);
        var fills = _h.Log.OfType("fill").ToList();
        Assert.All(fills, f => Assert.Equal(("pi-1-4-000001", Side.Buy, (string?)null), (f.Id, f.Side, f.Via)));
        Assert.Equal([0.01, 0.005], fills.Select(f => f.Qty));
        Assert.False(_h.Loop.OnRestoredFill("pi-1-4-000002", 0, 1.0851)); // not usable
        Assert.False(_h.Loop.OnRestoredFill("pi-1-4-000002", 0.01, double.NaN));
        Assert.False(_h.Loop.OnRestoredFill("pi-1-4-000009", 0.01, 1.0851)); // not restored
        Assert.Equal(0.015, _h.Book.Net(0), 12);
        Assert.False(_h.Breaker.IsEngaged);
        Assert.True(_h.Loop.OnRestoredFill("pi-1-4-000001", 0.001, 1.0851)); // settled: more is an overfill
        Assert.True(_h.Breaker.IsEngaged);
        Assert.Equal(1, _h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
        Assert.Equal(0.016, _h.Book.Net(0), 12);
    }

    [Fact]
    public void A_fill_of_a_restored_order_on_the_other_side_is_booked_as_the_gateway_says_and_engages()
    {
        Restore();
        Assert.True(_h.Loop.OnRestoredFill("pi-1-4-000002", 0.01, 1.0850, Side.Buy));
        Assert.True(_h.Breaker.IsEngaged);
        Assert.Equal(1, _h.Loop.Counters.AnomalyCount(AnomalyCode.FillSideMismatch));
        Assert.Equal(0.01, _h.Book.Net(0), 12); // the gateway's side: bought
        Assert.Equal(0.02, _h.Book.Pending(0, Side.Sell), 12); // the order's own side is no longer pending for that part
    }
}
