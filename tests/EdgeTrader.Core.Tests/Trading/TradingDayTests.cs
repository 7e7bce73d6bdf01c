using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

public sealed class TradingDayTests
{
    static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public void The_day_is_the_local_date_in_the_zone_and_rolls_at_local_midnight()
    {
        // 2026-11-23 04:59:59 UTC is 23:59:59 on the 22nd in New York (EST, UTC-5).
        var before = new DateTimeOffset(2026, 11, 23, 4, 59, 59, TimeSpan.Zero);
        var d = new TradingDay(NewYork, before);
        Assert.Equal(new DateOnly(2026, 11, 22), d.Current);
        Assert.False(d.Roll(before.AddMilliseconds(999)));
        Assert.True(d.Roll(before.AddSeconds(1)));
        Assert.Equal(new DateOnly(2026, 11, 23), d.Current);
        Assert.Equal(d.Of(before.AddSeconds(1)), d.Current);
    }

    [Fact]
    public void A_clock_that_steps_back_does_not_move_the_day_back()
    {
        var now = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        var d = new TradingDay(TimeZoneInfo.Utc, now);
        Assert.False(d.Roll(now.AddDays(-1)));
        Assert.Equal(new DateOnly(2026, 11, 23), d.Current);
        Assert.True(d.Roll(now.AddDays(3)));
        Assert.Equal(new DateOnly(2026, 11, 26), d.Current);
    }

    [Fact]
    public void Days_without_a_midnight_of_their_own_roll_where_the_local_date_changes()
    {
        // Havana skips midnight into DST: 2026-03-08 00:00 local does not exist there.
        var havana = TimeZoneInfo.FindSystemTimeZoneById("America/Havana");
        var start = new DateTimeOffset(2026, 3, 7, 12, 0, 0, TimeSpan.Zero);
        var d = new TradingDay(havana, start);
        for (var t = start; t < start.AddDays(2); t = t.AddMinutes(7))
        {
            d.Roll(t);
            Assert.Equal(d.Of(t), d.Current);
        }
    }

    [Fact]
    public void A_day_advanced_to_the_journals_later_day_stays_there_while_the_clock_is_behind()
    {
        var now = new DateTimeOffset(2026, 11, 23, 23, 58, 0, TimeSpan.Zero);
        var day = new TradingDay(TimeZoneInfo.Utc, now);
        Assert.True(day.AdvanceTo(new DateOnly(2026, 11, 24)));
        Assert.False(day.AdvanceTo(new DateOnly(2026, 11, 22)));
        Assert.False(day.Roll(now.AddMinutes(1)));
        Assert.Equal(new DateOnly(2026, 11, 24), day.Current);
        Assert.False(day.Roll(now.AddMinutes(3))); // the clock reaches the day
        Assert.True(day.Roll(now.AddDays(1).AddMinutes(3)));
        Assert.Equal(new DateOnly(2026, 11, 25), day.Current);
    }

    [Fact]
    public void Advancing_to_the_current_day_changes_nothing_and_says_so()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var day = new TradingDay(TimeZoneInfo.Utc, now);
        Assert.False(day.AdvanceTo(new DateOnly(2026, 11, 23)));
        Assert.Equal(new DateOnly(2026, 11, 23), day.Current);
        Assert.True(day.Roll(now.AddHours(12))); // midnight: the next day
    }
}
