using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Support;

/// <summary>Trading days (UTC) at a given date, for tests of the journal that pick their days.</summary>
public static class TestDays
{
    /// <summary>Midnight UTC of <paramref name="day"/>.</summary>
    public static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>A UTC trading day that is <paramref name="day"/>.</summary>
    public static TradingDay At(DateOnly day) => new(TimeZoneInfo.Utc, Midnight(day));

    /// <summary>Rolls <paramref name="tradingDay"/> forward to <paramref name="day"/>.</summary>
    public static void MoveTo(TradingDay tradingDay, DateOnly day) => tradingDay.Roll(Midnight(day));
}
