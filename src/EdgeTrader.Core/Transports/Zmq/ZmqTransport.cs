using EdgeTrader.Configuration;
using EdgeTrader.Interop.Zmq;

namespace EdgeTrader.Transports.Zmq;

/// <summary>
/// The session's transports over libzmq: a SUB to the bridge (<see cref="ZmqTickFeed"/>), a DEALER to the gateway
/// (<see cref="ZmqGatewayLink"/>; none in dry-run) and an inproc PULL that other threads wake through a locked PUSH,
/// polled together by one zmq_poll. Moves bytes and sets socket options; nothing here knows what a frame means.
/// Socket options and why: docs/zeromq.md.
/// </summary>
public sealed class ZmqTransport : ITradingTransport
{
    readonly BridgeOptions _bridge;
    readonly GatewayOptions? _gateway;
    readonly ZmqContext _ctx;
    readonly string _wakeEndpoint = $"inproc://edgetrader-wake-{Guid.NewGuid():N}";
    readonly object _wakeLock = new();
    readonly byte[] _wakeRx = new byte[16];
    readonly ZmqTickFeed _feed = new();
    readonly ZmqGatewayLink? _link;
    ZmqSocket? _wake;
    ZmqSocket? _wakeSender;
    ZmqPoller? _poller;
    int _gatewayIndex = -1;

    /// <summary>
    /// Transports for <paramref name="bridge"/> and, unless <paramref name="gateway"/> is null (dry-run: no order
    /// leaves the box), the gateway. Nothing is opened before <see cref="Open"/>.
    /// </summary>
    public ZmqTransport(BridgeOptions bridge, GatewayOptions? gateway)
    {
        _bridge = bridge;
        _gateway = gateway;
        _ctx = ZmqContext.Create();
        if (gateway is not null) _link = new ZmqGatewayLink(this);
    }

    /// <inheritdoc/>
    public ITickFeed Ticks => _feed;

    /// <inheritdoc/>
    public IGatewayLink? Gateway => _link;

    /// <inheritdoc/>
    public (string Ticks, string? Gateway) Endpoints => (_bridge.Ticks, _gateway?.Endpoint);

    /// <inheritdoc/>
    public void Open()
    {
        var sub = _ctx.Socket(LibZmq.SUB);
        _feed.Socket = sub;
        sub.SetOption(LibZmq.RCVHWM, _bridge.ReceiveHighWaterMark);
        sub.SetOption(LibZmq.SUBSCRIBE, ReadOnlySpan<byte>.Empty);
        sub.SetOption(LibZmq.RECONNECT_IVL, 100);
        sub.SetOption(LibZmq.RECONNECT_IVL_MAX, 2000);
        sub.Connect(_bridge.Ticks);
        _wake = _ctx.Socket(LibZmq.PULL);
        _wake.Bind(_wakeEndpoint);
        lock (_wakeLock)
        {
            _wakeSender = _ctx.Socket(LibZmq.PUSH);
            _wakeSender.SetOption(LibZmq.SNDHWM, 16); // a full wake queue already means "wake up"
            _wakeSender.Connect(_wakeEndpoint);
        }
        if (_link is not null)
        {
            var dealer = _ctx.Socket(LibZmq.DEALER);
            _link.Socket = dealer;
            dealer.SetOption(LibZmq.SNDHWM, _gateway!.SendHighWaterMark);
            // IMMEDIATE: never queue orders for a gateway that is not connected; they would leave late.
            dealer.SetOption(LibZmq.IMMEDIATE, 1);
            dealer.SetOption(LibZmq.RECONNECT_IVL, 100);
            dealer.SetOption(LibZmq.RECONNECT_IVL_MAX, 2000);
            dealer.Connect(_gateway.Endpoint);
            _poller = new ZmqPoller(sub, _wake, dealer);
            _gatewayIndex = 2;
        }
        else
        {
            _poller = new ZmqPoller(sub, _wake);
        }
    }

    /// <inheritdoc/>
    public Readiness Wait(int timeoutMs)
    {
        var p = _poller ?? throw new InvalidOperationException("the transport is not open");
        if (p.Poll(timeoutMs) < 0) return Readiness.Closed;
        var r = Readiness.None;
        if (p.IsReadable(0)) r |= Readiness.Ticks;
        if (p.IsReadable(1))
        {
            while (_wake!.Receive(_wakeRx) >= 0) { }
            r |= Readiness.Woken;
        }
        if (_gatewayIndex >= 0 && p.IsReadable(_gatewayIndex)) r |= Readiness.Gateway;
        return r;
    }

    /// <inheritdoc/>
    public void Wake()
    {
        lock (_wakeLock)
        {
            _wakeSender?.Send([1]);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Sends are refused from here on by a flag as well: a libzmq socket reads the context's shutdown from its command
    /// queue, which it skips for about a millisecond after a send, so the next send would still be taken (and lost).
    /// </remarks>
    public void Shutdown()
    {
        ShutDown = true;
        _ctx.Shutdown();
    }

    internal volatile bool ShutDown;

    /// <summary>Closes the sockets and terminates the context (after the tick thread stopped using them).</summary>
    public void Dispose()
    {
        lock (_wakeLock)
        {
            _wakeSender?.Dispose();
            _wakeSender = null;
        }
        _link?.Socket?.Dispose();
        _wake?.Dispose();
        _feed.Socket?.Dispose();
        _ctx.Dispose();
    }
}

/// <summary>Ticks from a SUB socket: the payload is a message's last frame.</summary>
public sealed class ZmqTickFeed : ITickFeed
{
    internal ZmqSocket? Socket;

    /// <inheritdoc/>
    public int TryReceive(Span<byte> buffer)
    {
        var s = Socket!;
        int n = s.Receive(buffer);
        if (n < 0) return -1;
        while (s.HasMore) n = s.Receive(buffer); // a leading topic frame is allowed: the payload is the last frame
        return n;
    }
}

/// <summary>The gateway link over a DEALER socket (IMMEDIATE: no peer, no queueing).</summary>
public sealed class ZmqGatewayLink : IGatewayLink
{
    readonly ZmqTransport _transport;
    internal ZmqSocket? Socket;

    internal ZmqGatewayLink(ZmqTransport transport) => _transport = transport;

    /// <inheritdoc/>
    public bool TrySend(ReadOnlySpan<byte> frame) => !_transport.ShutDown && Socket!.Send(frame);

    /// <inheritdoc/>
    public int TryReceive(Span<byte> buffer)
    {
        var s = Socket!;
        int n = s.Receive(buffer);
        if (n < 0) return -1;
        while (s.HasMore) n = s.Receive(buffer);
        return n;
    }
}
