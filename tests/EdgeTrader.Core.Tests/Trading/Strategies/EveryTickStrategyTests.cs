using EdgeTrader.Configuration;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Strategies;

namespace EdgeTrader.Tests.Trading.Strategies;

/// <summary>The test and benchmark strategy: one order per tick, BUY at the ask then SELL at the bid, alternating per symbol.</summary>
public class EveryTickStrategyTests
{
    [Fact]
    public void Every_tick_gives_an_order_buying_at_the_ask_and_selling_at_the_bid_in_turn_per_symbol()
    {
        var s = new EveryTickStrategy(0.25, 2);
        Assert.Equal("every-tick", s.Name);
        var got = new List<(int, Side, double, double)>();
        foreach (int sym in new[] { 0, 0, 1, 0, 1 })
        {
            Assert.True(s.OnTick(new Tick { SymbolId = sym, Bid = 1.0 + sym, Ask = 1.5 + sym }, out var i));
            got.Add((i.SymbolId, i.Side, i.Qty, i.Price));
        }
        Assert.Equal([(0, Side.Buy, 0.25, 1.5), (0, Side.Sell, 0.25, 1.0), (1, Side.Buy, 0.25, 2.5), (0, Side.Buy, 0.25, 1.5), (1, Side.Sell, 0.25, 2.0)], got);
    }

    [Fact]
    public void The_factory_builds_the_configured_kind_with_its_quantity()
    {
        var symbols = new SymbolTable(["EURUSD", "USDJPY"]);
        var every = StrategyFactory.Create(new StrategyOptions { Kind = StrategyKind.EveryTick, Qty = 0.3 }, symbols);
        Assert.IsType<EveryTickStrategy>(every);
        Assert.True(every.OnTick(new Tick { SymbolId = 1, Bid = 1, Ask = 2 }, out var i));
        Assert.Equal(0.3, i.Qty);
        var ema = StrategyFactory.Create(new StrategyOptions { Kind = StrategyKind.EmaCross, Fast = 2, Slow = 3, Qty = 0.2 }, symbols);
        Assert.Equal("ema-cross", Assert.IsType<EmaCrossStrategy>(ema).Name);
    }
}
