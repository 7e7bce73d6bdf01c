using EdgeTrader.Configuration;

namespace EdgeTrader.Trading.Risk;

/// <summary>Trading windows and the trading day, in one IANA time zone. No sessions configured = always open.</summary>
public sealed class TradingSessions
{
    readonly TimeZoneInfo _zone;
    readonly (int DaysMask, int Start, int End)[] _windows;
    long _cachedMinute = long.MinValue;
    bool _cachedOpen;

    /// <summary>From validated options.</summary>
    public TradingSessions(RiskOptions risk)
    {
        OptionsValidator.TryFindTimeZone(risk.TimeZone, out _zone);
        _windows = [.. risk.Sessions.Select(s =>
        {
            int mask = s.Days.Length == 0 ? 0x7F : s.Days.Aggregate(0, (m, d) => m | 1 << (int)DayOf(d));
            OptionsValidator.TryParseClock(s.Start, out int start);
            OptionsValidator.TryParseClock(s.End, out int end);
            return (mask, start, end);
        })];
    }

    static DayOfWeek DayOf(SessionDay d) => d switch
    {
        SessionDay.Sun => DayOfWeek.Sunday,
        SessionDay.Mon => DayOfWeek.Monday,
        SessionDay.Tue => DayOfWeek.Tuesday,
        SessionDay.Wed => DayOfWeek.Wednesday,
        SessionDay.Thu => DayOfWeek.Thursday,
        SessionDay.Fri => DayOfWeek.Friday,
        SessionDay.Sat => DayOfWeek.Saturday,
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, "not a day"),
    };

    /// <summary>The time zone of sessions and trading days.</summary>
    public TimeZoneInfo Zone => _zone;

    /// <summary>The trading day (local date in the zone) of an instant.</summary>
    public DateOnly TradingDay(DateTimeOffset utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(utc, _zone).DateTime);

    /// <summary>True when <paramref name="utc"/> falls in a session. Cached per minute: it runs once per order.</summary>
    public bool IsOpen(DateTimeOffset utc)
    {
        if (_windows.Length == 0) return true;
        long minute = utc.ToUnixTimeSeconds() / 60;
        if (minute == _cachedMinute) return _cachedOpen;
        var local = TimeZoneInfo.ConvertTime(utc, _zone);
        int day = (int)local.DayOfWeek;
        int prevDay = (day + 6) % 7;
        int m = local.Hour * 60 + local.Minute;
        bool open = false;
        foreach (var (mask, start, end) in _windows)
        {
            if (start < end)
            {
                if ((mask & 1 << day) != 0 && m >= start && m < end) open = true;
            }
            else
            {
                // Spans midnight: the evening part belongs to the listed day, the morning part to the day after.
                if ((mask & 1 << day) != 0 && m >= start) open = true;
                if ((mask & 1 << prevDay) != 0 && m < end) open = true;
            }
        }
        _cachedMinute = minute;
        _cachedOpen = open;
        return open;
    }
}
