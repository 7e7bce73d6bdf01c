using EdgeTrader.Trading;
using Serilog;

namespace EdgeTrader.Session;

/// <summary>
/// cancel_all on every engagement: requested on the engaging thread (any), sent on the tick thread before anything
/// else goes out. Requests carry the breaker generation; one send covers every request up to it.
/// </summary>
public sealed class CancelAllSchedule(IOrderSink sink, TimeProvider time, ILogger log)
{
    long _requestedGen;
    string _reason = "";
    long _sentGen;
    long _sent;

    /// <summary>cancel_all messages handed to the transport (in dry-run: requests seen).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>True while a request waits to be sent. Any thread (one volatile read).</summary>
    public bool Pending => Interlocked.Read(ref _requestedGen) > Volatile.Read(ref _sentGen);

    /// <summary>Asks for a cancel_all of <paramref name="generation"/>. Any thread; the caller wakes the tick thread.</summary>
    public void Request(string reason, long generation)
    {
        Volatile.Write(ref _reason, reason);
        long seen;
        do
        {
            seen = Interlocked.Read(ref _requestedGen);
            if (generation <= seen) return;
        }
        while (Interlocked.CompareExchange(ref _requestedGen, generation, seen) != seen);
    }

    /// <summary>Sends the waiting request, if any (tick thread). A send the transport refuses is logged and not retried: the gateway was not there to hear it.</summary>
    public void Flush()
    {
        long gen = Interlocked.Read(ref _requestedGen);
        if (gen <= _sentGen) return;
        Volatile.Write(ref _sentGen, gen);
        string reason = Volatile.Read(ref _reason);
        bool sent = sink.CancelAll(reason, gen, time.GetUtcNow().ToUnixTimeMilliseconds());
        if (sent) Interlocked.Increment(ref _sent);
        if (sink.SimulatesFills) log.Warning("cancel-all (dry-run, nothing to cancel): generation {Generation}, {Reason}", gen, reason);
        else log.Warning("cancel-all {Outcome}: generation {Generation}, {Reason}", sent ? "sent" : "NOT sent (gateway not connected)", gen, reason);
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
