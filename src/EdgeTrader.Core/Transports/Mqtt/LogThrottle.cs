namespace EdgeTrader.Transports.Mqtt;

/// <summary>
/// Lets through at most <c>max</c> log lines per period on the injected clock's monotonic timestamps, so a flood of
/// garbage cannot flood the log (and a wall-clock step neither silences nor unleashes it).
/// </summary>
internal sealed class LogThrottle
{
    readonly object _lock = new();
    readonly TimeProvider _time;
    readonly TimeSpan _period;
    readonly int _max;
    long _windowStart;
    int _count;

    public LogThrottle(TimeSpan period, int max, TimeProvider time)
    {
        _time = time;
        _period = period;
        _max = max;
        _windowStart = time.GetTimestamp();
    }

    /// <summary>True when this line may be logged.</summary>
    public bool Allow()
    {
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_windowStart, now) >= _period)
            {
                _windowStart = now;
                _count = 0;
            }
            return ++_count <= _max;
        }
    }
}
