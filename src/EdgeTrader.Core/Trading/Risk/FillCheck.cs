namespace EdgeTrader.Trading.Risk;

/// <summary>How a fill is booked once it was checked against its order.</summary>
/// <param name="Anomaly">What was impossible about it, or null for a fill its order allows.</param>
/// <param name="Side">The side booked: the gateway's (exposure follows the gateway).</param>
/// <param name="Qty">The quantity booked: the gateway's (bounded by <see cref="FillCheck.MaxFillQty"/>).</param>
/// <param name="Price">The price booked: the worse for this node of the gateway's price (when implausible: kept within
/// the bounds and no better than the band's edge) and the order's limit, so no fill credits more than the order's limit allows; a fill better than its
/// limit is booked at the limit.</param>
public readonly record struct FillBooking(AnomalyCode? Anomaly, Side Side, double Qty, double Price);

/// <summary>
/// The one rule for a fill against its order (docs/contract.md §4): the side must be the order's, the
/// quantity at most what the order has left, and the price no worse than the order's limit and within the price bounds
/// and band. An impossible fill is still booked, in the worst case for this node: the gateway's side and quantity
/// (what the gateway holds is what the node is exposed to) at the worse of its price and the limit; the caller counts
/// it, journals it and engages (source gateway). Pure; no allocation.
/// </summary>
public static class FillCheck
{
    /// <summary>The largest quantity a single fill is booked with (keeps every price x qty product finite).</summary>
    public const double MaxFillQty = 1e9;

    const double QtyEpsilon = 1e-9;
    const double PriceTolerance = 1e-9; // relative: formatting of the same number

    /// <summary>
    /// Checks a fill of <paramref name="qty"/> at <paramref name="price"/> (finite and positive: the caller's usability
    /// rule) on <paramref name="gatewaySide"/> (null: the gateway did not say, the order's) against an order on
    /// <paramref name="orderSide"/> limited at <paramref name="limit"/> (NaN: unknown) with <paramref name="remaining"/> left.
    /// </summary>
    public static FillBooking Check(Side orderSide, double limit, double remaining, Side? gatewaySide, double qty, double price, PriceBand band, int symbolId)
    {
        var side = gatewaySide ?? orderSide;
        AnomalyCode? anomaly = null;
        if (side != orderSide) anomaly = AnomalyCode.FillSideMismatch;
        else if (qty > remaining + QtyEpsilon) anomaly = AnomalyCode.Overfill;
        bool hasLimit = limit > 0 && double.IsFinite(limit);
        bool beyondLimit = hasLimit && (side == Side.Buy ? price > limit * (1 + PriceTolerance) : price < limit * (1 - PriceTolerance));
        // A price that cannot be judged (no limit, and the band has no reference: a warm start before any tick) is not
        // credited blindly: it is out of band.
        bool implausible = (!hasLimit && !band.CanJudge(symbolId)) || !band.Plausible(symbolId, price);
        if (anomaly is null && beyondLimit) anomaly = AnomalyCode.FillBeyondLimit;
        if (anomaly is null && implausible) anomaly = AnomalyCode.FillOutOfBand;
        // Never outside the bounds when implausible; never better for this node than the limit (a fill better than
        // its limit is booked at the limit: the gateway's quantity, the order's price).
        double booked = price;
        if (implausible)
        {
            // Within the bounds, and no better for this node than the band's edge on its side.
            booked = Math.Clamp(price, band.MinPrice, band.MaxPrice);
            double r = band.FillReference(symbolId);
            if (r > 0 && band.Deviation > 0) booked = side == Side.Buy ? Math.Max(booked, r * (1 - band.Deviation)) : Math.Min(booked, r * (1 + band.Deviation));
        }
        if (hasLimit) booked = side == Side.Buy ? Math.Max(booked, limit) : Math.Min(booked, limit);
        return new FillBooking(anomaly, side, Math.Min(qty, MaxFillQty), booked);
    }
}
