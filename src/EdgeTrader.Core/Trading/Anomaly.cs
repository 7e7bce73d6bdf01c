namespace EdgeTrader.Trading;

/// <summary>
/// Anomalies the trading rules detect: stable codes, counted (<see cref="TradingCounters.AnomalyCount"/>), journaled
/// (<c>{"type":"anomaly","code":...}</c>) and, when the rule says so, the reason of an engagement ("CODE: detail").
/// docs/contract.md says what each one does.
/// </summary>
public enum AnomalyCode
{
    /// <summary>A gate, risk rule, strategy, P&amp;L or post-trade check threw: it could not be evaluated (engages).</summary>
    CheckFailed,
    /// <summary>The strategy and pre-trade checks of one tick took longer than risk.checkTimeoutMs (engages).</summary>
    CheckTimeout,
    /// <summary>The day's P&amp;L is not a finite number: the daily-loss limit cannot be evaluated (engages).</summary>
    PnlNotFinite,
    /// <summary>risk.priceBand.maxConsecutive out-of-band ticks of a symbol in a row: the band re-anchored (engages by config).</summary>
    PriceBandBroken,
    /// <summary>A fill of more than the order's remaining quantity (engages; the gateway's quantity is booked).</summary>
    Overfill,
    /// <summary>A fill on the other side than the order's (engages; booked on the gateway's side).</summary>
    FillSideMismatch,
    /// <summary>A fill at a price worse than the order's limit (engages; booked at the gateway's price).</summary>
    FillBeyondLimit,
    /// <summary>A fill at a price outside the price band or bounds (engages; booked at the order's limit at best).</summary>
    FillOutOfBand,
    /// <summary>A warm start's answer lists an order of this node that it cannot have sent (engages; not adopted).</summary>
    AdoptionRefused,
    /// <summary>The wall clock stepped back against the monotonic clock (engages by config).</summary>
    ClockStepBack,
    /// <summary>The wall clock stepped forward against the monotonic clock (counted and shown).</summary>
    ClockStepForward,
    /// <summary>The clock is not synchronised by any time source, or its state cannot be read (degraded; engages by config).</summary>
    ClockUnsynchronised,
    /// <summary>At start the wall clock is behind the journal's latest trading day: the journal's day is kept.</summary>
    ClockBehindJournal,
    /// <summary>A fill of an order of this run that is no longer tracked (ended and forgotten): it cannot be booked (engages).</summary>
    FillOfForgottenOrder,
}

/// <summary>Stable wire names of <see cref="AnomalyCode"/>.</summary>
public static class AnomalyCodes
{
    /// <summary>Number of codes (array sizing); the values run from 0 to Count - 1.</summary>
    public static readonly int Count = Enum.GetValues<AnomalyCode>().Length;

    /// <summary>The code, e.g. "OVERFILL"; throws for a value that is not one.</summary>
    public static string Code(AnomalyCode c) => c switch
    {
        AnomalyCode.CheckFailed => "CHECK_FAILED",
        AnomalyCode.CheckTimeout => "CHECK_TIMEOUT",
        AnomalyCode.PnlNotFinite => "PNL_NOT_FINITE",
        AnomalyCode.PriceBandBroken => "PRICE_BAND_BROKEN",
        AnomalyCode.Overfill => "OVERFILL",
        AnomalyCode.FillSideMismatch => "FILL_SIDE_MISMATCH",
        AnomalyCode.FillBeyondLimit => "FILL_BEYOND_LIMIT",
        AnomalyCode.FillOutOfBand => "FILL_OUT_OF_BAND",
        AnomalyCode.AdoptionRefused => "ADOPTION_REFUSED",
        AnomalyCode.ClockStepBack => "CLOCK_STEP_BACK",
        AnomalyCode.ClockStepForward => "CLOCK_STEP_FORWARD",
        AnomalyCode.ClockUnsynchronised => "CLOCK_UNSYNCHRONISED",
        AnomalyCode.ClockBehindJournal => "CLOCK_BEHIND_JOURNAL",
        AnomalyCode.FillOfForgottenOrder => "FILL_OF_FORGOTTEN_ORDER",
        _ => throw new ArgumentOutOfRangeException(nameof(c), c, "not an anomaly code"), // a cast from an unchecked number
    };
}
