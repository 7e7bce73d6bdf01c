namespace EdgeTrader.Trading;

/// <summary>
/// execution.dryRun = true: nothing leaves the box. Orders are journaled by the loop and simulated as filled at the
/// order price; cancel-all has nothing to cancel and is only logged by the caller.
/// </summary>
public sealed class DryRunSink : IOrderSink
{
    /// <summary>Cancel-all requests seen (for status and tests).</summary>
    public long CancelAllCount => Interlocked.Read(ref _cancelAll);
    long _cancelAll;

    /// <inheritdoc/>
    public bool TrySend(in Order order) => true;

    /// <inheritdoc/>
    public void CancelAll(string reason, long generation) => Interlocked.Increment(ref _cancelAll);
}
