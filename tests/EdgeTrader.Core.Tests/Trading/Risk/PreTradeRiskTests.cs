using EdgeTrader.Configuration;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Trading.Risk;

/// <summary>The checks between the gates, each at its limit: a limit reached is a limit, a value at it is allowed.</summary>
public sealed class PreTradeRiskTests
{
    const long Freq = 1000; // timestamps in ms
    static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    static (PreTradeRisk Risk, PositionBook Book) Make(RiskOptions o)
    {
        var book = new PositionBook(1, o.ContractSize);
        return (new PreTradeRisk(o, new TradingSessions(o), book, Freq), book);
    }

    static OrderIntent Intent(double qty, Side side = Side.Buy) => new() { SymbolId = 0, Side = side, Qty = qty, Price = 1.1 };

    [Fact]
    public void A_quantity_at_max_qty_is_allowed_and_above_it_denied_first()
    {
        var (r, book) = Make(new RiskOptions { MaxQty = 1, MaxPosition = 0.5, MaxTradesPerDay = 1 });
        book.Restore(book.Day, 1, 0, 0); // the day's trades are used up too
        Assert.Equal(DenialCode.MaxQtyExceeded, r.Check(Intent(1.0001), Now, 0));
        Assert.Equal(DenialCode.DailyTradeLimit, r.Check(Intent(1), Now, 0));
    }

    [Fact]
    public void The_trades_of_the_day_are_a_limit_once_reached()
    {
        var (r, book) = Make(new RiskOptions { MaxTradesPerDay = 3 });
        book.Restore(book.Day, 2, 0, 0);
        Assert.Equal(DenialCode.None, r.Check(Intent(0.1), Now, 0));
        book.OnSent(0, Side.Buy, 0.1);
        Assert.Equal(DenialCode.DailyTradeLimit, r.Check(Intent(0.1), Now, 0));
    }

    [Fact]
    public void The_position_with_orders_in_flight_may_reach_max_position_but_not_pass_it_on_either_side()
    {
        var (r, book) = Make(new RiskOptions { MaxPosition = 1 });
        book.OnFill(0, Side.Buy, 0.5, 1.1);
        book.OnSent(0, Side.Buy, 0.25);
        Assert.Equal(DenialCode.None, r.Check(Intent(0.25), Now, 0));
        Assert.Equal(DenialCode.PositionLimitExceeded, r.Check(Intent(0.26), Now, 0));
        book.OnSent(0, Side.Sell, 1);
        Assert.Equal(DenialCode.None, r.Check(Intent(0.5, Side.Sell), Now, 0)); // 0.5 - 1 - 0.5 = -1
        Assert.Equal(DenialCode.PositionLimitExceeded, r.Check(Intent(0.51, Side.Sell), Now, 0));
    }

    [Fact]
    public void The_rate_limit_counts_sent_orders_in_a_sliding_second_and_frees_a_slot_a_second_after_each()
    {
        var (r, _) = Make(new RiskOptions { MaxOrdersPerSecond = 2, MaxPosition = 100 });
        Assert.Equal(DenialCode.None, r.Check(Intent(0.1), Now, 100));
        r.OnSent(100);
        Assert.Equal(DenialCode.None, r.Check(Intent(0.1), Now, 600));
        r.OnSent(600);
        Assert.Equal(DenialCode.RateLimitExceeded, r.Check(Intent(0.1), Now, 1099));
        Assert.Equal(DenialCode.None, r.Check(Intent(0.1), Now, 1100)); // the first left the window
        r.OnSent(1100);
        Assert.Equal(DenialCode.RateLimitExceeded, r.Check(Intent(0.1), Now, 1599));
        Assert.Equal(DenialCode.None, r.Check(Intent(0.1), Now, 1600));
        r.OnSent(1600);
        r.OnSent(1601); // a ring: the oldest slot is overwritten
        Assert.Equal(DenialCode.RateLimitExceeded, r.Check(Intent(0.1), Now, 2599));
        Assert.Equal(DenialCode.None, r.Check(Intent(0.1), Now, 2601));
    }

    [Fact]
    public void Outside_every_session_an_intent_is_denied()
    {
        var (r, _) = Make(new RiskOptions { Sessions = [new TradingSessionOptions { Start = "10:00", End = "11:00" }] });
        Assert.Equal(DenialCode.OutsideTradingSession, r.Check(Intent(0.1), Now, 0));
        Assert.Equal(DenialCode.None, r.Check(Intent(0.1), Now.AddHours(1), 0));
    }

    [Fact]
    public void The_daily_loss_limit_is_breached_when_the_loss_reaches_it()
    {
        var (r, book) = Make(new RiskOptions { MaxDailyLoss = 100, MaxLossStreak = 0 });
        book.Restore(book.Day, 0, -99.99, 0);
        Assert.Null(r.PostTradeBreach());
        book.Restore(book.Day, 0, -100, 0);
        var breach = r.PostTradeBreach();
        Assert.NotNull(breach);
        Assert.StartsWith("daily loss limit: P&L -100.00", breach);
        Assert.Contains("reached -100.00", breach);
    }

    [Fact]
    public void A_profit_is_no_breach()
    {
        var (r, book) = Make(new RiskOptions { MaxDailyLoss = 100 });
        book.Restore(book.Day, 0, 5000, 0);
        Assert.Null(r.PostTradeBreach());
    }

    [Fact]
    public void The_loss_streak_limit_is_breached_at_the_limit_and_off_at_zero()
    {
        var (r, book) = Make(new RiskOptions { MaxLossStreak = 3 });
        book.Restore(book.Day, 0, 0, 2);
        Assert.Null(r.PostTradeBreach());
        book.Restore(book.Day, 0, 0, 3);
        Assert.Equal("loss streak limit: 3 losing closes in a row (limit 3)", r.PostTradeBreach());
        var (off, offBook) = Make(new RiskOptions { MaxLossStreak = 0 });
        offBook.Restore(offBook.Day, 0, 0, 1000);
        Assert.Null(off.PostTradeBreach());
    }

    [Fact]
    public void A_pnl_that_is_not_a_number_is_a_breach_named_by_its_code()
    {
        var (r, book) = Make(new RiskOptions());
        book.Restore(book.Day, 0, double.NaN, 0);
        Assert.StartsWith("PNL_NOT_FINITE: the day's P&L is NaN", r.PostTradeBreach());
    }
}
