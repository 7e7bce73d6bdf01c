using EdgeTrader.Trading;
using EdgeTrader.Trading.Strategies;

namespace EdgeTrader.Tests.Trading.Strategies;

/// <summary>The default strategy: BUY when the fast EMA crosses above the slow one, SELL when it crosses below.</summary>
public class EmaCrossStrategyTests
{
    const double Spread = 0.0002;
    readonly EmaCrossStrategy _s = new(fast: 3, slow: 8, qty: 0.05, symbolCount: 2);
    long _seq;

    /// <summary>Feeds one tick with this mid; the intent, when the strategy wants one.</summary>
    OrderIntent? Feed(double mid, int symbol = 0)
    {
        var t = new Tick { SymbolId = symbol, Bid = mid - Spread / 2, Ask = mid + Spread / 2, TimeMs = ++_seq, Seq = _seq };
        return _s.OnTick(t, out var intent) ? intent : null;
    }

    /// <summary>Feeds every mid; the intents in order, with the index of the tick that gave each.</summary>
    List<(int At, OrderIntent Intent)> Feed(IEnumerable<double> mids, int symbol = 0)
    {
        var got = new List<(int, OrderIntent)>();
        int i = 0;
        foreach (var m in mids)
        {
            if (Feed(m, symbol) is { } intent) got.Add((i, intent));
            i++;
        }
        return got;
    }

    static IEnumerable<double> Line(double from, double step, int count) => Enumerable.Range(1, count).Select(i => from + step * i);

    [Fact]
    public void The_fast_average_crossing_above_the_slow_one_buys_at_the_ask_and_crossing_below_sells_at_the_bid()
    {
        Assert.Empty(Feed(Line(1.2000, -0.0010, 30))); // a falling market: fast below slow from the start, no cross
        var up = Feed(Line(1.1700, +0.0010, 30));
        var buy = Assert.Single(up).Intent;
        Assert.Equal(Side.Buy, buy.Side);
        Assert.Equal(0.05, buy.Qty);
        Assert.Equal(0, buy.SymbolId);
        double crossMid = 1.1700 + 0.0010 * (Assert.Single(up).At + 1);
        Assert.Equal(crossMid + Spread / 2, buy.Price, 9); // at the ask of the tick that crossed

        var down = Feed(Line(1.2000, -0.0010, 30));
        var sell = Assert.Single(down).Intent;
        Assert.Equal(Side.Sell, sell.Side);
        Assert.Equal(1.2000 - 0.0010 * (Assert.Single(down).At + 1) - Spread / 2, sell.Price, 9); // at the bid
    }

    [Fact]
    public void A_trend_gives_one_signal_at_its_cross_not_one_per_tick()
    {
        Feed(Line(1.2000, -0.0010, 30));
        var up = Feed(Line(1.1700, +0.0010, 200));
        Assert.Single(up);
        Assert.True(up[0].At < 10, $"the cross came at tick {up[0].At} of the turn");
    }

    [Fact]
    public void Alternating_crosses_alternate_buy_and_sell()
    {
        var sides = new List<Side>();
        double mid = 1.1;
        for (int leg = 0; leg < 6; leg++)
        {
            double step = leg % 2 == 0 ? -0.001 : 0.001;
            foreach (var (_, intent) in Feed(Line(mid, step, 25))) sides.Add(intent.Side);
            mid += step * 25;
        }
        // The first leg only sets the direction; each turn after it is one cross.
        Assert.Equal([Side.Buy, Side.Sell, Side.Buy, Side.Sell, Side.Buy], sides);
    }

    [Fact]
    public void No_signal_before_slow_ticks_have_warmed_the_averages_up()
    {
        // Down, then sharply up: the averages cross at the third tick, inside the warm-up of 8.
        Assert.Null(Feed(1.10));
        Assert.Null(Feed(1.05));
        Assert.Null(Feed(1.20));
        for (int i = 0; i < 5; i++) Assert.Null(Feed(1.20 + 0.001 * i));
        // After the warm-up a cross counts: the fast average, above since the jump, crosses below on the way down.
        var down = Feed(Line(1.204, -0.003, 20));
        Assert.Equal(Side.Sell, Assert.Single(down).Intent.Side);
    }

    [Fact]
    public void A_flat_market_never_signals_and_does_not_forget_which_side_the_fast_average_was_on()
    {
        Feed(Line(1.2000, -0.0010, 30)); // fast below slow
        Assert.Empty(Feed(Enumerable.Repeat(1.1700, 3000))); // both averages settle on the price: neither above
        var up = Feed(Line(1.1700, +0.0010, 30));
        Assert.Equal(Side.Buy, Assert.Single(up).Intent.Side); // below, level, above: that is a cross
    }

    [Fact]
    public void A_market_flat_through_the_warm_up_takes_its_first_move_as_a_direction_not_as_a_cross()
    {
        Assert.Empty(Feed(Enumerable.Repeat(1.1000, 20))); // both averages exactly equal: no side yet
        Assert.Empty(Feed(Line(1.1000, +0.0010, 30)));    // the first move sets the side
        Assert.Equal(Side.Sell, Assert.Single(Feed(Line(1.1300, -0.0010, 30))).Intent.Side);
    }

    [Fact]
    public void Averages_that_meet_exactly_keep_the_side_they_came_from()
    {
        // fast = 1 (the mid itself), slow = 3 (alpha 1/2): a mid equal to the previous slow average makes both equal,
        // exactly (dyadic prices, no spread).
        var s = new EmaCrossStrategy(fast: 1, slow: 3, qty: 1, symbolCount: 1);
        bool Mid(double m, out OrderIntent i) => s.OnTick(new Tick { SymbolId = 0, Bid = m, Ask = m, TimeMs = 1, Seq = 1 }, out i);
        Assert.False(Mid(1.0, out _));    // fast 1, slow 1
        Assert.False(Mid(0.5, out _));    // fast 0.5, slow 0.75: below
        Assert.False(Mid(0.5, out _));    // slow 0.625; warmed up
        Assert.False(Mid(0.625, out _));  // fast 0.625 = slow 0.625: level
        Assert.True(Mid(1.0, out var i)); // fast 1 > slow 0.8125: below, level, above is a cross
        Assert.Equal(Side.Buy, i.Side);
    }

    [Fact]
    public void Each_symbol_has_its_own_averages()
    {
        Feed(Line(1.2000, -0.0010, 30), symbol: 0);
        Feed(Line(150.00, +0.10, 30), symbol: 1); // symbol 1 rises while symbol 0 fell: no cross for either
        var up0 = Feed(Line(1.1700, +0.0010, 30), symbol: 0);
        Assert.Equal(0, Assert.Single(up0).Intent.SymbolId);
        Assert.Equal(Side.Buy, up0[0].Intent.Side);
        var down1 = Feed(Line(153.00, -0.10, 30), symbol: 1);
        Assert.Equal(1, Assert.Single(down1).Intent.SymbolId);
        Assert.Equal(Side.Sell, down1[0].Intent.Side);
    }
}
