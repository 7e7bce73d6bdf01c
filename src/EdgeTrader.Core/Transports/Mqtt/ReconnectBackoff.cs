namespace EdgeTrader.Transports.Mqtt;

/// <summary>
/// The pause before the next connection attempt: 1 s after the first failure or loss, doubling to at most 5 s, and 1 s
/// again once a connection has been established (CONNACK and SUBACK). The first attempt at start waits for nothing.
/// Pure; the session waits it out on its injected clock.
/// </summary>
internal sealed class ReconnectBackoff
{
    /// <summary>Pause after the first failure.</summary>
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);

    /// <summary>Longest pause: a broker that comes back is found within this long.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(5);

    TimeSpan _next = First;

    /// <summary>The pause to wait now, and moves the schedule on.</summary>
    public TimeSpan Next()
    {
        var pause = _next;
        _next = _next * 2 > Max ? Max : _next * 2;
        return pause;
    }

    /// <summary>A connection was established: the next failure starts the schedule over.</summary>
    public void Reset() => _next = First;
}
