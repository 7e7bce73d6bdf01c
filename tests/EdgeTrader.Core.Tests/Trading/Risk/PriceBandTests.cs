using EdgeTrader.Configuration;
using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Trading.Risk;

/// <summary>Price sanity through the loop: bounds, the band, its bootstrap and what a genuine fast move does.</summary>
public sealed class PriceBandTests
{
    static LoopHarness Harness(int bootstrap = 3, int maxConsecutive = 5, bool engageOnBreak = true, int gapMs = 300_000) =>
        new(priceBand: new PriceBandOptions { MaxDeviationPct = 5, BootstrapTicks = bootstrap, MaxConsecutive = maxConsecutive, EngageOnBreak = engageOnBreak, GapMs = gapMs });

    [Fact]
    public void After_start_a_symbol_is_not_acted_on_until_bootstrap_ticks_agree()
    {
        var h = Harness();
        Assert.Equal(TickOutcome.Dropped, h.Tick());
        Assert.Equal(TickOutcome.Dropped, h.Tick(1.5, 1.5001)); // disagrees: the bootstrap starts again from it
        Assert.Equal(TickOutcome.Dropped, h.Tick());
        Assert.Equal(TickOutcome.Dropped, h.Tick());
        Assert.Equal(TickOutcome.OrderSent, h.Tick());           // the third agreeing tick in a row
        Assert.Equal(4, h.Loop.Counters.DroppedFor(TickDropReason.Unconfirmed));
        Assert.Single(h.Sink.Sent);
    }

    [Fact]
    public void An_out_of_band_tick_is_dropped_with_its_own_code_and_the_book_keeps_its_mark()
    {
        var h = Harness(bootstrap: 1);
        Assert.Equal(TickOutcome.OrderSent, h.Tick());
        h.Loop.OnFill(1, 0.01, 1.0851);
        double unrealized = h.Book.UnrealizedTotal;
        Assert.Equal(TickOutcome.Dropped, h.Tick(1.2, 1.2001)); // ~10 % away
        Assert.Equal(1, h.Loop.Counters.DroppedFor(TickDropReason.OutOfBand));
        Assert.Equal(unrealized, h.Book.UnrealizedTotal);
        Assert.Single(h.Sink.Sent);
        Assert.Equal(TickOutcome.OrderSent, h.Tick(1.09, 1.0901)); // within 5 %: acted on, and the band follows it
    }

    [Fact]
    public void A_quote_outside_the_absolute_bounds_is_dropped_even_before_a_reference()
    {
        var h = Harness(bootstrap: 1);
        Assert.Equal(TickOutcome.Dropped, h.Tick(5e-324, 1.0851));
        Assert.Equal(TickOutcome.Dropped, h.Tick(1e300, 1e300));
        Assert.Equal(2, h.Loop.Counters.DroppedFor(TickDropReason.OutOfBounds));
        Assert.Equal(0, h.Loop.Band.Reference(0));
    }

    [Fact]
    public void A_genuine_fast_move_breaks_the_band_engages_and_is_followed_after_a_reset()
    {
        var h = Harness(bootstrap: 2, maxConsecutive: 5);
        h.Tick();
        Assert.Equal(TickOutcome.OrderSent, h.Tick());
        for (int i = 0; i < 4; i++) Assert.Equal(TickOutcome.Dropped, h.Tick(1.2, 1.2001));
        Assert.False(h.Breaker.IsEngaged);
        Assert.Equal(TickOutcome.Dropped, h.Tick(1.2, 1.2001)); // the fifth in a row: the market moved
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Risk, h.Breaker.State.Source);
        Assert.StartsWith("PRICE_BAND_BROKEN", h.Breaker.State.Reason);
        Assert.True(h.Loop.Band.AnyBroken);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.PriceBandBroken));
        Assert.Contains(h.Log.OfType("anomaly"), r => r.Text!.StartsWith("PRICE_BAND_BROKEN"));
        Assert.True(h.Breaker.Reset("a person saw the new level", BreakerSource.Cli).Done);
        Assert.Equal(TickOutcome.OrderSent, h.Tick(1.2, 1.2001)); // the break's tick and this one agree: the new reference
        Assert.False(h.Loop.Band.AnyBroken);
        Assert.Equal(1.20005, h.Loop.Band.Reference(0), 9);
    }

    [Fact]
    public void Without_engage_on_break_a_fast_move_is_followed_without_engaging()
    {
        var h = Harness(bootstrap: 1, maxConsecutive: 3, engageOnBreak: false);
        h.Tick();
        for (int i = 0; i < 3; i++) Assert.Equal(TickOutcome.Dropped, h.Tick(1.2, 1.2001));
        Assert.False(h.Breaker.IsEngaged);
        Assert.Equal(TickOutcome.OrderSent, h.Tick(1.2, 1.2001));
    }

    [Fact]
    public void After_a_long_gap_the_band_bootstraps_again()
    {
        var h = Harness(bootstrap: 2, gapMs: 60_000);
        h.Tick();
        Assert.Equal(TickOutcome.OrderSent, h.Tick());
        h.Time.Advance(TimeSpan.FromMinutes(2)); // a weekend, in short
        Assert.Equal(TickOutcome.Dropped, h.Tick(1.2, 1.2001)); // not out of band: unconfirmed
        Assert.Equal(2, h.Loop.Counters.DroppedFor(TickDropReason.Unconfirmed));
        Assert.Equal(TickOutcome.OrderSent, h.Tick(1.2, 1.2001));
        Assert.Equal(0, h.Loop.Counters.DroppedFor(TickDropReason.OutOfBand));
    }
}
