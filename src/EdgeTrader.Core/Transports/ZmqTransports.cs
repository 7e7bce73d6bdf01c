using EdgeTrader.Configuration;
using EdgeTrader.Interop.Zmq;
using EdgeTrader.Transports.NetMq;
using EdgeTrader.Transports.Zmq;

namespace EdgeTrader.Transports;

/// <summary>The ZeroMQ transport <c>bridge.transport</c> names; both pass the same contract tests.</summary>
public static class ZmqTransports
{
    /// <summary>
    /// The transport for <paramref name="bridge"/> and, unless null (dry-run), <paramref name="gateway"/>. libzmq's is
    /// checked to load first (a missing libzmq5 stops the start with the package to install); NetMQ needs no library.
    /// </summary>
    public static ITradingTransport Create(BridgeOptions bridge, GatewayOptions? gateway) => bridge.Transport switch
    {
        ZmqTransportKind.Libzmq => Libzmq(bridge, gateway),
        ZmqTransportKind.NetMq => new NetMqTransport(bridge, gateway),
        _ => throw new ArgumentOutOfRangeException(nameof(bridge), bridge.Transport, "bridge.transport"),
    };

    static ZmqTransport Libzmq(BridgeOptions bridge, GatewayOptions? gateway)
    {
        ZmqContext.EnsureAvailable();
        return new ZmqTransport(bridge, gateway);
    }

    /// <summary>What the log and status say the transport is, e.g. "libzmq 4.3.4" or "NetMQ 4.0.4.5".</summary>
    public static string Describe(ZmqTransportKind kind) => kind switch
    {
        ZmqTransportKind.Libzmq => "libzmq " + ZmqContext.Version(),
        ZmqTransportKind.NetMq => "NetMQ " + (typeof(NetMQ.NetMQSocket).Assembly.GetName().Version?.ToString() ?? "?"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "bridge.transport"),
    };
}
