using EdgeTrader.Configuration;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Trading.Risk;

/// <summary>Trading windows in the sessions' time zone: start inclusive, end exclusive, a window past midnight belongs to its listed day.</summary>
public sealed class TradingSessionsTests
{
    // 2026-11-23 is a Monday.
    static DateTimeOffset Utc(int day, int h, int m) => new(2026, 11, day, h, m, 0, TimeSpan.Zero);

    static TradingSessions Make(params TradingSessionOptions[] s) => new(new RiskOptions { Sessions = s });

    [Fact]
    public void Without_sessions_it_is_always_open() => Assert.True(Make().IsOpen(Utc(22, 3, 0)));

    [Fact]
    public void A_window_is_open_from_its_start_minute_to_before_its_end_minute()
    {
        var s = Make(new TradingSessionOptions { Start = "09:30", End = "17:00" });
        Assert.False(s.IsOpen(Utc(23, 9, 29)));
        Assert.True(s.IsOpen(Utc(23, 9, 30)));
        Assert.True(s.IsOpen(Utc(23, 16, 59)));
        Assert.False(s.IsOpen(Utc(23, 17, 0)));
    }

    [Fact]
    public void A_window_is_open_only_on_its_days()
    {
        var s = Make(new TradingSessionOptions { Days = [SessionDay.Mon, SessionDay.Wed], Start = "09:00", End = "10:00" });
        Assert.True(s.IsOpen(Utc(23, 9, 0)));  // Monday
        Assert.False(s.IsOpen(Utc(24, 9, 0))); // Tuesday
        Assert.True(s.IsOpen(Utc(25, 9, 0)));  // Wednesday
        Assert.False(s.IsOpen(Utc(22, 9, 0))); // Sunday
    }

    [Fact]
    public void Every_day_name_is_its_day()
    {
        var days = new[] { SessionDay.Sun, SessionDay.Mon, SessionDay.Tue, SessionDay.Wed, SessionDay.Thu, SessionDay.Fri, SessionDay.Sat };
        for (int i = 0; i < 7; i++)
        {
            var s = Make(new TradingSessionOptions { Days = [days[i]], Start = "09:00", End = "10:00" });
            for (int d = 0; d < 7; d++) Assert.Equal(i == d, s.IsOpen(Utc(22 + d, 9, 0))); // the 22nd is a Sunday
        }
    }

    [Fact]
    public void A_window_past_midnight_opens_in_the_evening_of_its_day_and_closes_in_the_morning_after()
    {
        var s = Make(new TradingSessionOptions { Days = [SessionDay.Fri], Start = "22:00", End = "02:00" });
        Assert.False(s.IsOpen(Utc(27, 21, 59))); // Friday evening, before the start
        Assert.True(s.IsOpen(Utc(27, 22, 0)));
        Assert.True(s.IsOpen(Utc(28, 1, 59)));   // Saturday morning: Friday's window
        Assert.False(s.IsOpen(Utc(28, 2, 0)));
        Assert.False(s.IsOpen(Utc(27, 1, 0)));   // Friday morning belongs to Thursday, not listed
        Assert.False(s.IsOpen(Utc(28, 22, 0)));  // Saturday evening: not listed
    }

    [Fact]
    public void Any_window_that_is_open_opens_the_market()
    {
        var s = Make(new TradingSessionOptions { Start = "08:00", End = "09:00" }, new TradingSessionOptions { Start = "13:00", End = "14:00" });
        Assert.True(s.IsOpen(Utc(23, 8, 30)));
        Assert.False(s.IsOpen(Utc(23, 10, 0)));
        Assert.True(s.IsOpen(Utc(23, 13, 30)));
    }

    [Fact]
    public void The_sessions_are_in_their_time_zone()
    {
        var s = new TradingSessions(new RiskOptions { TimeZone = "Europe/Berlin", Sessions = [new TradingSessionOptions { Start = "10:00", End = "11:00" }] });
        Assert.Equal("Europe/Berlin", s.Zone.Id);
        Assert.False(s.IsOpen(Utc(23, 10, 0))); // 11:00 in Berlin
        Assert.True(s.IsOpen(Utc(23, 9, 0)));
    }

    [Fact]
    public void The_answer_is_kept_per_minute_and_asked_again_in_the_next()
    {
        var s = Make(new TradingSessionOptions { Start = "09:30", End = "17:00" });
        Assert.False(s.IsOpen(Utc(23, 9, 29).AddSeconds(1)));
        Assert.False(s.IsOpen(Utc(23, 9, 29).AddSeconds(59)));
        Assert.True(s.IsOpen(Utc(23, 9, 30)));
        Assert.True(s.IsOpen(Utc(23, 9, 30).AddSeconds(30)));
        Assert.False(s.IsOpen(Utc(23, 17, 0).AddSeconds(1)));
    }

    [Fact]
    public void A_window_that_ends_where_it_starts_spans_a_whole_day_from_its_start()
    {
        var s = Make(new TradingSessionOptions { Days = [SessionDay.Mon], Start = "09:00", End = "09:00" });
        Assert.False(s.IsOpen(Utc(23, 8, 59)));
        Assert.True(s.IsOpen(Utc(23, 9, 0)));
        Assert.True(s.IsOpen(Utc(24, 8, 59)));
        Assert.False(s.IsOpen(Utc(24, 9, 0)));
    }
}
