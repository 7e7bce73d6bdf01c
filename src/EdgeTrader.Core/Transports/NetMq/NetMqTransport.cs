using EdgeTrader.Configuration;
using NetMQ;
using NetMQ.Sockets;

namespace EdgeTrader.Transports.NetMq;

/// <summary>
/// The session's transports over NetMQ, the managed ZeroMQ port (<c>bridge.transport</c> "netmq"): a SUB to the
/// bridge (<see cref="NetMqTickFeed"/>), a DEALER to the gateway (<see cref="NetMqGatewayLink"/>; none in dry-run) and
/// an inproc PULL that other threads wake through a locked PUSH, waited on together by one <see cref="NetMQSelector"/>.
/// The same socket options as the libzmq transport: receive and send high-water marks, no queueing for an absent
/// gateway (NetMQ's <c>DelayAttachOnConnect</c> is libzmq's <c>ZMQ_IMMEDIATE</c>), reconnects from 100 ms backing off
/// to 2 s, linger 0. Endpoints are tcp:// to an IP address only (OptionsValidator refuses the rest; docs/zeromq.md).
/// Moves bytes; nothing here knows what a frame means.
/// </summary>
public sealed class NetMqTransport : ITradingTransport
{
    const int TickIndex = 0, WakeIndex = 1, GatewayIndex = 2;
    readonly BridgeOptions _bridge;
    readonly GatewayOptions? _gateway;
    readonly string _wakeEndpoint = $"inproc://edgetrader-wake-{Guid.NewGuid():N}";
    readonly object _wakeLock = new();
    readonly ShutdownFlag _shutdown = new();
    readonly NetMqTickFeed _feed;
    readonly NetMqGatewayLink? _link;
    readonly NetMQSelector _selector = new();
    NetMQSelector.Item[]? _items;
    PullSocket? _wake;
    PushSocket? _wakeSender;

    /// <summary>
    /// Transports for <paramref name="bridge"/> and, unless <paramref name="gateway"/> is null (dry-run: no order
    /// leaves the box), the gateway. Nothing is opened before <see cref="Open"/>.
    /// </summary>
    public NetMqTransport(BridgeOptions bridge, GatewayOptions? gateway)
    {
        _bridge = bridge;
        _gateway = gateway;
        _feed = new NetMqTickFeed();
        if (gateway is not null) _link = new NetMqGatewayLink(_shutdown);
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
        NetMqFaults.Install();
        try
        {
            OpenSockets();
        }
        catch (NetMQException ex)
        {
            throw new IOException($"NetMQ: {ex.Message}", ex); // a failed start, stated, like libzmq's
        }
    }

    void OpenSockets()
    {
        var sub = new SubscriberSocket();
        _feed.Socket = sub;
        sub.Options.Linger = TimeSpan.Zero;
        sub.Options.ReceiveHighWatermark = _bridge.ReceiveHighWaterMark;
        Reconnects(sub);
        sub.SubscribeToAnyTopic();
        sub.Connect(_bridge.Ticks);
        _wake = new PullSocket();
        _wake.Options.Linger = TimeSpan.Zero;
        _wake.Bind(_wakeEndpoint);
        lock (_wakeLock)
        {
            _wakeSender = new PushSocket();
            _wakeSender.Options.Linger = TimeSpan.Zero;
            _wakeSender.Options.SendHighWatermark = 16; // a full wake queue already means "wake up"
            _wakeSender.Connect(_wakeEndpoint);
        }
        var items = new List<NetMQSelector.Item> { new(sub, PollEvents.PollIn), new(_wake, PollEvents.PollIn) };
        if (_link is not null)
        {
            var dealer = new DealerSocket();
            _link.Socket = dealer;
            dealer.Options.Linger = TimeSpan.Zero;
            dealer.Options.SendHighWatermark = _gateway!.SendHighWaterMark;
            // libzmq's IMMEDIATE: never queue orders for a gateway that is not connected; they would leave late.
            dealer.Options.DelayAttachOnConnect = true;
            Reconnects(dealer);
            dealer.Connect(_gateway.Endpoint);
            items.Add(new NetMQSelector.Item(dealer, PollEvents.PollIn));
        }
        _items = [.. items];
    }

    static void Reconnects(NetMQSocket s)
    {
        s.Options.ReconnectInterval = TimeSpan.FromMilliseconds(100);
        s.Options.ReconnectIntervalMax = TimeSpan.FromSeconds(2);
    }

    /// <inheritdoc/>
    public Readiness Wait(int timeoutMs)
    {
        var items = _items ?? throw new InvalidOperationException("the transport is not open");
        if (_shutdown.Set) return Readiness.Closed;
        if (NetMqFaults.Fault is { } fault) throw NetMqFaults.Failure(fault);
        _selector.Select(items, items.Length, timeoutMs);
        if (_shutdown.Set) return Readiness.Closed;
        var r = Readiness.None;
        if (items[TickIndex].ResultEvent.HasIn()) r |= Readiness.Ticks;
        if (items[WakeIndex].ResultEvent.HasIn())
        {
            var msg = new Msg();
            msg.InitEmpty();
            while (_wake!.TryReceive(ref msg, TimeSpan.Zero)) { }
            if (msg.IsInitialised) msg.Close();
            r |= Readiness.Woken;
        }
        if (items.Length > GatewayIndex && items[GatewayIndex].ResultEvent.HasIn()) r |= Readiness.Gateway;
        return r;
    }

    /// <inheritdoc/>
    public void Wake()
    {
        lock (_wakeLock)
        {
            if (_wakeSender is null) return;
            var msg = new Msg();
            msg.InitGC(WakeByte, 1);
            if (!_wakeSender.TrySend(ref msg, TimeSpan.Zero, more: false)) msg.Close();
        }
    }

    static readonly byte[] WakeByte = [1];

    /// <inheritdoc/>
    /// <remarks>
    /// NetMQ has no context shutdown that only unblocks (its one context is process-wide): a flag read by every
    /// <see cref="Wait"/> and send, and a wake-up for a wait in progress, give what libzmq's <c>zmq_ctx_shutdown</c>
    /// gives: later waits say Closed and sends are refused.
    /// </remarks>
    public void Shutdown()
    {
        _shutdown.Set = true;
        Wake();
    }

    /// <summary>Closes the sockets (after the tick thread stopped using them). NetMQ's process-wide context stays.</summary>
    public void Dispose()
    {
        _shutdown.Set = true;
        lock (_wakeLock)
        {
            _wakeSender?.Dispose();
            _wakeSender = null;
        }
        _link?.Socket?.Dispose();
        _wake?.Dispose();
        _feed.Socket?.Dispose();
    }
}
