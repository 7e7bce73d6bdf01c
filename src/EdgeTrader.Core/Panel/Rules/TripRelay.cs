namespace EdgeTrader.Panel.Rules;

/// <summary>
/// The trip relay, de-energise to trip: commanded on only while the breaker is SAFE, the tick loop beats and the panel
/// runs; anything else (ENGAGED, a frozen loop, shutdown, a dead process or a power cut) leaves it off. With EDM, the
/// relay's positively guided feedback contact must follow the command within the settle time; a mismatch that lasts
/// longer is <see cref="Mismatch"/> (a welded contact, a relay that does not pull in, a cut feedback wire), cleared as
/// soon as the feedback matches again. Not thread-safe (the panel's lock).
/// </summary>
public sealed class TripRelay(bool hasEdm, TimeSpan settle, TimeProvider time, Action onSettleTimer) : IDisposable
{
    // Beyond the coarse timer clock's resolution (a few ms), so that a re-armed timer fires after the window, once.
    static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(10);

    readonly TimeProvider _time = time;
    readonly TimeSpan _settle = settle;
    readonly Action _onTimer = onSettleTimer;
    ITimer? _timer;
    long _mismatchSince;

    /// <summary>EDM fitted.</summary>
    public bool HasEdm { get; } = hasEdm;

    /// <summary>What the relay is commanded to (true = energised).</summary>
    public bool Commanded { get; private set; }

    /// <summary>The feedback as last read (true = relay energised: its NC contact open).</summary>
    public bool Feedback { get; private set; }

    /// <summary>The feedback contradicted the command for longer than the settle time.</summary>
    public bool Mismatch { get; private set; }

    /// <summary>Sets the command; returns true when it changed (the caller drives the line).</summary>
    public bool Command(bool energise)
    {
        if (Commanded == energise) return false;
        Commanded = energise;
        Evaluate(restartWindow: true);
        return true;
    }

    /// <summary>A feedback level.</summary>
    public void OnFeedback(bool energised)
    {
        Feedback = energised;
        Evaluate(restartWindow: false);
    }

    void Evaluate(bool restartWindow)
    {
        if (!HasEdm) return;
        if (Feedback == Commanded)
        {
            Mismatch = false;
            _timer?.Dispose();
            _timer = null;
            return;
        }
        if (_timer is null || restartWindow)
        {
            // A new command restarts the window: the relay gets its operate/release time for every change.
            _timer?.Dispose();
            _mismatchSince = _time.GetTimestamp();
            _timer = _time.CreateTimer(_ => _onTimer(), null, _settle, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Called (under the panel's lock) when the settle timer fired; true when this raised the mismatch.</summary>
    public bool SettleElapsed()
    {
        if (!HasEdm || Feedback == Commanded || Mismatch) return false;
        var left = _settle - _time.GetElapsedTime(_mismatchSince);
        if (left > TimeSpan.Zero)
        {
            // Early: timers run on a coarse clock (jiffies) and may fire a few ms before the fine clock says the window
            // is over; or a stale timer of an earlier window. Either way this window is still open: wait out the rest.
            _timer?.Dispose();
            _timer = _time.CreateTimer(_ => _onTimer(), null, left + TimerSlack, Timeout.InfiniteTimeSpan);
            return false;
        }
        _timer?.Dispose();
        _timer = null;
        Mismatch = true;
        return true;
    }

    /// <inheritdoc/>
    public void Dispose() => _timer?.Dispose();
}
