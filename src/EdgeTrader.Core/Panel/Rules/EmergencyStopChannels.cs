namespace EdgeTrader.Panel.Rules;

/// <summary>
/// One or two emergency-stop channels (NC contacts: open = stop demanded, and a cut wire reads open). Either channel
/// open is a stop at once ("provide 0": the response never waits for the discrepancy time). Two channels that disagree
/// for longer than the discrepancy time are a wiring fault (<see cref="Discrepancy"/>), and so is a stop (a demand: from
/// the first channel opening until both are closed again) in which only one channel was seen open, however short it
/// was (safety-relay practice: one channel welded or bridged closed is found at the next stop, not at a long one).
/// The fault is cleared only once both channels have been seen open together. Until the levels are read, both read
/// open (and count as seen open). Not thread-safe (the panel's lock).
/// </summary>
public sealed class EmergencyStopChannels(bool dual, TimeSpan discrepancy, TimeProvider time, Action onDiscrepancyTimer) : IDisposable
{
    readonly bool[] _open = [true, dual];
    readonly bool[] _seenOpen = [true, true]; // in the demand in progress
    readonly TimeProvider _time = time;
    readonly TimeSpan _discrepancy = discrepancy;
    readonly Action _onTimer = onDiscrepancyTimer;
    ITimer? _timer;

    /// <summary>Two channels configured.</summary>
    public bool Dual { get; } = dual;

    /// <summary>True when any channel is open: a stop is demanded.</summary>
    public bool Active => _open[0] || _open[1];

    /// <summary>One channel's level (0 = A, 1 = B).</summary>
    public bool IsOpen(int channel) => _open[channel];

    /// <summary>The channels disagreed too long, or a stop ended seen on one channel only (<see cref="OnLevel"/> sets it then); cleared when both are seen open.</summary>
    public bool Discrepancy { get; private set; }

    /// <summary>A channel's level; returns true when it changed.</summary>
    public bool OnLevel(int channel, bool open)
    {
        if (channel == 1 && !Dual) return false;
        if (_open[channel] == open) return false;
        bool wasActive = Active;
        _open[channel] = open;
        Evaluate(wasActive, channel);
        return true;
    }

    void Evaluate(bool wasActive, int channel)
    {
        if (!Dual) return;
        if (!wasActive && Active) _seenOpen[0] = _seenOpen[1] = false; // a new demand
        if (_open[channel]) _seenOpen[channel] = true;
        if (wasActive && !Active && !(_seenOpen[0] && _seenOpen[1])) Discrepancy = true; // a stop seen on one channel only
        if (_open[0] && _open[1]) Discrepancy = false; // both seen open: the switch test that clears the fault
        if (_open[0] != _open[1])
        {
            _timer ??= _time.CreateTimer(_ => _onTimer(), null, _discrepancy, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>Called (under the panel's lock) when the discrepancy timer fired; true when this raised the fault.</summary>
    public bool DiscrepancyElapsed()
    {
        _timer?.Dispose();
        _timer = null;
        if (!Dual || _open[0] == _open[1] || Discrepancy) return false;
        Discrepancy = true;
        return true;
    }

    /// <inheritdoc/>
    public void Dispose() => _timer?.Dispose();
}
