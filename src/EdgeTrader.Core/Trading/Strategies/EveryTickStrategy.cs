namespace EdgeTrader.Trading.Strategies;

/// <summary>One order per tick, BUY then SELL alternating per symbol (so the position stays bounded). For tests and benchmarks.</summary>
public sealed class EveryTickStrategy(double qty, int symbolCount) : IStrategy
{
    readonly bool[] _nextIsSell = new bool[symbolCount];

    /// <inheritdoc/>
    public string Name => "every-tick";

    /// <inheritdoc/>
    public bool OnTick(in Tick tick, out OrderIntent intent)
    {
        bool sell = _nextIsSell[tick.SymbolId];
        _nextIsSell[tick.SymbolId] = !sell;
        intent = new OrderIntent
        {
            SymbolId = tick.SymbolId,
            Side = sell ? Side.Sell : Side.Buy,
            Qty = qty,
            Price = sell ? tick.Bid : tick.Ask,
        };
        return true;
    }
}
