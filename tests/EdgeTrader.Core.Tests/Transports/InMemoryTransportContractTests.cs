using EdgeTrader.Transports;
using EdgeTrader.Transports.InMemory;

namespace EdgeTrader.Tests.Transports;

/// <summary>The gateway-link contract on the in-memory transport.</summary>
public sealed class InMemoryGatewayLinkTests : GatewayLinkContractTests
{
    sealed class Peer(InMemoryGatewayLink link) : IGatewayPeer
    {
        public void Start() => link.Connected = true;
        public byte[]? Receive(TimeSpan timeout) => link.TryTakeSent(timeout);
        public void Send(byte[] frame) => link.Reply(frame);
        public void Dispose() { }
    }

    protected override (ITradingTransport Transport, IGatewayPeer Gateway) Create(bool peerUp)
    {
        var t = new InMemoryTransport();
        t.Open();
        t.Link!.Connected = peerUp;
        return (t, new Peer(t.Link));
    }
}

/// <summary>The tick-feed contract on the in-memory transport.</summary>
public sealed class InMemoryTickFeedTests : TickFeedContractTests
{
    sealed class Publisher(InMemoryTickFeed feed) : ITickPublisher
    {
        public void Publish(params byte[][] frames) => feed.Publish(frames);
        public void Dispose() { }
    }

    protected override (ITradingTransport Transport, ITickPublisher Bridge) Create()
    {
        var t = new InMemoryTransport(withGateway: false);
        t.Open();
        return (t, new Publisher(t.Feed));
    }
}
