using System.Diagnostics;
using System.Text;
using EdgeTrader.Configuration;
using EdgeTrader.Transports;
using EdgeTrader.Transports.NetMq;
using EdgeTrader.Transports.Zmq;

namespace EdgeTrader.Tests.Transports;

/// <summary>
/// What both ZeroMQ transports do when a peer goes away and comes back on the same endpoint, and after a shutdown:
/// real libzmq peers (the bridge and gateway a box meets) over loopback TCP.
/// </summary>
public abstract class ZmqPeerLossTests : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    readonly List<IDisposable> _owned = [];

    /// <summary>An unopened transport of this implementation.</summary>
    protected abstract ITradingTransport Create(BridgeOptions bridge, GatewayOptions? gateway);

    /// <summary>The transport this suite runs against (one created, never opened): <see cref="TransportContractCoverageTests"/>.</summary>
    internal Type TransportUnderTest()
    {
        using var t = Create(new BridgeOptions { Ticks = Loopback.Endpoint() }, new GatewayOptions { Endpoint = Loopback.Endpoint() });
        return t.GetType();
    }

    T Own<T>(T d) where T : IDisposable
    {
        _owned.Add(d);
        return d;
    }

    ITradingTransport Open(string ticks, string? gateway)
    {
        var t = Own(Create(new BridgeOptions { Ticks = ticks, ReceiveHighWaterMark = 0 },
            gateway is null ? null : new GatewayOptions { Endpoint = gateway, SendHighWaterMark = 0 }));
        t.Open();
        return t;
    }

    static bool SendWithin(IGatewayLink link, string frame, TimeSpan patience)
    {
        var sw = Stopwatch.StartNew();
        while (!link.TrySend(Encoding.UTF8.GetBytes(frame)))
        {
            if (sw.Elapsed > patience) return false;
            Thread.Sleep(5); // polling for a connection with a deadline
        }
        return true;
    }

    [Fact]
    public void A_gateway_that_went_away_gets_no_order_queued_for_its_return()
    {
        string gw = Loopback.Endpoint();
        var first = new ZmqGatewayLinkTests.RouterPeer(gw);
        first.Start();
        var t = Open(Loopback.Endpoint(), gw);
        var link = t.Gateway!;
        Assert.True(SendWithin(link, "hello", Patience), "the link never connected");
        Assert.Equal("hello", Encoding.UTF8.GetString(first.Receive(Patience)!));
        first.Dispose();
        // Until the transport sees the connection gone a frame may still be taken (and is lost with the connection);
        // from then on every frame is refused, none is kept for a gateway that comes back.
        var sw = Stopwatch.StartNew();
        while (link.TrySend("{\"type\":\"order\",\"id\":\"lost\"}"u8))
        {
            Assert.True(sw.Elapsed < Patience, "sends were still taken 10 s after the gateway went away");
            Thread.Sleep(5);
        }
        for (int i = 0; i < 50; i++) Assert.False(link.TrySend("{\"type\":\"order\",\"id\":\"refused\"}"u8));
        var second = Own(new ZmqGatewayLinkTests.RouterPeer(gw));
        second.Start();
        Assert.True(SendWithin(link, "after", Patience), "the link never reconnected");
        Assert.Equal("after", Encoding.UTF8.GetString(second.Receive(Patience)!));
        Assert.Null(second.Receive(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public void A_bridge_restarted_on_the_same_endpoint_is_heard_again()
    {
        string ep = Loopback.Endpoint();
        var first = new ZmqTickFeedTests.XPubPublisher(ep);
        var t = Open(ep, gateway: null);
        first.AwaitSubscriber();
        first.Dispose();
        var second = Own(new ZmqTickFeedTests.XPubPublisher(ep));
        // A restarted bridge publishes from its start; what it sent before the feed was back is lost (a seq gap).
        var buf = new byte[64];
        var sw = Stopwatch.StartNew();
        int n = -1;
        while (n < 0 && sw.Elapsed < Patience)
        {
            second.Publish("after the restart"u8.ToArray());
            t.Wait(20);
            n = t.Ticks.TryReceive(buf);
        }
        Assert.Equal("after the restart", Encoding.UTF8.GetString(buf, 0, Math.Max(n, 0)));
    }

    [Fact]
    public void After_a_shutdown_sends_are_refused_and_every_wait_says_closed()
    {
        string gw = Loopback.Endpoint(), ticks = Loopback.Endpoint();
        var peer = Own(new ZmqGatewayLinkTests.RouterPeer(gw));
        peer.Start();
        var pub = Own(new ZmqTickFeedTests.XPubPublisher(ticks));
        var t = Open(ticks, gw);
        pub.AwaitSubscriber();
        Assert.True(SendWithin(t.Gateway!, "hello", Patience), "the link never connected");
        Assert.NotNull(peer.Receive(Patience));
        pub.Publish("waiting"u8.ToArray());
        peer.Send("{\"type\":\"heartbeat\"}"u8.ToArray());
        var sw = Stopwatch.StartNew();
        while ((t.Wait(50) & (Readiness.Ticks | Readiness.Gateway)) != (Readiness.Ticks | Readiness.Gateway) && sw.Elapsed < Patience) { }
        // A send just before the shutdown: libzmq then skips its socket's command queue (where the shutdown waits) for
        // about a millisecond, and would take the next send too.
        Assert.True(t.Gateway!.TrySend("{\"type\":\"order\",\"id\":\"before\"}"u8));
        t.Shutdown();
        Assert.False(t.Gateway!.TrySend("{\"type\":\"order\",\"id\":\"after\"}"u8));
        for (int i = 0; i < 3; i++) Assert.Equal(Readiness.Closed, t.Wait(1000) & Readiness.Closed);
        for (byte[]? f; (f = peer.Receive(TimeSpan.FromMilliseconds(300))) is not null;)
            Assert.DoesNotContain("after", Encoding.UTF8.GetString(f), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Peer loss and shutdown on the libzmq transport.</summary>
public sealed class LibzmqPeerLossTests : ZmqPeerLossTests
{
    protected override ITradingTransport Create(BridgeOptions bridge, GatewayOptions? gateway) => new ZmqTransport(bridge, gateway);
}

/// <summary>Peer loss and shutdown on the NetMQ transport.</summary>
public sealed class NetMqPeerLossTests : ZmqPeerLossTests
{
    protected override ITradingTransport Create(BridgeOptions bridge, GatewayOptions? gateway) =>
        new NetMqTransport(bridge with { Transport = ZmqTransportKind.NetMq }, gateway);
}
