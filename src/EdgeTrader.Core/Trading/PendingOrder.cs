namespace EdgeTrader.Trading;

/// <summary>An order the journal shows as sent and not settled (no complete fill, reject or other end after it).</summary>
public sealed class PendingOrder
{
    /// <summary>The order id as sent (<c>node-run-seq</c>).</summary>
    public required string Id { get; init; }
    /// <summary>Start number the order was sent in.</summary>
    public long Run { get; init; }
    /// <summary>Order counter within its run.</summary>
    public long Seq { get; init; }
    /// <summary>Configured symbol id.</summary>
    public int SymbolId { get; init; }
    /// <summary>Side.</summary>
    public Side Side { get; init; }
    /// <summary>Ordered quantity.</summary>
    public double Qty { get; init; }
    /// <summary>Order price.</summary>
    public double Price { get; init; }
    /// <summary>When the order was stamped, epoch ms.</summary>
    public long TimeMs { get; init; }
    /// <summary>Quantity already filled per the journal.</summary>
    public double FilledQty { get; init; }
    /// <summary>Sum of qty × price of those fills.</summary>
    public double FilledNotional { get; init; }
    /// <summary>True when the journal holds an ack for it.</summary>
    public bool Acked { get; init; }
    /// <summary>Quantity not filled yet.</summary>
    public double Remaining => Math.Max(0, Qty - FilledQty);
}
