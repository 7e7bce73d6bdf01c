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
}
