namespace EdgeTrader.Panel.Rules;

/// <summary>
/// One or two emergency-stop channels (NC contacts: open = stop demanded, and a cut wire reads open). Either channel
/// open is a stop at once ("provide 0": the response never waits for the discrepancy time). Two channels that disagree
/// for longer than the discrepancy time are a wiring fault (<see cref="Discrepancy"/>), cleared only once both channels
/// have been seen open together. Until the levels are read, both read open. Not thread-safe (the panel's lock).
/// </summary>
public sealed class EmergencyStopChannels(bool dual, TimeSpan discrepancy, TimeProvider time, Action onDiscrepancyTimer) : IDisposable
{
    readonly bool[] _open = [true, dual];
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

    /// <summary>The channels disagreed too long; cleared when both are seen open.</summary>
    public bool Discrepancy { get; private set; }

    /// <summary>A channel's level; returns true when it changed.</summary>
    public bool OnLevel(int channel, bool open)
    {
        if (channel == 1 && !Dual) return false;
        if (_open[channel] == open) return false;
        _open[channel] = open;
        Evaluate();
        return true;
    }

    void Evaluate()
    {
        if (!Dual) return;
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
