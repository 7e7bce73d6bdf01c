using EdgeTrader.Configuration;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Trading.Risk;

/// <summary>
/// The price band of one symbol, judged quote by quote: the bounds are inclusive, the band is ±maxDeviationPct of the
/// last accepted mid (its edge inside), bootstrapTicks agreeing quotes anchor it, maxConsecutive out-of-band quotes in a
/// row break it and start a bootstrap at the new level, and gapMs without an accepted quote empties it.
/// </summary>
public sealed class PriceBandRuleTests
{
    const long Freq = 1000; // timestamps in ms

    static PriceBand Band(int bootstrap = 1, int maxConsecutive = 3, double pct = 1, int gapMs = 5000) =>
        new(new PriceBandOptions { MaxDeviationPct = pct, MinPrice = 10, MaxPrice = 1000, BootstrapTicks = bootstrap, MaxConsecutive = maxConsecutive, GapMs = gapMs }, 2, Freq);

    static PriceVerdict At(PriceBand b, double mid, long ts = 1, int s = 0) => b.Check(s, mid, mid, ts);

    [Fact]
    public void The_bounds_are_inclusive_for_bid_and_ask()
    {
        var b = Band(pct: 0);
        Assert.Equal(PriceVerdict.Accepted, b.Check(0, 10, 1000, 1));
        Assert.Equal(PriceVerdict.OutOfBounds, b.Check(0, 9.99, 20, 1));
        Assert.Equal(PriceVerdict.OutOfBounds, b.Check(0, 20, 1000.01, 1));
        Assert.True(b.InBounds(10) && b.InBounds(1000));
        Assert.False(b.InBounds(9.99) || b.InBounds(1000.01));
        Assert.Equal((10.0, 1000.0, 0.0), (b.MinPrice, b.MaxPrice, b.Deviation));
    }

    [Fact]
    public void Without_a_band_every_quote_in_bounds_is_accepted_and_becomes_the_reference()
    {
        var b = Band(bootstrap: 5, pct: 0);
        Assert.Equal(PriceVerdict.Accepted, At(b, 100));
        Assert.Equal(PriceVerdict.Accepted, At(b, 500));
        Assert.Equal(500, b.Reference(0));
        Assert.True(b.Plausible(0, 10) && b.Plausible(0, 1000));
        Assert.False(b.Plausible(0, 1001));
    }

    [Fact]
    public void The_band_edge_is_inside_and_just_past_it_is_out_of_band()
    {
        var b = Band();
        Assert.Equal(PriceVerdict.Accepted, At(b, 100));
        Assert.Equal(0.01, b.Deviation, 12);
        Assert.Equal(PriceVerdict.Accepted, At(b, 101)); // 1 % of 100
        Assert.Equal(101, b.Reference(0));
        Assert.Equal(PriceVerdict.OutOfBand, At(b, 102.02)); // 1.0099 % of 101
        Assert.Equal(PriceVerdict.Accepted, At(b, 100)); // within 1 % of 101
        Assert.True(b.Plausible(0, 101) && b.Plausible(0, 99));
        Assert.False(b.Plausible(0, 101.01));
        Assert.False(b.Plausible(0, 98.99));
        Assert.False(b.Plausible(1, 5)); // out of bounds even without a reference
        Assert.True(b.Plausible(1, 900)); // no reference: the bounds only
    }

    [Fact]
    public void A_symbol_is_unconfirmed_until_bootstrap_ticks_agree_with_the_first_and_a_disagreeing_one_starts_over()
    {
        var b = Band(bootstrap: 3);
        Assert.Equal(PriceVerdict.Unconfirmed, At(b, 100));
        Assert.Equal(PriceVerdict.Unconfirmed, At(b, 101)); // agrees: at the edge of the first's band
        Assert.Equal(PriceVerdict.Unconfirmed, At(b, 110)); // disagrees: it is the first of a new bootstrap
        Assert.Equal(PriceVerdict.Unconfirmed, At(b, 109));
        Assert.Equal(0, b.Reference(0));
        Assert.Equal(PriceVerdict.Accepted, At(b, 111));
        Assert.Equal(111, b.Reference(0)); // the quote that confirmed it
        Assert.Equal(PriceVerdict.Unconfirmed, At(b, 100, s: 1)); // each symbol bootstraps on its own
    }

    [Fact]
    public void Max_consecutive_out_of_band_quotes_break_the_band_and_the_breaking_quote_starts_the_new_bootstrap()
    {
        var b = Band(bootstrap: 2, maxConsecutive: 3);
        At(b, 100);
        Assert.Equal(PriceVerdict.Accepted, At(b, 100));
        Assert.Equal(PriceVerdict.OutOfBand, At(b, 120));
        Assert.Equal(1, b.OutInRow(0));
        Assert.Equal(PriceVerdict.OutOfBand, At(b, 120));
        Assert.Equal(2, b.OutInRow(0));
        Assert.False(b.AnyBroken);
        Assert.Equal(PriceVerdict.BandBroken, At(b, 120));
        Assert.True(b.AnyBroken);
        Assert.Equal((0.0, 0), (b.Reference(0), b.OutInRow(0)));
        Assert.Equal(PriceVerdict.Accepted, At(b, 120.5)); // the second agreeing quote at the new level
        Assert.False(b.AnyBroken);
        Assert.Equal(120.5, b.Reference(0));
    }

    [Fact]
    public void An_accepted_quote_ends_a_run_of_out_of_band_ones()
    {
        var b = Band(maxConsecutive: 3);
        At(b, 100);
        At(b, 120);
        At(b, 120);
        Assert.Equal(PriceVerdict.Accepted, At(b, 100.5));
        Assert.Equal(0, b.OutInRow(0));
        Assert.Equal(PriceVerdict.OutOfBand, At(b, 120));
        Assert.Equal(PriceVerdict.OutOfBand, At(b, 120));
        Assert.Equal(PriceVerdict.BandBroken, At(b, 120));
    }

    [Fact]
    public void A_gap_longer_than_gap_ms_since_the_last_accepted_quote_empties_the_band()
    {
        var b = Band(bootstrap: 2);
        At(b, 100, ts: 0);
        Assert.Equal(PriceVerdict.Accepted, At(b, 100, ts: 1000));
        Assert.Equal(PriceVerdict.OutOfBand, At(b, 150, ts: 6000)); // exactly gapMs later: the band holds
        Assert.Equal(PriceVerdict.Unconfirmed, At(b, 150, ts: 6001)); // longer: a bootstrap again
        Assert.Equal(0, b.Reference(0));
        Assert.Equal(PriceVerdict.Accepted, At(b, 150, ts: 6002));
    }

    [Fact]
    public void The_mid_is_halfway_between_bid_and_ask()
    {
        var b = Band();
        Assert.Equal(PriceVerdict.Accepted, b.Check(0, 99, 101, 1));
        Assert.Equal(100, b.Reference(0));
    }

    [Fact]
    public void A_bootstrap_quote_at_the_edge_of_the_firsts_band_agrees_with_it()
    {
        var b = Band(bootstrap: 2);
        Assert.Equal(PriceVerdict.Unconfirmed, At(b, 100));
        Assert.Equal(PriceVerdict.Accepted, At(b, 101)); // exactly 1 % from the first
    }
}
