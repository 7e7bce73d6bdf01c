using EdgeTrader.Configuration;
using EdgeTrader.Transports;
using EdgeTrader.Transports.NetMq;

namespace EdgeTrader.Tests.Transports;

/// <summary>The gateway-link contract on NetMQ over loopback TCP: our NetMQ DEALER against a libzmq ROUTER.</summary>
public sealed class NetMqGatewayLinkTests : GatewayLinkContractTests
{
    protected override (ITradingTransport Transport, IGatewayPeer Gateway) Create(bool peerUp)
    {
        string gw = Loopback.Endpoint();
        var peer = new ZmqGatewayLinkTests.RouterPeer(gw);
        if (peerUp) peer.Start();
        var t = new NetMqTransport(new BridgeOptions { Ticks = Loopback.Endpoint(), Transport = ZmqTransportKind.NetMq },
            new GatewayOptions { Endpoint = gw, SendHighWaterMark = 0 });
        t.Open();
        return (t, peer);
    }
}

/// <summary>The tick-feed contract on NetMQ over loopback TCP: our NetMQ SUB against a libzmq XPUB.</summary>
public sealed class NetMqTickFeedTests : TickFeedContractTests
{
    protected override (ITradingTransport Transport, ITickPublisher Bridge) Create()
    {
        string ep = Loopback.Endpoint();
        var pub = new ZmqTickFeedTests.XPubPublisher(ep);
        var t = new NetMqTransport(new BridgeOptions { Ticks = ep, ReceiveHighWaterMark = 0, Transport = ZmqTransportKind.NetMq }, gateway: null);
        t.Open();
        pub.AwaitSubscriber();
        return (t, pub);
    }
}
