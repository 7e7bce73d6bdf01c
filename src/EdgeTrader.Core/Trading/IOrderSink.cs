namespace EdgeTrader.Trading;

/// <summary>
/// Where orders go once they passed both gates: the gateway link, or the dry-run simulator. Called only from the tick
/// thread. A sink must not queue an order past an engagement: it re-checks nothing itself, so it hands the order to
/// the transport at once or refuses it.
/// </summary>
public interface IOrderSink
{
    /// <summary>
    /// True when nothing leaves the box and every order counts as filled at its own price at once (dry-run). The loop
    /// reads it once; the composition decides it once, by the sink it chooses.
    /// </summary>
    bool SimulatesFills { get; }

    /// <summary>Sends <paramref name="order"/>; false when it could not be handed to the transport (counted, journaled as not sent).</summary>
    bool TrySend(in Order order);

    /// <summary>
    /// Asks the gateway to cancel every order of this node (on every engagement and at a clean stop); false when it could
    /// not be handed to the transport. <paramref name="requestId"/> names the request; a resend carries the same one.
    /// </summary>
    bool CancelAll(string requestId, string reason, long generation, long timeMs);
}
