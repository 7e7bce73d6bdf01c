using System.Net;
using System.Net.Sockets;
using EdgeTrader.Configuration;
using EdgeTrader.Interop.Zmq;
using EdgeTrader.Transports;
using EdgeTrader.Transports.Zmq;

namespace EdgeTrader.Tests.Transports;

/// <summary>Loopback endpoints and libzmq peers for the ZeroMQ contract tests.</summary>
internal static class Loopback
{
    public static string Endpoint()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return $"tcp://127.0.0.1:{port}";
    }
}

/// <summary>The gateway-link contract on real libzmq sockets over loopback TCP: our DEALER against a ROUTER.</summary>
public sealed class ZmqGatewayLinkTests : GatewayLinkContractTests
{
    /// <summary>A libzmq ROUTER: the gateway peer of every ZeroMQ transport's tests (NetMQ's too: a real gateway links libzmq).</summary>
    internal sealed class RouterPeer(string endpoint) : IGatewayPeer
    {
        readonly ZmqContext _ctx = ZmqContext.Create();
        ZmqSocket? _router;
        ZmqPoller? _poller;
        byte[]? _peerId;
        readonly byte[] _buf = new byte[1 << 16];

        public void Start()
        {
            _router = _ctx.Socket(LibZmq.ROUTER);
            _router.SetOption(LibZmq.SNDHWM, 0);
            _router.SetOption(LibZmq.RCVHWM, 0);
            _router.Bind(endpoint);
            _poller = new ZmqPoller(_router);
        }

        public byte[]? Receive(TimeSpan timeout)
        {
            if (_poller!.Poll((int)timeout.TotalMilliseconds) <= 0) return null;
            int n = _router!.Receive(_buf);
            _peerId = _buf.AsSpan(0, n).ToArray();
            n = _router.Receive(_buf);
            return _buf.AsSpan(0, n).ToArray();
        }

        public void Send(byte[] frame)
        {
            Assert.True(_router!.Send(_peerId ?? throw new InvalidOperationException("the link has not spoken yet"), dontWait: false, more: true));
            Assert.True(_router.Send(frame, dontWait: false));
        }

        public void Dispose()
        {
            _router?.Dispose();
            _ctx.Dispose();
        }
    }

    protected override (ITradingTransport Transport, IGatewayPeer Gateway) Create(bool peerUp)
    {
        string gw = Loopback.Endpoint();
        var peer = new RouterPeer(gw);
        if (peerUp) peer.Start();
        var t = new ZmqTransport(new BridgeOptions { Ticks = Loopback.Endpoint() }, new GatewayOptions { Endpoint = gw, SendHighWaterMark = 0 });
        t.Open();
        return (t, peer);
    }
}

/// <summary>The tick-feed contract on real libzmq sockets over loopback TCP: our SUB against an XPUB.</summary>
public sealed class ZmqTickFeedTests : TickFeedContractTests
{
    /// <summary>A libzmq XPUB: the bridge of every ZeroMQ transport's tests (NetMQ's too: a real bridge links libzmq).</summary>
    internal sealed class XPubPublisher : ITickPublisher
    {
        readonly ZmqContext _ctx = ZmqContext.Create();
        readonly ZmqSocket _pub;

        public XPubPublisher(string endpoint)
        {
            _pub = _ctx.Socket(LibZmq.XPUB);
            _pub.SetOption(LibZmq.SNDHWM, 0);
            _pub.Bind(endpoint);
        }

        /// <summary>Waits for the feed's subscription: from then on nothing published is lost to the slow joiner.</summary>
        public void AwaitSubscriber()
        {
            _pub.SetOption(LibZmq.RCVTIMEO, 10_000);
            var sub = new byte[64];
            Assert.True(_pub.Receive(sub, dontWait: false) >= 1, "the feed's subscription never arrived");
        }

        public void Publish(params byte[][] frames)
        {
            for (int i = 0; i < frames.Length; i++) Assert.True(_pub.Send(frames[i], dontWait: false, more: i < frames.Length - 1));
        }

        public void Dispose()
        {
            _pub.Dispose();
            _ctx.Dispose();
        }
    }

    protected override (ITradingTransport Transport, ITickPublisher Bridge) Create()
    {
        string ep = Loopback.Endpoint();
        var pub = new XPubPublisher(ep);
        var t = new ZmqTransport(new BridgeOptions { Ticks = ep, ReceiveHighWaterMark = 0 }, gateway: null);
        t.Open();
        pub.AwaitSubscriber();
        return (t, pub);
    }
}
