using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

/// <summary>A warm start adopts only orders this node could have sent; anything else is reported and engages.</summary>
public sealed class WarmStartAdoptionTests
{
    readonly LoopHarness _h = new();
    readonly OrderIds _ids = new("pi-1", 5);

    static GatewayOrderReport Filled(string id, double qty, double price, Side side = Side.Buy) => new(id, "EURUSD", side, qty, qty, price, "filled", 1);

    ReconcileSummary Reconcile(params GatewayOrderReport[] reports)
    {
        _h.Tick(); // a band reference
        _h.Loop.RestoreInFlight([], holdOrders: true);
        return _h.Loop.Reconcile(reports, _ids, new Dictionary<long, long> { [4] = 6 }, _h.Symbols);
    }

    [Fact]
    public void An_order_of_a_run_that_never_was_is_not_adopted_and_engages()
    {
        var s = Reconcile(Filled("pi-1-0-000001", 1000, 0.000001));
        Assert.Empty(s.RecoveredIds);
        Assert.Equal(0, _h.Book.Net(0));
        Assert.True(_h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, _h.Breaker.State.Source);
    }

    [Fact]
    public void An_order_above_max_qty_is_not_adopted_and_engages()
    {
        var s = Reconcile(Filled("pi-1-4-000007", 1000, 1.0851));
        Assert.Empty(s.RecoveredIds);
        Assert.Equal(0, _h.Book.Net(0));
        Assert.True(_h.Breaker.IsEngaged);
    }

    [Fact]
    public void An_order_the_journal_lost_in_the_crash_is_still_adopted()
    {
        var s = Reconcile(Filled("pi-1-4-000007", 0.01, 1.0851));
        Assert.Equal(["pi-1-4-000007"], s.RecoveredIds);
        Assert.Equal(0.01, _h.Book.Net(0), 9);
        Assert.False(_h.Breaker.IsEngaged);
    }

    // At reconcile time the band has no reference yet (no tick): the fill is judged against the journal's last price.
    ReconcileSummary ReconcileBeforeAnyTick(double[] journalPrices, params GatewayOrderReport[] reports)
    {
        _h.Loop.SeedJournalPrices(journalPrices);
        _h.Loop.RestoreInFlight([], holdOrders: true);
        return _h.Loop.Reconcile(reports, _ids, new Dictionary<long, long> { [4] = 6 }, _h.Symbols);
    }

    [Fact]
    public void An_adopted_fill_with_no_reference_at_all_is_refused_and_engages()
    {
        var s = ReconcileBeforeAnyTick([], Filled("pi-1-4-000007", 0.01, 0.000001));
        Assert.Empty(s.RecoveredIds);
        Assert.Equal(["pi-1-4-000007"], s.RefusedIds);
        Assert.Equal(0, _h.Book.Net(0));
        Assert.Equal(1, _h.Loop.Counters.Anomalies[(int)AnomalyCode.AdoptionRefused]);
        Assert.True(_h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, _h.Breaker.State.Source);
    }

    [Fact]
    public void An_adopted_fill_far_from_the_journals_last_price_engages_and_is_booked_no_better_than_the_band()
    {
        var s = ReconcileBeforeAnyTick([1.0851], Filled("pi-1-4-000007", 0.01, 0.000001));
        Assert.Equal(["pi-1-4-000007"], s.RecoveredIds);
        Assert.Equal(0.01, _h.Book.Net(0), 9); // exposure follows the gateway
        Assert.Equal(1.0851 * 0.95, _h.Book.AvgPrice(0), 9); // the band's low edge, not 0.000001
        Assert.Equal(1, _h.Loop.Counters.Anomalies[(int)AnomalyCode.FillOutOfBand]);
        Assert.True(_h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, _h.Breaker.State.Source);
    }

    [Fact]
    public void An_adopted_fill_near_the_journals_last_price_is_booked_as_reported()
    {
        var s = ReconcileBeforeAnyTick([1.0851], Filled("pi-1-4-000007", 0.01, 1.0853));
        Assert.Equal(["pi-1-4-000007"], s.RecoveredIds);
        Assert.Equal(1.0853, _h.Book.AvgPrice(0), 9);
        Assert.False(_h.Breaker.IsEngaged);
    }

    [Fact]
    public void A_restored_orders_absurd_fill_is_judged_against_its_own_limit_and_engages()
    {
        // A journaled BUY limited at 1.0851 (its limit is the journal's price of the symbol), reported filled at 0.000001.
        _h.Loop.RestoreInFlight([new PendingOrder { Id = "pi-1-4-000006", Run = 4, Seq = 6, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.0851 }], holdOrders: true);
        _h.Loop.Reconcile([Filled("pi-1-4-000006", 0.01, 0.000001)], _ids, new Dictionary<long, long> { [4] = 6 }, _h.Symbols);
        Assert.Equal(0.01, _h.Book.Net(0), 9);
        Assert.Equal(1.0851, _h.Book.AvgPrice(0), 9); // at its limit
        Assert.Equal(1, _h.Loop.Counters.Anomalies[(int)AnomalyCode.FillOutOfBand]);
        Assert.True(_h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, _h.Breaker.State.Source);
    }
}
