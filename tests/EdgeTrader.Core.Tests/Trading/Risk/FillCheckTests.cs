using EdgeTrader.Configuration;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Trading.Risk;

/// <summary>
/// A fill against its order (docs/contract.md §4): the order's side, at most its rest, no worse than its limit, within
/// the bounds and band; an impossible fill is booked in the worst case for this node and named by its anomaly.
/// </summary>
public sealed class FillCheckTests
{
    /// <summary>Bounds [0.5, 2], a ±1 % band around 1.0 for symbol 0; symbol 1 has no reference yet.</summary>
    static PriceBand Band()
    {
        var band = new PriceBand(new PriceBandOptions { MaxDeviationPct = 1, MinPrice = 0.5, MaxPrice = 2, BootstrapTicks = 1 }, 2, 1000);
        Assert.Equal(PriceVerdict.Accepted, band.Check(0, 0.9999, 1.0001, 1));
        return band;
    }

    static FillBooking Check(Side orderSide, double limit, double remaining, Side? gatewaySide, double qty, double price, int symbol = 0) =>
        FillCheck.Check(orderSide, limit, remaining, gatewaySide, qty, price, Band(), symbol);

    [Fact]
    public void A_fill_its_order_allows_is_booked_as_the_gateway_reports_it()
    {
        Assert.Equal(new FillBooking(null, Side.Buy, 0.5, 1.001), Check(Side.Buy, 1.001, 1, null, 0.5, 1.001));
        Assert.Equal(new FillBooking(null, Side.Sell, 1, 0.999), Check(Side.Sell, 0.999, 1, Side.Sell, 1, 0.999));
        Assert.Equal(new FillBooking(null, Side.Buy, 0.5, 1.001), Check(Side.Buy, double.NaN, 1, null, 0.5, 1.001));
    }

    [Fact]
    public void The_whole_rest_and_a_price_at_the_limit_itself_are_allowed()
    {
        Assert.Null(Check(Side.Buy, 1.001, 0.3, null, 0.3 + 1e-10, 1.001).Anomaly);
        Assert.Null(Check(Side.Buy, 1.001, 0.3, null, 0.3, 1.001 * (1 + 1e-10)).Anomaly); // the same number, formatted
        Assert.Null(Check(Side.Sell, 0.999, 0.3, null, 0.3, 0.999 * (1 - 1e-10)).Anomaly);
    }

    [Fact]
    public void More_than_the_rest_is_an_overfill_booked_with_the_gateways_quantity_and_price()
    {
        Assert.Equal(new FillBooking(AnomalyCode.Overfill, Side.Buy, 0.5, 1.0), Check(Side.Buy, 1.0, 0.3, null, 0.5, 1.0));
        Assert.Equal(AnomalyCode.Overfill, Check(Side.Buy, 1.001, 0.3, null, 0.3 + 1e-8, 1.0).Anomaly);
    }

    [Fact]
    public void A_quantity_beyond_any_fill_is_booked_at_the_largest_fill()
    {
        var b = Check(Side.Buy, 1.001, 0.3, null, 1e300, 1.0);
        Assert.Equal((AnomalyCode.Overfill, FillCheck.MaxFillQty), (b.Anomaly, b.Qty));
    }

    [Fact]
    public void A_buy_above_its_limit_or_a_sell_below_it_is_beyond_the_limit_and_booked_at_the_gateways_price()
    {
        Assert.Equal(new FillBooking(AnomalyCode.FillBeyondLimit, Side.Buy, 0.1, 1.005), Check(Side.Buy, 1.0, 1, null, 0.1, 1.005));
        Assert.Equal(new FillBooking(AnomalyCode.FillBeyondLimit, Side.Sell, 0.1, 0.995), Check(Side.Sell, 1.0, 1, null, 0.1, 0.995));
        Assert.Equal(AnomalyCode.FillBeyondLimit, Check(Side.Buy, 1.0, 1, null, 0.1, 1.0 * (1 + 1e-8)).Anomaly);
        Assert.Equal(AnomalyCode.FillBeyondLimit, Check(Side.Sell, 1.0, 1, null, 0.1, 1.0 * (1 - 1e-8)).Anomaly);
    }

    [Fact]
    public void A_fill_better_than_its_limit_is_booked_at_the_limit_with_the_gateways_quantity()
    {
        // No anomaly (a limit order may fill better), but the node is credited no more than its limit allows.
        Assert.Equal(new FillBooking(null, Side.Buy, 0.1, 1.0), Check(Side.Buy, 1.0, 1, null, 0.1, 0.995));
        Assert.Equal(new FillBooking(null, Side.Sell, 0.1, 1.0), Check(Side.Sell, 1.0, 1, null, 0.1, 1.005));
        Assert.Equal(new FillBooking(AnomalyCode.Overfill, Side.Buy, 5, 1.0), Check(Side.Buy, 1.0, 1, null, 5, 0.995));
    }

    [Fact]
    public void Without_a_known_limit_no_price_within_the_band_is_beyond_it()
    {
        Assert.Null(Check(Side.Buy, double.NaN, 1, null, 0.1, 1.009).Anomaly);
        Assert.Null(Check(Side.Buy, 0, 1, null, 0.1, 1.009).Anomaly);
        Assert.Null(Check(Side.Sell, double.PositiveInfinity, 1, null, 0.1, 0.991).Anomaly);
    }

    [Fact]
    public void A_price_outside_the_band_is_out_of_band_and_booked_at_the_worse_of_it_and_the_limit()
    {
        // Buy limited at 1.05, filled at 1.02 (better than the limit, but 2 % from the reference): booked at the limit.
        Assert.Equal(new FillBooking(AnomalyCode.FillOutOfBand, Side.Buy, 0.1, 1.05), Check(Side.Buy, 1.05, 1, null, 0.1, 1.02));
        Assert.Equal(new FillBooking(AnomalyCode.FillOutOfBand, Side.Sell, 0.1, 0.95), Check(Side.Sell, 0.95, 1, null, 0.1, 0.98));
        // Without a limit: the gateway's price, kept within the bounds.
        Assert.Equal(new FillBooking(AnomalyCode.FillOutOfBand, Side.Buy, 0.1, 1.02), Check(Side.Buy, double.NaN, 1, null, 0.1, 1.02));
        Assert.Equal(new FillBooking(AnomalyCode.FillOutOfBand, Side.Sell, 0.1, 0.5), Check(Side.Sell, double.NaN, 1, null, 0.1, 0.001));
        Assert.Equal(new FillBooking(AnomalyCode.FillOutOfBand, Side.Buy, 0.1, 2), Check(Side.Buy, double.NaN, 1, null, 0.1, 1e9));
    }

    [Fact]
    public void A_symbol_without_a_reference_is_checked_against_the_bounds_only()
    {
        Assert.Null(Check(Side.Buy, 1.9, 1, null, 0.1, 1.5, symbol: 1).Anomaly);
        Assert.Equal(AnomalyCode.FillOutOfBand, Check(Side.Buy, double.NaN, 1, null, 0.1, 2.5, symbol: 1).Anomaly);
    }

    [Fact]
    public void Without_a_limit_or_any_reference_a_fill_cannot_be_judged_and_is_out_of_band()
    {
        Assert.Equal(new FillBooking(AnomalyCode.FillOutOfBand, Side.Buy, 0.1, 1.5), Check(Side.Buy, double.NaN, 1, null, 0.1, 1.5, symbol: 1));
        var open = new PriceBand(new PriceBandOptions { MaxDeviationPct = 0, MinPrice = 0.5, MaxPrice = 2 }, 1, 1000);
        Assert.Null(FillCheck.Check(Side.Buy, double.NaN, 1, null, 0.1, 1.5, open, 0).Anomaly); // no band configured: the bounds only
    }

    [Fact]
    public void An_implausible_fill_is_booked_no_better_for_this_node_than_the_bands_edge()
    {
        var buy = Check(Side.Buy, double.NaN, 1, null, 0.1, 0.6);
        Assert.Equal((AnomalyCode.FillOutOfBand, Side.Buy, 0.1), (buy.Anomaly!.Value, buy.Side, buy.Qty));
        Assert.Equal(0.99, buy.Price, 9);
        var sell = Check(Side.Sell, double.NaN, 1, null, 0.1, 1.9);
        Assert.Equal((AnomalyCode.FillOutOfBand, Side.Sell), (sell.Anomaly!.Value, sell.Side));
        Assert.Equal(1.01, sell.Price, 9);
    }

    [Fact]
    public void Before_the_band_has_a_reference_the_journals_last_price_judges_a_fill()
    {
        var band = Band();
        band.SeedFromJournal(1, 1.5);
        Assert.Equal(1.5, band.FillReference(1));
        Assert.Equal(1.0, band.FillReference(0), 3); // the band's own reference comes first
        Assert.Null(FillCheck.Check(Side.Buy, double.NaN, 1, null, 0.1, 1.51, band, 1).Anomaly);
        var b = FillCheck.Check(Side.Buy, double.NaN, 1, null, 0.1, 0.6, band, 1);
        Assert.Equal(AnomalyCode.FillOutOfBand, b.Anomaly);
        Assert.Equal(1.485, b.Price, 9);
        band.SeedFromJournal(0, 5); // outside the bounds: no reference
        Assert.Equal(0, band.JournalReference(0));
    }

    [Fact]
    public void A_fill_on_the_other_side_is_booked_on_the_gateways_side_at_the_worse_price_for_this_node()
    {
        // A sell order the gateway fills as a buy: booked a buy, at the higher of its price and the limit.
        Assert.Equal(new FillBooking(AnomalyCode.FillSideMismatch, Side.Buy, 0.1, 1.001), Check(Side.Sell, 1.001, 1, Side.Buy, 0.1, 0.9995));
        Assert.Equal(new FillBooking(AnomalyCode.FillSideMismatch, Side.Buy, 0.1, 1.004), Check(Side.Sell, 1.001, 1, Side.Buy, 0.1, 1.004));
        // A buy filled as a sell: the lower of the two.
        Assert.Equal(new FillBooking(AnomalyCode.FillSideMismatch, Side.Sell, 0.1, 0.999), Check(Side.Buy, 0.999, 1, Side.Sell, 0.1, 1.0005));
        Assert.Equal(new FillBooking(AnomalyCode.FillSideMismatch, Side.Sell, 0.1, 0.996), Check(Side.Buy, 0.999, 1, Side.Sell, 0.1, 0.996));
    }

    [Fact]
    public void The_side_is_named_before_the_quantity_and_the_quantity_before_the_price()
    {
        Assert.Equal(AnomalyCode.FillSideMismatch, Check(Side.Sell, 1.0, 0.1, Side.Buy, 5, 1.5).Anomaly);
        Assert.Equal(AnomalyCode.Overfill, Check(Side.Buy, 1.0, 0.1, Side.Buy, 5, 1.5).Anomaly);
        Assert.Equal(AnomalyCode.FillBeyondLimit, Check(Side.Buy, 1.0, 1, Side.Buy, 0.1, 1.5).Anomaly);
    }
}
