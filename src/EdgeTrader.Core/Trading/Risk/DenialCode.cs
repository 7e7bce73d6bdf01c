namespace EdgeTrader.Trading.Risk;

/// <summary>Why an order intent did not become an order. Stable codes: journaled, counted, shown in status.</summary>
public enum DenialCode
{
    /// <summary>Not denied.</summary>
    None = 0,
    /// <summary>The kill switch was ENGAGED at gate 2 (between the signal and the send).</summary>
    KillSwitchEngaged,
    /// <summary>More than risk.maxOrdersPerSecond in a one-second window.</summary>
    RateLimitExceeded,
    /// <summary>Quantity above risk.maxQty.</summary>
    MaxQtyExceeded,
    /// <summary>The position (with orders in flight) would exceed risk.maxPosition.</summary>
    PositionLimitExceeded,
    /// <summary>The tick behind the order was older than risk.maxTickAgeMs when the order was made.</summary>
    PriceStale,
    /// <summary>Outside every configured trading session.</summary>
    OutsideTradingSession,
    /// <summary>risk.maxTradesPerDay reached for the trading day.</summary>
    DailyTradeLimit,
    /// <summary>The order could not be journaled (storage failure): nothing is sent that is not in the journal.</summary>
    JournalUnavailable,
    /// <summary>
    /// A warm start is still reconciling orders of the previous run with the gateway (open_orders): no new order
    /// leaves until positions and orders in flight are known.
    /// </summary>
    ReconciliationPending,
}

/// <summary>Wire names of <see cref="DenialCode"/>.</summary>
public static class DenialCodes
{
    /// <summary>Number of codes including None (array sizing); the values run from 0 to Count - 1.</summary>
    public static readonly int Count = Enum.GetValues<DenialCode>().Length;

    /// <summary>The stable code, e.g. "RATE_LIMIT_EXCEEDED"; throws for a value that is not a code.</summary>
    public static string Code(DenialCode c) => c switch
    {
        DenialCode.None => "NONE",
        DenialCode.KillSwitchEngaged => "KILL_SWITCH_ENGAGED",
        DenialCode.RateLimitExceeded => "RATE_LIMIT_EXCEEDED",
        DenialCode.MaxQtyExceeded => "MAX_QTY_EXCEEDED",
        DenialCode.PositionLimitExceeded => "POSITION_LIMIT_EXCEEDED",
        DenialCode.PriceStale => "PRICE_STALE",
        DenialCode.OutsideTradingSession => "OUTSIDE_TRADING_SESSION",
        DenialCode.DailyTradeLimit => "DAILY_TRADE_LIMIT",
        DenialCode.JournalUnavailable => "JOURNAL_UNAVAILABLE",
        DenialCode.ReconciliationPending => "RECONCILIATION_PENDING",
        _ => throw new ArgumentOutOfRangeException(nameof(c), c, "not a denial code"),
    };
}
