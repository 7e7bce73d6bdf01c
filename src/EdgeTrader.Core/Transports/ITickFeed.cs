namespace EdgeTrader.Transports;

/// <summary>
/// Ticks in from the bridge (CONTRACT §3, docs/contract.md): one payload per message, the message's last frame (a
/// leading topic frame is allowed and skipped). A transport moves bytes; what a payload means is decided above it.
/// Used only by the tick thread.
/// </summary>
public interface ITickFeed
{
    /// <summary>
    /// Copies the next waiting payload into <paramref name="buffer"/> without blocking. Returns the payload's full
    /// length, which is larger than the buffer when the payload did not fit (it was cut: the caller treats it as
    /// oversize), or -1 when nothing is waiting.
    /// </summary>
    int TryReceive(Span<byte> buffer);
}
