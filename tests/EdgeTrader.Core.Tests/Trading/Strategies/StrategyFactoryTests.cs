using EdgeTrader.Configuration;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Strategies;

namespace EdgeTrader.Tests.Trading.Strategies;

public class StrategyFactoryTests
{
    [Fact]
    public void An_unknown_strategy_kind_is_refused_not_replaced_by_the_default()
    {
        var symbols = new SymbolTable(["EURUSD"]);
        Assert.ThrowsAny<ArgumentException>(() => StrategyFactory.Create(new StrategyOptions { Kind = (StrategyKind)99 }, symbols));
    }
}
