namespace EdgeTrader.Transports;

/// <summary>
/// The order link to the execution gateway (CONTRACT §4, docs/contract.md): one JSON object per frame, both ways.
/// A transport moves bytes; what a frame means is decided above it. Used only by the tick thread.
/// </summary>
public interface IGatewayLink
{
    /// <summary>
    /// Hands <paramref name="frame"/> to the transport now, or returns false: no gateway is connected, or its queue is
    /// full. A refused frame is gone: it is never queued for a later connection (an order must not leave late, after
    /// an engagement the sender could not see).
    /// </summary>
    bool TrySend(ReadOnlySpan<byte> frame);

    /// <summary>
    /// Copies the next frame from the gateway into <paramref name="buffer"/> without blocking. Returns the frame's full
    /// length (larger than the buffer when it was cut), or -1 when nothing is waiting.
    /// </summary>
    int TryReceive(Span<byte> buffer);
}
