namespace EdgeTrader.Transports;

/// <summary>What <see cref="ITradingTransport.Wait"/> found.</summary>
[Flags]
public enum Readiness
{
    /// <summary>The wait timed out.</summary>
    None = 0,
    /// <summary>The tick feed has payloads waiting.</summary>
    Ticks = 1,
    /// <summary>The gateway link has frames waiting.</summary>
    Gateway = 2,
    /// <summary>Another thread called <see cref="ITradingTransport.Wake"/>.</summary>
    Woken = 4,
    /// <summary>The transport was shut down: the tick thread stops.</summary>
    Closed = 8,
}

/// <summary>
/// The transports of one trading session: the tick feed, the gateway link (none in dry-run) and the one wait that
/// blocks the tick thread until either has input, another thread wakes it, or a timeout passes. Implementations:
/// ZeroMQ (Transports/Zmq) and in memory (Transports/InMemory); both run the same contract tests.
/// Threading: <see cref="Open"/>, <see cref="Wait"/>, the feed and the link belong to the tick thread;
/// <see cref="Wake"/> and <see cref="Shutdown"/> may be called from any thread.
/// </summary>
public interface ITradingTransport : IDisposable
{
    /// <summary>The tick feed (valid after <see cref="Open"/>).</summary>
    ITickFeed Ticks { get; }

    /// <summary>The gateway link, or null when orders do not leave the box (dry-run). Valid after <see cref="Open"/>.</summary>
    IGatewayLink? Gateway { get; }

    /// <summary>Where ticks come from and orders go, for logs and link details.</summary>
    (string Ticks, string? Gateway) Endpoints { get; }

    /// <summary>Opens the sockets, on the thread that will use them; throws what failed.</summary>
    void Open();

    /// <summary>Blocks up to <paramref name="timeoutMs"/> (0 = only look) for input or a wake-up; says what is ready.</summary>
    Readiness Wait(int timeoutMs);

    /// <summary>Makes a <see cref="Wait"/> in progress (or the next one) return at once with <see cref="Readiness.Woken"/>. Any thread.</summary>
    void Wake();

    /// <summary>Makes every later <see cref="Wait"/> return <see cref="Readiness.Closed"/> (and one in progress, at once). Any thread.</summary>
    void Shutdown();
}
