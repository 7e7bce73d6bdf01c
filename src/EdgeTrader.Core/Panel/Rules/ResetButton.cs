namespace EdgeTrader.Panel.Rules;

/// <summary>What a reset button's edge means.</summary>
public enum ResetVerdict
{
    /// <summary>Nothing to do (a press, or a release that does not count).</summary>
    None,
    /// <summary>Released after a hold inside the window: the reset waits until the release has lasted the settle time.</summary>
    Settling,
    /// <summary>The release has lasted the settle time and the line still reads released: reset now.</summary>
    Reset,
}

/// <summary>
/// The reset button as PLCopen's SF_ResetButton: a reset happens on the <b>release</b> (trailing edge), and only when the
/// button was held at least <c>min</c> and at most <c>max</c>, and the release has then <b>stayed</b> released for
/// <c>settle</c> (a timer, then a re-read of the line): a closed contact that chatters open for a moment is not a
/// release, and a press inside the settle time cancels the reset and starts a new hold. A bounce, a tap, or a contact
/// that closes and stays closed never resets. Held past <c>max</c> it is stuck or shorted: <see cref="Stuck"/> becomes
/// true (a fault) until the button is seen released, and that release does not reset. A press that was not seen (held at start) never resets.
/// The hold is the time between the two edges' own stamps (the kernel's, CLOCK_MONOTONIC), so a late callback on a
/// loaded box does not lengthen or shorten it; the maximum is also watched by a timer, so a button that never comes
/// back is seen without waiting for its release. Not thread-safe: the panel calls it under its lock; the max timer
/// calls <c>onStuck</c> and the settle timer <c>onSettled</c> on the timer's thread.
/// </summary>
public sealed class ResetButton(TimeSpan min, TimeSpan max, TimeSpan settle, TimeProvider time, Action onStuck, Action onSettled) : IDisposable
{
    /// <summary>The least settle time: a release must last this long (or <c>panel.debounceMs</c> if longer) to reset.</summary>
    public static readonly TimeSpan MinSettle = TimeSpan.FromMilliseconds(20);

    /// <summary>The settle time for a kernel debounce of <paramref name="debounceMs"/>: max(debounce, <see cref="MinSettle"/>).</summary>
    public static TimeSpan SettleFor(int debounceMs) => TimeSpan.FromMilliseconds(Math.Max(debounceMs, MinSettle.TotalMilliseconds));

    // Beyond the coarse timer clock's resolution (a few ms), so that a re-armed timer fires after the window, once.
    static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(10);

    readonly TimeSpan _min = min, _max = max, _settle = settle;
    readonly TimeProvider _time = time;
    readonly Action _onStuck = onStuck, _onSettled = onSettled;
    ITimer? _maxTimer, _settleTimer;
    long? _pressedAt; // the press edge's stamp, ns
    long _armedAt, _settleArmedAt;

    /// <summary>A release inside the window is waiting out the settle time.</summary>
    public bool Settling => _settleTimer is not null;

    /// <summary>The last level seen: true = held.</summary>
    public bool Held { get; private set; }

    /// <summary>Held past the maximum and not yet seen released.</summary>
    public bool Stuck { get; private set; }

    /// <summary>Why the last release did not reset (for the log), or null.</summary>
    public string? LastRefusal { get; private set; }

    /// <summary>How long the last completed hold lasted.</summary>
    public TimeSpan LastHold { get; private set; }

    /// <summary>The level read at start: a button already held is watched for the maximum but can never reset.</summary>
    public void Initial(bool held)
    {
        Held = held;
        _pressedAt = null;
        if (held) ArmMax();
    }

    /// <summary>A new level at the edge's stamp <paramref name="edgeNs"/> (CLOCK_MONOTONIC ns); edges that repeat the known level are ignored.</summary>
    public ResetVerdict OnLevel(bool held, long edgeNs)
    {
        if (held == Held) return ResetVerdict.None;
        Held = held;
        if (held)
        {
            if (Settling) LastRefusal = "pressed again before the release had lasted the settle time: no reset, a new hold";
            CancelSettle();
            _pressedAt = edgeNs;
            ArmMax();
            return ResetVerdict.None;
        }
        _maxTimer?.Dispose();
        _maxTimer = null;
        var pressedAt = _pressedAt;
        _pressedAt = null;
        if (Stuck)
        {
            Stuck = false;
            LastRefusal = "released after being stuck: the release clears the fault, it does not reset";
            return ResetVerdict.None;
        }
        if (pressedAt is null)
        {
            LastRefusal = "the press was not seen (held at start, or cancelled by the emergency stop)";
            return ResetVerdict.None;
        }
        LastHold = TimeSpan.FromTicks((edgeNs - pressedAt.Value) / 100);
        if (LastHold < _min) { LastRefusal = $"held {LastHold.TotalMilliseconds:0} ms, less than {_min.TotalMilliseconds:0} ms"; return ResetVerdict.None; }
        if (LastHold > _max) { LastRefusal = $"held {LastHold.TotalMilliseconds:0} ms, more than {_max.TotalMilliseconds:0} ms"; return ResetVerdict.None; }
        LastRefusal = null;
        _settleArmedAt = _time.GetTimestamp();
        _settleTimer = _time.CreateTimer(_ => _onSettled(), null, _settle, Timeout.InfiniteTimeSpan);
        return ResetVerdict.Settling;
    }

    /// <summary>
    /// Called (under the panel's lock) when the settle timer fired, with the line as read now: <see cref="ResetVerdict.Reset"/>
    /// when the release has lasted the settle time and the line still reads released.
    /// </summary>
    public ResetVerdict SettleElapsed(bool lineReleased)
    {
        if (!Settling || Held) return ResetVerdict.None; // cancelled, or a timer of an earlier release
        var left = _settle - _time.GetElapsedTime(_settleArmedAt);
        if (left > TimeSpan.Zero)
        {
            // Early (the coarse timer clock, as for the maximum): wait out the rest.
            _settleTimer!.Dispose();
            _settleTimer = _time.CreateTimer(_ => _onSettled(), null, left + TimerSlack, Timeout.InfiniteTimeSpan);
            return ResetVerdict.None;
        }
        CancelSettle();
        if (!lineReleased)
        {
            LastRefusal = "the line reads pressed again when the release should have lasted the settle time (an edge not seen): no reset";
            return ResetVerdict.None;
        }
        return ResetVerdict.Reset;
    }

    /// <summary>Cancels the hold in progress, or the release waiting to settle (the emergency stop went active): no reset from it.</summary>
    public void Cancel()
    {
        _pressedAt = null;
        CancelSettle();
    }

    void CancelSettle()
    {
        _settleTimer?.Dispose();
        _settleTimer = null;
    }

    void ArmMax()
    {
        _maxTimer?.Dispose();
        _armedAt = _time.GetTimestamp();
        _maxTimer = _time.CreateTimer(_ => _onStuck(), null, _max, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Called (under the panel's lock) when the max timer fired; true when this made the button stuck.</summary>
    public bool MaxElapsed()
    {
        if (!Held || Stuck) return false; // released, or a timer of an earlier press
        var left = _max - _time.GetElapsedTime(_armedAt);
        if (left > TimeSpan.Zero)
        {
            // Early: timers run on a coarse clock (jiffies) and may fire a few ms before the fine clock says the hold
            // reached the maximum; the button is still held: wait out the rest.
            _maxTimer?.Dispose();
            _maxTimer = _time.CreateTimer(_ => _onStuck(), null, left + TimerSlack, Timeout.InfiniteTimeSpan);
            return false;
        }
        Stuck = true;
        _pressedAt = null;
        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _maxTimer?.Dispose();
        CancelSettle();
    }
}
