namespace EdgeTrader.Transports.NetMq;

/// <summary>
/// An exception on one of NetMQ's own threads (its I/O thread, its reaper) ends the process in NetMQ 4.0.4.5: e.g. a
/// peer's ZMTP READY command with a negative property length throws an OverflowException there (measured; libzmq drops
/// such a connection). The process-wide unhandled-exception handler of .NET 10 claims exactly those exceptions (by
/// NetMQ's thread names) and keeps the first: the thread is gone and NetMQ no longer moves bytes, so every
/// <see cref="NetMqTransport"/> refuses sends and its next wait throws, and the trading session fails closed (engaged,
/// logged, the daemon exits 1) instead of the process dying mid-way with the breaker as it was.
/// </summary>
internal static class NetMqFaults
{
    static Exception? s_fault;
    static int s_installed;

    /// <summary>The first exception NetMQ's threads died of; null while they run.</summary>
    public static Exception? Fault => Volatile.Read(ref s_fault);

    /// <summary>Claims NetMQ's thread exceptions from now on (once per process; a no-op where .NET lacks the handler).</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref s_installed, 1) != 0) return;
#if NET10_0_OR_GREATER
        try
        {
            System.Runtime.ExceptionServices.ExceptionHandling.SetUnhandledExceptionHandler(Claim);
        }
        catch (InvalidOperationException)
        {
            // Another handler was set first: NetMQ's faults end the process, as without this class.
        }
#endif
    }

    /// <summary>True (handled) for an exception on a NetMQ thread; any other stays unhandled and ends the process.</summary>
    internal static bool Claim(Exception ex)
    {
        if (!IsNetMqThread(Thread.CurrentThread.Name)) return false;
        Interlocked.CompareExchange(ref s_fault, ex, null);
        return true;
    }

    // NetMQ names them "iothread-<n>" and "reaper-<n>" (Core/IOThread.cs, Core/Reaper.cs); nothing of ours does.
    internal static bool IsNetMqThread(string? name) =>
        name is not null && (name.StartsWith("iothread-", StringComparison.Ordinal) || name.StartsWith("reaper-", StringComparison.Ordinal));

    /// <summary>What a transport throws once NetMQ's threads died.</summary>
    public static IOException Failure(Exception fault) =>
        new($"NetMQ's I/O thread died ({fault.GetType().Name}: {fault.Message}), most likely of a malformed handshake or frame from a peer; NetMQ moves no more bytes in this process", fault);
}
