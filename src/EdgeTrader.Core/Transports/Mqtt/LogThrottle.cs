namespace EdgeTrader.Transports.Mqtt;

/// <summary>Lets through at most <c>max</c> log lines per period, so a flood of garbage cannot flood the log.</summary>
internal sealed class LogThrottle(TimeSpan period, int max)
{
    readonly object _lock = new();
    long _windowStart = Environment.TickCount64;
    int _count;

    /// <summary>True when this line may be logged.</summary>
    public bool Allow()
    {
        lock (_lock)
        {
            long now = Environment.TickCount64;
            if (now - _windowStart > (long)period.TotalMilliseconds)
            {
                _windowStart = now;
                _count = 0;
            }
            return ++_count <= max;
        }
    }
}
