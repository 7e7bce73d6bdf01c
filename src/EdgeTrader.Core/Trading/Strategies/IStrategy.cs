using EdgeTrader.Configuration;

namespace EdgeTrader.Trading.Strategies;

/// <summary>
/// Turns ticks into order intents. Runs only on the tick thread and only after gate 1 passed; it cannot send
/// anything itself: every intent still meets the risk checks and gate 2.
/// </summary>
public interface IStrategy
{
    /// <summary>Stable name ("ema-cross", "every-tick").</summary>
    string Name { get; }

    /// <summary>Feeds one tick; true when it wants to trade, with the intent.</summary>
    bool OnTick(in Tick tick, out OrderIntent intent);
}

/// <summary>Builds the configured strategy.</summary>
public static class StrategyFactory
{
    /// <summary>The strategy for <paramref name="options"/>; throws for a kind that is not one.</summary>
    public static IStrategy Create(StrategyOptions options, SymbolTable symbols) => options.Kind switch
    {
        StrategyKind.EmaCross => new EmaCrossStrategy(options.Fast, options.Slow, options.Qty, symbols.Count),
        StrategyKind.EveryTick => new EveryTickStrategy(options.Qty, symbols.Count),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "strategy.kind is not a known strategy"),
    };
}
