using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

/// <summary>
/// An order a gateway's cancel_all report lists as cancelled is given up at once, and remembered a while: a fill that
/// crossed the cancel on its way still moved money: it is booked, and checked against what was left of the order.
/// </summary>
public sealed class TradingLoopCancelTests
{
    readonly LoopHarness _h = new();

    [Fact]
    public void A_cancelled_order_leaves_the_orders_in_flight_and_its_rest_no_longer_counts_as_pending()
    {
        _h.Tick(); // order 1: BUY 0.01
        Assert.Equal(0.01, _h.Book.Pending(0, Side.Buy), 12);
        Assert.True(_h.Loop.OnCancelled(1, "cancel_all: cancelled"));
        Assert.Equal(0, _h.Loop.InFlightCount);
        Assert.Equal(0, _h.Book.Pending(0, Side.Buy));
        Assert.Equal(1, _h.Loop.Counters.Cancelled);
        var given = Assert.Single(_h.Log.OfType("given_up"));
        Assert.Equal((1L, "cancel_all: cancelled"), (given.Seq, given.Text));
        Assert.False(_h.Loop.OnCancelled(1, "again")); // not in flight any more
        Assert.False(_h.Loop.OnCancelled(99, "never sent"));
        Assert.Equal(1, _h.Loop.Counters.Cancelled);
        Assert.Single(_h.Log.OfType("given_up"));
    }

    [Fact]
    public void A_fill_that_crossed_the_cancel_is_booked_and_one_beyond_what_was_left_is_an_overfill_that_engages()
    {
        _h.Tick(); // order 1: BUY 0.01 at 1.0851
        _h.Loop.OnFill(1, 0.004, 1.0851);
        Assert.True(_h.Loop.OnCancelled(1, "cancelled"));
        _h.Loop.OnFill(1, 0.006, 1.0851); // the gateway filled the rest before it saw the cancel
        Assert.Equal(0.01, _h.Book.Net(0), 12);
        Assert.Equal(0, _h.Book.Pending(0, Side.Buy), 12);
        Assert.Equal(1, _h.Loop.Counters.FilledAfterCancel);
        var fills = _h.Log.OfType("fill").ToList();
        Assert.Equal([0.004, 0.006], fills.Select(f => Math.Round(f.Qty, 12)));
        Assert.All(fills, f => Assert.Equal(Side.Buy, f.Side));
        Assert.False(_h.Breaker.IsEngaged);
        _h.Loop.OnFill(1, 0.001, 1.0851); // nothing was left of it
        Assert.True(_h.Breaker.IsEngaged);
        Assert.Equal(1, _h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
        Assert.Equal(0.011, _h.Book.Net(0), 12); // booked as the gateway says
        Assert.Equal(0, _h.Book.Pending(0, Side.Buy), 12);
        Assert.Equal(2, _h.Loop.Counters.FilledAfterCancel);
        Assert.Equal(0, _h.Loop.Counters.Gateway.Unknown);
    }

    [Fact]
    public void A_fill_after_the_cancel_that_is_not_usable_changes_nothing()
    {
        _h.Tick();
        Assert.True(_h.Loop.OnCancelled(1, "cancelled"));
        _h.Loop.OnFill(1, double.NaN, 1.0851);
        Assert.Equal(0, _h.Book.Net(0));
        Assert.Equal(0, _h.Loop.Counters.FilledAfterCancel);
        Assert.Equal(1, _h.Loop.Counters.Gateway.Unknown);
    }

    [Fact]
    public void A_fill_after_the_cancel_that_puts_the_day_past_its_loss_limit_engages()
    {
        var h = new LoopHarness(new EdgeTrader.Configuration.RiskOptions { MaxOrdersPerSecond = 1000, MaxPosition = 100, MaxLossStreak = 0, MaxDailyLoss = 0.01 });
        h.Tick(); // BUY 0.01 at 1.0851
        Assert.True(h.Loop.OnCancelled(1, "cancelled"));
        Assert.False(h.Breaker.IsEngaged);
        h.Loop.OnFill(1, 0.01, 1.0851); // bought at the ask, marked at the mid: -0.05 unrealised
        Assert.True(h.Breaker.IsEngaged);
    }

    [Fact]
    public void Only_the_latest_cancelled_orders_are_remembered_for_a_late_fill()
    {
        int n = TradingLoop.EndedMemory + 1;
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(TickOutcome.OrderSent, _h.Tick());
            _h.Time.Advance(TimeSpan.FromMilliseconds(2)); // within the rate limit
        }
        for (long seq = 1; seq <= n; seq++) Assert.True(_h.Loop.OnCancelled(seq, "cancelled"));
        Assert.False(_h.Breaker.IsEngaged);
        _h.Loop.OnFill(1, 0.01, 1.0851); // the oldest is forgotten: the fill cannot be booked, and it engages
        Assert.Equal(0, _h.Loop.Counters.Gateway.Unknown);
        Assert.Equal(1, _h.Loop.Counters.AnomalyCount(AnomalyCode.FillOfForgottenOrder));
        Assert.True(_h.Breaker.IsEngaged);
        Assert.Equal(0, _h.Loop.Counters.FilledAfterCancel);
        _h.Loop.OnFill(2, 0.01, 1.0850); // the next one is not
        Assert.Equal(1, _h.Loop.Counters.FilledAfterCancel);
    }
}
