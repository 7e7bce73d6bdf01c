using NetMQ;

namespace EdgeTrader.Transports.NetMq;

/// <summary>Set once by <see cref="NetMqTransport.Shutdown"/>; read by every wait and send on the tick thread.</summary>
internal sealed class ShutdownFlag
{
    public volatile bool Set;
}

/// <summary>Ticks from a NetMQ SUB socket: the payload is a message's last frame.</summary>
public sealed class NetMqTickFeed : ITickFeed
{
    internal NetMQSocket? Socket;

    /// <inheritdoc/>
    public int TryReceive(Span<byte> buffer) => NetMqFrames.ReceiveLast(Socket!, buffer);
}

/// <summary>The gateway link over a NetMQ DEALER socket (DelayAttachOnConnect: no peer, no queueing).</summary>
public sealed class NetMqGatewayLink : IGatewayLink
{
    readonly ShutdownFlag _shutdown;
    internal NetMQSocket? Socket;

    internal NetMqGatewayLink(ShutdownFlag shutdown) => _shutdown = shutdown;

    /// <inheritdoc/>
    public bool TrySend(ReadOnlySpan<byte> frame)
    {
        if (_shutdown.Set || NetMqFaults.Fault is not null) return false; // a dead I/O thread would never send it
        var msg = new Msg();
        msg.InitPool(frame.Length);
        frame.CopyTo(msg.Slice());
        if (Socket!.TrySend(ref msg, TimeSpan.Zero, more: false)) return true; // NetMQ owns the buffer now
        msg.Close();
        return false;
    }

    /// <inheritdoc/>
    public int TryReceive(Span<byte> buffer) => NetMqFrames.ReceiveLast(Socket!, buffer);
}

/// <summary>Receiving without blocking into a caller's buffer, as the libzmq binding does.</summary>
internal static class NetMqFrames
{
    /// <summary>
    /// Copies the last frame of the next waiting message into <paramref name="buffer"/> (cut to fit); returns its full
    /// length, or -1 when no message is waiting. The frames of a message arrive together, so the later ones are there.
    /// </summary>
    public static int ReceiveLast(NetMQSocket socket, Span<byte> buffer)
    {
        var msg = new Msg();
        msg.InitEmpty();
        try
        {
            if (!socket.TryReceive(ref msg, TimeSpan.Zero)) return -1;
            while (msg.HasMore)
                if (!socket.TryReceive(ref msg, TimeSpan.Zero)) return -1;
            int n = msg.Size;
            var data = msg.Slice();
            data[..Math.Min(n, buffer.Length)].CopyTo(buffer);
            return n;
        }
        finally
        {
            if (msg.IsInitialised) msg.Close();
        }
    }
}
