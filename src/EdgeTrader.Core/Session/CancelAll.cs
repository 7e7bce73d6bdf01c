using EdgeTrader.Trading;
using Serilog;

namespace EdgeTrader.Session;

/// <summary>
/// cancel_all on every engagement: requested on the engaging thread (any), sent on the tick thread before anything
/// else goes out. Requests are counted, not compared by generation (an adopted peer engagement may carry a lower
/// number than an earlier own one): one send covers every request made before it, with the latest reason.
/// </summary>
public sealed class CancelAllSchedule(IOrderSink sink, TimeProvider time, ILogger log)
{
    readonly object _gate = new();
    long _requested;
    long _flushed;
    (string Reason, long Generation) _latest = ("", 0);
    long _sent;

    /// <summary>cancel_all messages handed to the transport (in dry-run: requests seen).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>True while a request waits to be sent. Any thread (one volatile read).</summary>
    public bool Pending => Interlocked.Read(ref _requested) > Volatile.Read(ref _flushed);

    /// <summary>Asks for a cancel_all of the engagement <paramref name="generation"/>. Any thread; the caller wakes the tick thread.</summary>
    public void Request(string reason, long generation)
    {
        lock (_gate) _latest = (reason, generation); // off the tick path: engagements are rare
        Interlocked.Increment(ref _requested);
    }

    /// <summary>Sends the waiting request, if any (tick thread). A send the transport refuses is logged and not retried: the gateway was not there to hear it.</summary>
    public void Flush()
    {
        long requested = Interlocked.Read(ref _requested);
        if (requested <= _flushed) return;
        Volatile.Write(ref _flushed, requested);
        (string reason, long gen) = Latest();
        bool sent = sink.CancelAll(reason, gen, time.GetUtcNow().ToUnixTimeMilliseconds());
        if (sent) Interlocked.Increment(ref _sent);
        if (sink.SimulatesFills) log.Warning("cancel-all (dry-run, nothing to cancel): generation {Generation}, {Reason}", gen, reason);
        else log.Warning("cancel-all {Outcome}: generation {Generation}, {Reason}", sent ? "sent" : "NOT sent (gateway not connected)", gen, reason);
    }

    (string, long) Latest()
    {
        lock (_gate) return _latest;
    }
}

/// <summary>
/// The sink the loop sends through: a waiting cancel_all goes out first, so no order ever leaves ahead of the
/// cancel_all of an engagement that happened before it, even one already reset.
/// </summary>
public sealed class CancelFirstSink(IOrderSink inner, CancelAllSchedule cancels) : IOrderSink
{
    /// <inheritdoc/>
    public bool SimulatesFills => inner.SimulatesFills;

    /// <inheritdoc/>
    public bool TrySend(in Order order)
    {
        if (cancels.Pending) cancels.Flush();
        return inner.TrySend(in order);
    }

    /// <inheritdoc/>
    public bool CancelAll(string reason, long generation, long timeMs) => inner.CancelAll(reason, generation, timeMs);
}

/// <summary>Orders and cancel_all as frames on the gateway link.</summary>
public sealed class GatewayOrderSink(Transports.IGatewayLink link, GatewayWire wire) : IOrderSink
{
    /// <inheritdoc/>
    public bool SimulatesFills => false;

    /// <inheritdoc/>
    public bool TrySend(in Order order) => link.TrySend(wire.Order(in order));

    /// <inheritdoc/>
    public bool CancelAll(string reason, long generation, long timeMs) => link.TrySend(wire.CancelAll(reason, generation, timeMs));
}
