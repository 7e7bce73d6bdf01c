using System.Globalization;
using EdgeTrader.KillSwitch;

namespace EdgeTrader.Trading;

/// <summary>
/// Engages while a check hangs: the loop measures risk.checkTimeoutMs only once the strategy and the pre-trade checks
/// return, so a check that never returns would never engage. This watch runs off the tick thread, on a timer of the
/// injected <see cref="TimeProvider"/>, reads the moment the tick thread entered the checks
/// (<see cref="TradingLoop.CheckStartedTimestamp"/>, 0 when it is not in one) and engages (source risk, reason
/// <c>CHECK_TIMEOUT: …</c>) once that is longer ago than risk.checkTimeoutMs. When the check returns at last, the loop
/// counts and journals the CHECK_TIMEOUT anomaly as for any slow check. Nothing on the tick path allocates for it.
/// </summary>
public sealed class CheckWatchdog(TradingLoop loop, CircuitBreaker breaker, TimeProvider time, int checkTimeoutMs)
{
    long _engagedFor; // the check (its start timestamp) this watch engaged for: once per check

    /// <summary>One look: true when it engaged now.</summary>
    public bool Evaluate()
    {
        long started = loop.CheckStartedTimestamp;
        if (started == 0 || started == _engagedFor) return false;
        double ms = time.GetElapsedTime(started).TotalMilliseconds;
        if (ms <= checkTimeoutMs) return false;
        _engagedFor = started;
        breaker.Engage(string.Create(CultureInfo.InvariantCulture,
            $"{AnomalyCodes.Code(AnomalyCode.CheckTimeout)}: a strategy or pre-trade check has been running for {ms:0} ms, longer than risk.checkTimeoutMs ({checkTimeoutMs} ms); the tick thread is still in it"),
            BreakerSource.Risk);
        return true;
    }

    /// <summary>Looks every <paramref name="period"/> on a timer of the injected time; dispose the timer to stop.</summary>
    public ITimer Start(TimeSpan period) => time.CreateTimer(_ => Evaluate(), null, period, period);
}
