namespace EdgeTrader.Trading;

/// <summary>Why a tick was dropped before reaching the strategy. Stable codes: they appear in status and logs.</summary>
public enum TickDropReason
{
    /// <summary>Not parseable in the configured format (bad JSON, wrong types, binary junk).</summary>
    Malformed,
    /// <summary>A required field (symbol, bid, ask, time) is absent.</summary>
    MissingField,
    /// <summary>A price is NaN, infinite, zero or negative.</summary>
    BadPrice,
    /// <summary>Bid above ask.</summary>
    CrossedQuote,
    /// <summary>A symbol not in strategy.symbols (or empty).</summary>
    UnknownSymbol,
    /// <summary>Older than risk.maxTickAgeMs by our clock.</summary>
    Stale,
    /// <summary>An empty frame.</summary>
    EmptyFrame,
    /// <summary>A frame larger than any tick can be (rejected unread).</summary>
    OversizeFrame,
    /// <summary>Stamped more than risk.maxTickFutureMs ahead of our clock.</summary>
    FutureTick,
    /// <summary>A bid or ask outside [risk.priceBand.minPrice, maxPrice].</summary>
    OutOfBounds,
    /// <summary>A mid further than risk.priceBand.maxDeviationPct from the symbol's last accepted mid.</summary>
    OutOfBand,
    /// <summary>The symbol's band is bootstrapping (after start or a gap): not acted on until the prices agree.</summary>
    Unconfirmed,
}

/// <summary>Stable wire names of <see cref="TickDropReason"/>.</summary>
public static class TickDropReasons
{
    /// <summary>Number of reasons (array sizing); the values run from 0 to Count - 1.</summary>
    public static readonly int Count = Enum.GetValues<TickDropReason>().Length;

    /// <summary>The code, e.g. "CROSSED_QUOTE"; throws for a value that is not a reason.</summary>
    public static string Code(TickDropReason r) => r switch
    {
        TickDropReason.Malformed => "MALFORMED",
        TickDropReason.MissingField => "MISSING_FIELD",
        TickDropReason.BadPrice => "BAD_PRICE",
        TickDropReason.CrossedQuote => "CROSSED_QUOTE",
        TickDropReason.UnknownSymbol => "UNKNOWN_SYMBOL",
        TickDropReason.Stale => "STALE",
        TickDropReason.EmptyFrame => "EMPTY_FRAME",
        TickDropReason.OversizeFrame => "OVERSIZE_FRAME",
        TickDropReason.FutureTick => "FUTURE_TICK",
        TickDropReason.OutOfBounds => "OUT_OF_BOUNDS",
        TickDropReason.OutOfBand => "OUT_OF_BAND",
        TickDropReason.Unconfirmed => "UNCONFIRMED",
        _ => throw new ArgumentOutOfRangeException(nameof(r), r, "not a drop reason"), // a cast from an unchecked number
    };
}
