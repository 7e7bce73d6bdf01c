using EdgeTrader.Configuration;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Trading.Risk;

/// <summary>The book's P&amp;L: recomputed from per-symbol values, never non-finite, never drifting.</summary>
public sealed class PositionBookTests
{
    static PositionBook Long(out PreTradeRisk risk)
    {
        var o = new RiskOptions { MaxDailyLoss = 1000 };
        var book = new PositionBook(1, 100_000);
        risk = new PreTradeRisk(o, new TradingSessions(o), book, TimeProvider.System.TimestampFrequency);
        book.OnFill(0, Side.Buy, 1, 1.085);
        return book;
    }

    [Fact]
    public void A_spike_while_long_leaves_no_trace_in_the_unrealised_total()
    {
        var book = Long(out _);
        book.Mark(0, 1.07915);
        Assert.Equal(-585, book.UnrealizedTotal, 6);
        book.Mark(0, 1e300);
        book.Mark(0, 1.07915);
        Assert.Equal(-585, book.UnrealizedTotal, 6);
    }

    [Fact]
    public void A_true_daily_loss_over_the_limit_trips_after_a_spike()
    {
        var book = Long(out var risk);
        book.Restore(book.Day, 1, -450, 0);
        book.Mark(0, 1e300);
        book.Mark(0, 1.07915);
        Assert.NotNull(risk.PostTradeBreach()); // -450 - 585 = -1,035 against a 1,000 limit
    }

    [Fact]
    public void A_mark_that_makes_the_pnl_non_finite_is_a_breach_and_passes_away_with_the_mark()
    {
        var book = Long(out var risk);
        book.Mark(0, 1.7e308);
        Assert.NotNull(risk.PostTradeBreach());
        book.Mark(0, 1.07915);
        Assert.True(double.IsFinite(book.DailyPnl));
        Assert.Equal(-585, book.UnrealizedTotal, 6);
    }
}
