using EdgeTrader.Configuration;

namespace EdgeTrader.Tests.Configuration;

/// <summary><c>bridge.transport</c>: which ZeroMQ implementation, and the endpoints NetMQ cannot reach as libzmq does.</summary>
public class BridgeTransportTests
{
    static ConfigError[] Errors(string json) => Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json)).Errors.ToArray();

    [Fact]
    public void The_default_is_libzmq_and_netmq_binds_by_its_name()
    {
        Assert.Equal(ZmqTransportKind.Libzmq, ConfigLoader.Parse("{}").Bridge.Transport);
        Assert.Equal(ZmqTransportKind.NetMq, ConfigLoader.Parse("{\"bridge\":{\"transport\":\"netmq\"}}").Bridge.Transport);
        Assert.Contains("\"transport\": \"libzmq\"", ConfigLoader.ToJson(new EdgeTraderOptions()));
    }

    [Theory]
    [InlineData("NetMQ")]
    [InlineData("zmq")]
    public void Another_name_is_refused_with_the_two_it_can_be(string name)
    {
        var e = Assert.Single(Errors($"{{\"bridge\":{{\"transport\":\"{name}\"}}}}"));
        Assert.Equal("bridge.transport", e.Key);
        Assert.Contains("\"libzmq\", \"netmq\"", e.Reason);
    }

    [Theory]
    [InlineData("bridge.ticks", "{\"bridge\":{\"transport\":\"netmq\",\"ticks\":\"ipc:///run/mt5/ticks\"}}")]
    [InlineData("gateway.endpoint", "{\"bridge\":{\"transport\":\"netmq\"},\"gateway\":{\"endpoint\":\"ipc://@gateway\"}}")]
    public void With_netmq_an_ipc_endpoint_is_refused_naming_the_key(string key, string json)
    {
        var e = Assert.Single(Errors(json));
        Assert.Equal(key, e.Key);
        Assert.Contains("ipc:// is TCP", e.Reason);
        Assert.Contains("bridge.transport \"libzmq\"", e.Reason);
    }

    [Theory]
    [InlineData("bridge.ticks", "{\"bridge\":{\"transport\":\"netmq\",\"ticks\":\"tcp://localhost:32770\"}}", "localhost")]
    [InlineData("gateway.endpoint", "{\"bridge\":{\"transport\":\"netmq\"},\"gateway\":{\"endpoint\":\"tcp://gateway.lan:32771\"}}", "gateway.lan")]
    public void With_netmq_a_host_name_is_refused_because_it_would_be_resolved_only_once(string key, string json, string host)
    {
        var e = Assert.Single(Errors(json));
        Assert.Equal(key, e.Key);
        Assert.Contains($"'{host}' would be resolved once", e.Reason);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:32770", "tcp://10.0.0.7:32771")]
    [InlineData("tcp://[::1]:32770", "tcp://[fe80::1]:32771")]
    public void With_netmq_tcp_to_ip_addresses_is_accepted(string ticks, string gateway)
    {
        var o = ConfigLoader.Parse($"{{\"bridge\":{{\"transport\":\"netmq\",\"ticks\":\"{ticks}\"}},\"gateway\":{{\"endpoint\":\"{gateway}\"}}}}");
        Assert.Equal(ZmqTransportKind.NetMq, o.Bridge.Transport);
    }

    [Fact]
    public void With_libzmq_ipc_and_host_names_stay_accepted()
    {
        var o = ConfigLoader.Parse("{\"bridge\":{\"ticks\":\"ipc:///run/mt5/ticks\"},\"gateway\":{\"endpoint\":\"tcp://localhost:32771\"}}");
        Assert.Equal(ZmqTransportKind.Libzmq, o.Bridge.Transport);
    }

    [Fact]
    public void An_invalid_endpoint_with_netmq_gets_one_message_not_two()
    {
        var e = Assert.Single(Errors("{\"bridge\":{\"transport\":\"netmq\",\"ticks\":\"tcp://127.0.0.1:0\"}}"));
        Assert.Equal("bridge.ticks", e.Key);
        Assert.Contains("port 0", e.Reason);
    }
}
