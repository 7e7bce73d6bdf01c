using EdgeTrader.Configuration;
using EdgeTrader.Transports.NetMq;

namespace EdgeTrader.Tests.Transports;

/// <summary>What the NetMQ transport sets on its sockets, and which exceptions it claims.</summary>
public sealed class NetMqTransportTests
{
    [Fact]
    public void The_sockets_take_the_configured_high_water_marks_no_queueing_for_an_absent_gateway_backed_off_reconnects_and_no_linger()
    {
        using var t = new NetMqTransport(new BridgeOptions { Ticks = Loopback.Endpoint(), ReceiveHighWaterMark = 123_457, Transport = ZmqTransportKind.NetMq },
            new GatewayOptions { Endpoint = Loopback.Endpoint(), SendHighWaterMark = 7_654 });
        t.Open();
        var sub = ((NetMqTickFeed)t.Ticks).Socket!.Options;
        var dealer = ((NetMqGatewayLink)t.Gateway!).Socket!.Options;
        Assert.Equal(123_457, sub.ReceiveHighWatermark);
        Assert.Equal(7_654, dealer.SendHighWatermark);
        Assert.True(dealer.DelayAttachOnConnect);
        foreach (var o in new[] { sub, dealer })
        {
            Assert.Equal(TimeSpan.FromMilliseconds(100), o.ReconnectInterval);
            Assert.Equal(TimeSpan.FromSeconds(2), o.ReconnectIntervalMax);
            Assert.Equal(TimeSpan.Zero, o.Linger);
        }
    }

    [Fact]
    public void In_dry_run_there_is_no_gateway_socket()
    {
        using var t = new NetMqTransport(new BridgeOptions { Ticks = Loopback.Endpoint(), Transport = ZmqTransportKind.NetMq }, gateway: null);
        t.Open();
        Assert.Null(t.Gateway);
        Assert.Null(t.Endpoints.Gateway);
    }

    [Theory]
    [InlineData("iothread-1", true)]
    [InlineData("reaper-0", true)]
    [InlineData("tick-loop", false)]
    [InlineData("iothread", false)]
    [InlineData(null, false)]
    public void Only_netmq_threads_are_recognised(string? name, bool netmq) => Assert.Equal(netmq, NetMqFaults.IsNetMqThread(name));

    [Fact]
    public void An_exception_on_any_other_thread_is_not_claimed_and_leaves_the_transport_working()
    {
        Exception? seen = null;
        bool claimed = true;
        var th = new Thread(() => claimed = NetMqFaults.Claim(seen = new OverflowException("not NetMQ's"))) { Name = "tick-loop" };
        th.Start();
        th.Join();
        Assert.NotNull(seen);
        Assert.False(claimed);
        Assert.Null(NetMqFaults.Fault);
    }
}
