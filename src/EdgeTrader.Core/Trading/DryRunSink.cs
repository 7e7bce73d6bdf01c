namespace EdgeTrader.Trading;

/// <summary>
/// execution.dryRun = true: nothing leaves the box. Orders are journaled by the loop and simulated as filled at the
/// order price; cancel-all has nothing to cancel and is only counted (and logged by the caller).
/// </summary>
public sealed class DryRunSink : IOrderSink
{
    long _cancelAll;

    /// <summary>Cancel-all requests seen (for status and tests).</summary>
    public long CancelAllCount => Interlocked.Read(ref _cancelAll);

    /// <inheritdoc/>
    public bool SimulatesFills => true;

    /// <inheritdoc/>
    public bool TrySend(in Order order) => true;

    /// <inheritdoc/>
    public bool CancelAll(string requestId, string reason, long generation, long timeMs)
    {
        Interlocked.Increment(ref _cancelAll); // read by status on another thread
        return true;
    }
}
