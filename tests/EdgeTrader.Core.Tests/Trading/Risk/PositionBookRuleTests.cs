using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Trading.Risk;

/// <summary>The book: orders in flight per side, positions restored at start, the day's counters and the marks.</summary>
public sealed class PositionBookRuleTests
{
    readonly PositionBook _book = new(2, 10);

    [Fact]
    public void Orders_in_flight_are_pending_per_symbol_and_side_until_filled_or_given_up_never_below_zero()
    {
        _book.OnSent(1, Side.Buy, 2);
        _book.OnSent(1, Side.Sell, 3);
        _book.AddPending(1, Side.Buy, 0.5); // a restored order: pending, not a new trade
        Assert.Equal((2.5, 3.0), (_book.Pending(1, Side.Buy), _book.Pending(1, Side.Sell)));
        Assert.Equal((0.0, 0.0), (_book.Pending(0, Side.Buy), _book.Pending(0, Side.Sell)));
        Assert.Equal(2, _book.TradesToday);
        _book.OnFill(1, Side.Buy, 1, 1.0);
        Assert.Equal(1.5, _book.Pending(1, Side.Buy));
        _book.OnGivenUp(1, Side.Sell, 1);
        Assert.Equal(2.0, _book.Pending(1, Side.Sell));
        _book.OnGivenUp(1, Side.Sell, 5);
        Assert.Equal(0.0, _book.Pending(1, Side.Sell));
        _book.OnGivenUp(1, Side.Buy, 5);
        Assert.Equal(0.0, _book.Pending(1, Side.Buy));
    }

    [Fact]
    public void Exposure_after_an_order_is_the_worst_case_with_the_orders_in_flight_of_its_side()
    {
        _book.OnFill(0, Side.Buy, 1, 1.0);
        _book.OnSent(0, Side.Buy, 0.5);
        _book.OnSent(0, Side.Sell, 2);
        Assert.Equal(1 + 0.5 + 0.25, _book.ExposureAfter(0, Side.Buy, 0.25), 12);
        Assert.Equal(Math.Abs(1 - 2 - 0.25), _book.ExposureAfter(0, Side.Sell, 0.25), 12);
        Assert.Equal(0.25, _book.ExposureAfter(1, Side.Sell, 0.25), 12);
    }

    [Fact]
    public void A_restored_position_is_marked_at_the_last_mid_and_a_flat_one_has_no_average()
    {
        _book.Mark(0, 1.2);
        _book.RestorePosition(0, 2, 1.0);
        Assert.Equal((2.0, 1.0), (_book.Net(0), _book.AvgPrice(0)));
        Assert.Equal((1.2 - 1.0) * 2 * 10, _book.Unrealized(0), 9);
        _book.RestorePosition(1, 0, 5.0);
        Assert.Equal(0.0, _book.AvgPrice(1));
        _book.RestorePosition(1, -1, 3.0); // no mid yet: not marked
        Assert.Equal(0.0, _book.Unrealized(1));
        Assert.Equal(3.0, _book.AvgPrice(1));
    }

    [Fact]
    public void A_fill_is_marked_at_the_last_mid_or_at_its_own_price_before_any_mid()
    {
        _book.OnFill(0, Side.Buy, 1, 1.0);
        Assert.Equal(0.0, _book.Unrealized(0)); // marked at its own price
        _book.Mark(0, 1.5);
        _book.OnFill(0, Side.Buy, 1, 1.0);
        Assert.Equal((1.5 - 1.0) * 2 * 10, _book.Unrealized(0), 9);
        Assert.Equal(_book.Unrealized(0), _book.UnrealizedTotal, 9);
        _book.OnFill(1, Side.Sell, 1, 2.0);
        _book.Mark(1, 2.5);
        Assert.Equal(10 - 5, _book.UnrealizedTotal, 9);
        Assert.Equal(_book.RealizedToday + _book.UnrealizedTotal, _book.DailyPnl, 9);
    }

    [Fact]
    public void A_fill_books_its_realised_pnl_and_the_streak()
    {
        _book.OnFill(0, Side.Buy, 2, 1.0);
        Assert.Equal(-5, _book.OnFill(0, Side.Sell, 1, 0.5), 9);
        Assert.Equal(-5, _book.OnFill(0, Side.Sell, 1, 0.5), 9);
        Assert.Equal((-10.0, 2), (_book.RealizedToday, _book.LossStreak));
        Assert.Equal(0.0, _book.Unrealized(0)); // flat
    }

    [Fact]
    public void Realised_pnl_is_kept_per_symbol_and_the_days_total_is_their_sum()
    {
        _book.OnFill(0, Side.Buy, 2, 1.0);
        _book.OnFill(1, Side.Sell, 1, 2.0);
        _book.OnFill(0, Side.Sell, 1, 1.5); // +5
        _book.OnFill(1, Side.Buy, 1, 2.3); // -3
        _book.OnFill(0, Side.Sell, 1, 0.9); // -1
        Assert.Equal(4, _book.RealizedTodayOf(0), 9);
        Assert.Equal(-3, _book.RealizedTodayOf(1), 9);
        Assert.Equal(_book.RealizedTodayOf(0) + _book.RealizedTodayOf(1), _book.RealizedToday, 9);
    }

    [Fact]
    public void A_later_day_zeroes_the_realised_pnl_of_every_symbol_and_a_restore_sets_it()
    {
        var d = new DateOnly(2026, 11, 23);
        _book.Restore(d, 2, -7, 1, [-4, -3]);
        Assert.Equal((-4.0, -3.0), (_book.RealizedTodayOf(0), _book.RealizedTodayOf(1)));
        _book.OnFill(0, Side.Buy, 1, 1.0);
        _book.OnFill(0, Side.Sell, 1, 1.2); // +2
        Assert.Equal(-2, _book.RealizedTodayOf(0), 9);
        Assert.Equal(-5, _book.RealizedToday, 9);
        _book.RollDay(d.AddDays(1));
        Assert.Equal((0.0, 0.0, 0.0), (_book.RealizedTodayOf(0), _book.RealizedTodayOf(1), _book.RealizedToday));
        _book.Restore(d, 0, 1, 0, [1]); // fewer values than symbols: the rest are zero
        Assert.Equal((1.0, 0.0), (_book.RealizedTodayOf(0), _book.RealizedTodayOf(1)));
    }

    [Fact]
    public void A_later_day_zeroes_the_days_counters_and_keeps_positions_and_the_streak_an_earlier_one_changes_nothing()
    {
        var d = new DateOnly(2026, 11, 23);
        _book.Restore(d, 7, -30, 2);
        _book.OnFill(0, Side.Buy, 1, 1.0);
        _book.RollDay(d);
        Assert.Equal((7, -30.0), (_book.TradesToday, _book.RealizedToday));
        _book.RollDay(d.AddDays(-1));
        Assert.Equal((d, 7), (_book.Day, _book.TradesToday));
        _book.RollDay(d.AddDays(1));
        Assert.Equal((d.AddDays(1), 0, 0.0, 2), (_book.Day, _book.TradesToday, _book.RealizedToday, _book.LossStreak));
        Assert.Equal(1.0, _book.Net(0));
    }

    [Fact]
    public void A_flat_position_has_no_unrealised_pnl_whatever_the_mark()
    {
        _book.Mark(0, double.PositiveInfinity);
        Assert.Equal(0.0, _book.Unrealized(0));
        Assert.Equal(0.0, _book.DailyPnl);
    }
}
