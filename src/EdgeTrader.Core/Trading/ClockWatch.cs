using System.Globalization;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;

namespace EdgeTrader.Trading;

/// <summary>
/// What the trading rules assume of the wall clock, checked on the session's housekeeping turns (docs/contract.md,
/// "Time"). A step of the wall clock against the monotonic clock larger than clock.stepToleranceMs is an anomaly
/// (CLOCK_STEP_BACK, CLOCK_STEP_FORWARD: counted, journaled, logged, in status); a step back engages (source risk) with
/// clock.engageOnStepBack; a step forward that rolls the trading day while that day has activity (trades, or realised
/// P&amp;L other than 0) engages (source risk) with clock.engageOnStepForward (default true), since the roll zeroed the
/// day's counters. The trading day itself never goes back (<see cref="TradingDay.Roll"/>), whatever the clock
/// does. The clock's synchronisation (<see cref="IClockSync"/>, read every <see cref="SyncReadInterval"/>) is the
/// <see cref="Link.Clock"/> link: unsynchronised or unreadable is degraded (amber) with clock.degradeWhenUnsynchronised,
/// an anomaly (CLOCK_UNSYNCHRONISED) once per loss, and engages with clock.engageWhenUnsynchronised. Tick thread only.
/// </summary>
public sealed class ClockWatch
{
    /// <summary>How often the synchronisation is read (one adjtimex call).</summary>
    public static readonly TimeSpan SyncReadInterval = TimeSpan.FromSeconds(1);

    readonly ClockOptions _o;
    readonly IClockSync? _sync;
    readonly HealthMonitor _health;
    readonly TimeProvider _time;
    long _lastTs;
    long _lastWallTicks;
    long _lastSyncTs;
    bool _unsyncReported;
    DateOnly _dayAtLastTurn;

    /// <summary>A watch over <paramref name="time"/>; <paramref name="sync"/> null: synchronisation is not watched (the link is unused).</summary>
    public ClockWatch(ClockOptions options, IClockSync? sync, HealthMonitor health, TimeProvider time)
    {
        _o = options;
        _sync = sync;
        _health = health;
        _time = time;
        if (sync is null) health.Set(Link.Clock, LinkState.Unused, "clock synchronisation not watched");
        else health.Set(Link.Clock, LinkState.Connecting, "not read yet");
    }

    /// <summary>The last step seen (milliseconds, negative = back), 0 before any.</summary>
    public long LastStepMs { get; private set; }

    /// <summary>One turn: compares the clocks since the last turn and, when due, reads the synchronisation.</summary>
    public void Evaluate(TradingLoop loop)
    {
        long ts = _time.GetTimestamp();
        long wall = _time.GetUtcNow().UtcTicks;
        if (_lastTs != 0)
        {
            double monoMs = _time.GetElapsedTime(_lastTs, ts).TotalMilliseconds;
            double wallMs = (wall - _lastWallTicks) / (double)TimeSpan.TicksPerMillisecond;
            long step = (long)Math.Round(wallMs - monoMs);
            if (Math.Abs(step) > _o.StepToleranceMs)
            {
                LastStepMs = step;
                var at = new DateTimeOffset(wall, TimeSpan.Zero);
                // Stryker disable once Equality : a step of 0 never gets here (|step| > clock.stepToleranceMs, which is at least 1)
                bool back = step < 0;
                if (back)
                    loop.RaiseAnomaly(AnomalyCode.ClockStepBack, string.Create(CultureInfo.InvariantCulture,
                        $"the wall clock stepped back {-step} ms (to {at:yyyy-MM-ddTHH:mm:ss.fffZ}); the trading day {loop.Day.Current:yyyy-MM-dd} stays"),
                        _o.EngageOnStepBack ? BreakerSource.Risk : null);
                else
                {
                    // A step that rolls a day with activity zeroes that day's trades and realised P&L: it engages.
                    var from = _dayAtLastTurn;
                    var to = loop.Day.Of(at);
                    bool rollsActiveDay = to > from && loop.DayHadActivity(from);
                    loop.RaiseAnomaly(AnomalyCode.ClockStepForward, string.Create(CultureInfo.InvariantCulture,
                        $"the wall clock stepped forward {step} ms (to {at:yyyy-MM-ddTHH:mm:ss.fffZ}){(to > from ? $"; it rolls the trading day {from:yyyy-MM-dd}{(rollsActiveDay ? ", which has trades or realised P&L," : "")} to {to:yyyy-MM-dd}" : "")}"),
                        rollsActiveDay && _o.EngageOnStepForward ? BreakerSource.Risk : null);
                }
            }
        }
        _lastTs = ts;
        _lastWallTicks = wall;
        _dayAtLastTurn = loop.Day.Current;

        if (_sync is null || (_lastSyncTs != 0 && _time.GetElapsedTime(_lastSyncTs, ts) < SyncReadInterval)) return;
        _lastSyncTs = ts;
        ClockSyncStatus s;
        try
        {
            s = _sync.Read();
        }
        catch (Exception ex)
        {
            s = new ClockSyncStatus(ClockSyncState.Unknown, "none", null, $"the clock's state cannot be read: {ex.Message}");
        }
        if (s.IsSynchronized)
        {
            _unsyncReported = false;
            _health.Set(Link.Clock, LinkState.Up, $"{s.Source}: {s.Detail}");
            return;
        }
        // The anomaly is journaled before the link leaves "connecting": whoever reads the link's state also finds its record.
        if (!_unsyncReported)
        {
            _unsyncReported = true;
            loop.RaiseAnomaly(AnomalyCode.ClockUnsynchronised, $"{s.State} ({s.Source}): {s.Detail}; freshness and the sessions rely on the wall clock",
                _o.EngageWhenUnsynchronised ? BreakerSource.Risk : null);
        }
        _health.Set(Link.Clock, _o.DegradeWhenUnsynchronised ? LinkState.Degraded : LinkState.Up, $"not synchronised ({s.Source}): {s.Detail}");
    }
}
