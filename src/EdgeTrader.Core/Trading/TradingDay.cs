namespace EdgeTrader.Trading;

/// <summary>
/// "Today" for every daily rule: the book's counters (trades, realised P&amp;L), the journal file a line goes to and
/// the day a restart restores. One value, rolled by time on the tick thread (every tick, before any check, and every
/// housekeeping turn), read by any thread. The day is the local date in the trading sessions' time zone.
/// </summary>
public sealed class TradingDay
{
    readonly TimeZoneInfo _zone;
    volatile int _dayNumber; // DateOnly.DayNumber of the current day
    long _startUtcTicks;     // [start, end) of the current day in UTC ticks: a roll check is two comparisons
    long _endUtcTicks;

    /// <summary>A trading day in <paramref name="zone"/>, starting on the day of <paramref name="now"/>.</summary>
    public TradingDay(TimeZoneInfo zone, DateTimeOffset now)
    {
        _zone = zone;
        MoveTo(now);
    }

    /// <summary>The current trading day.</summary>
    public DateOnly Current => DateOnly.FromDayNumber(_dayNumber);

    /// <summary>The trading day of an instant (the same rule <see cref="Roll"/> applies).</summary>
    public DateOnly Of(DateTimeOffset utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(utc, _zone).DateTime);

    /// <summary>
    /// Moves to the day of <paramref name="now"/> when it lies outside the current day; true when the day changed.
    /// Tick thread only. A clock that steps back does not move the day back.
    /// </summary>
    public bool Roll(DateTimeOffset now)
    {
        long t = now.UtcTicks;
        // Stryker disable once Equality : the bounds are a fast path; outside it the next line finds the same day and returns false too
        if (t >= _startUtcTicks && t < _endUtcTicks) return false;
        int before = _dayNumber;
        // Stryker disable once Equality : on the same day MoveTo sets the same bounds and the method returns false (the day did not change)
        if (Of(now).DayNumber <= before) return false; // earlier than today: the day stays
        MoveTo(now);
        return _dayNumber != before;
    }

    /// <summary>
    /// Moves to <paramref name="day"/> when it is later than the current day (a start whose clock is behind the
    /// journal's latest day keeps the journal's day); true when the day changed. Before the tick thread starts.
    /// </summary>
    public bool AdvanceTo(DateOnly day)
    {
        if (day.DayNumber <= _dayNumber) return false;
        _startUtcTicks = StartUtc(day).UtcTicks;
        _endUtcTicks = StartUtc(day.AddDays(1)).UtcTicks;
        _dayNumber = day.DayNumber;
        return true;
    }

    void MoveTo(DateTimeOffset now)
    {
        var day = Of(now);
        _startUtcTicks = StartUtc(day).UtcTicks;
        _endUtcTicks = StartUtc(day.AddDays(1)).UtcTicks;
        _dayNumber = day.DayNumber;
    }

    /// <summary>The first instant of <paramref name="day"/> in the zone, in UTC (a DST gap at midnight moves it later).</summary>
    DateTimeOffset StartUtc(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (_zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return new DateTimeOffset(local, _zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
