namespace EdgeTrader.Panel.Rules;

/// <summary>What a reset button's edge means.</summary>
public enum ResetVerdict
{
    /// <summary>Nothing to do (a press, or a release that does not count).</summary>
    None,
    /// <summary>Released after a hold inside the window: reset now.</summary>
    Reset,
}

/// <summary>
/// The reset button as PLCopen's SF_ResetButton: a reset happens on the <b>release</b> (trailing edge), and only when the
/// button was held at least <c>min</c> and at most <c>max</c>. A bounce, a tap, or a contact that closes and stays
/// closed never resets. Held past <c>max</c> it is stuck or shorted: <see cref="Stuck"/> becomes true (a fault) until the
/// button is seen released, and that release does not reset. A press that was not seen (held at start) never resets.
/// The hold is the time between the two edges' own stamps (the kernel's, CLOCK_MONOTONIC), so a late callback on a
/// loaded box does not lengthen or shorten it; the maximum is also watched by a timer, so a button that never comes
/// back is seen without waiting for its release. Not thread-safe: the panel calls it under its lock; the max timer
/// calls <c>onStuck</c> on the timer's thread.
/// </summary>
public sealed class ResetButton(TimeSpan min, TimeSpan max, TimeProvider time, Action onStuck) : IDisposable
{
    // Beyond the coarse timer clock's resolution (a few ms), so that a re-armed timer fires after the window, once.
    static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(10);

    readonly TimeSpan _min = min, _max = max;
    readonly TimeProvider _time = time;
    readonly Action _onStuck = onStuck;
    ITimer? _maxTimer;
    long? _pressedAt; // the press edge's stamp, ns
    long _armedAt;

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
        return ResetVerdict.Reset;
    }

    /// <summary>Cancels the hold in progress (the emergency stop went active): its release will not reset.</summary>
    public void Cancel() => _pressedAt = null;

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
    public void Dispose() => _maxTimer?.Dispose();
}
