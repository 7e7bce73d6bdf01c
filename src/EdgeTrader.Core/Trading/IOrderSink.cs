namespace EdgeTrader.Trading;

/// <summary>
/// Where orders go once they passed both gates: the ZeroMQ gateway link, or the dry-run simulator. Called only from
/// the tick thread. A sink must not queue an order past an engagement: it re-checks nothing itself, so it must send
/// (or refuse) at once.
/// </summary>
public interface IOrderSink
{
    /// <summary>Sends <paramref name="order"/>; false when it could not be handed to the transport (counted, journaled as rejected).</summary>
    bool TrySend(in Order order);

    /// <summary>Asks the gateway to cancel everything (on every engagement). Called on the tick thread.</summary>
    void CancelAll(string reason, long generation);
}
