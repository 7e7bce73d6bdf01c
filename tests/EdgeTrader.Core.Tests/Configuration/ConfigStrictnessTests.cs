using EdgeTrader.Configuration;
using EdgeTrader.Interop.Zmq;

namespace EdgeTrader.Tests.Configuration;

/// <summary>What the file says is what runs: no key twice, no nulls, no endpoint libzmq or the daemon cannot use.</summary>
public class ConfigStrictnessTests
{
    static ConfigException Fails(string json) => Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json));

    [Theory]
    [InlineData("""{ "execution": { "dryRun": true, "dryRun": false } }""", "execution.dryRun")]
    [InlineData("""{ "risk": { "maxQty": 1 }, "risk": { "maxQty": 100 } }""", "risk")]
    [InlineData("""{ "node": "a", "node": "b" }""", "node")]
    [InlineData("""{ "risk": { "sessions": [ { "start": "07:00" }, { "start": "07:00", "start": "00:00" } ] } }""", "risk.sessions[1].start")]
    [InlineData("{ \"mqtt\": { \"enabled\": false, // off\n \"enabled\": true } }", "mqtt.enabled")]
    public void A_key_given_twice_is_refused_with_its_path(string json, string key)
    {
        var e = Assert.Single(Fails(json).Errors);
        Assert.Equal(key, e.Key);
        Assert.Contains("twice", e.Reason);
    }

    [Fact]
    public void Every_duplicate_is_reported_at_once_with_the_lines_of_both()
    {
        var errors = Fails("{\n \"node\": \"a\",\n \"execution\": { \"dryRun\": true },\n \"execution\": { \"dryRun\": false },\n \"node\": \"b\"\n}").Errors;
        Assert.Equal(["execution", "node"], errors.Select(e => e.Key).Order());
        Assert.Contains("lines 3 and 4", errors.Single(e => e.Key == "execution").Reason);
    }

    [Fact]
    public void The_same_key_in_different_objects_is_not_a_duplicate()
    {
        var o = ConfigLoader.Parse("""{ "bridge": { "staleAfterMs": 100 }, "gateway": { "staleAfterMs": 200 }, "risk": { "sessions": [ { "start": "01:00" }, { "start": "02:00" } ] } }""");
        Assert.Equal(100, o.Bridge.StaleAfterMs);
        Assert.Equal(200, o.Gateway.StaleAfterMs);
    }

    [Theory]
    [InlineData("""{ "risk": { "sessions": [ { "days": null } ] } }""", "risk.sessions[0].days")]
    [InlineData("""{ "risk": { "sessions": [ null ] } }""", "risk.sessions[0]")]
    [InlineData("""{ "risk": { "sessions": null } }""", "risk.sessions")]
    [InlineData("""{ "strategy": { "symbols": [ "EURUSD", null ] } }""", "strategy.symbols[1]")]
    [InlineData("""{ "mqtt": { "enabled": true, "username": null } }""", "mqtt.username")]
    [InlineData("""{ "panel": { "chip": null } }""", "panel.chip")]
    [InlineData("""{ "logDir": null }""", "logDir")]
    [InlineData("""{ "gateway": null }""", "gateway")]
    public void Null_is_never_a_value_and_is_refused_with_its_path(string json, string key)
    {
        var e = Assert.Single(Fails(json).Errors);
        Assert.Equal(key, e.Key);
        Assert.Contains("null", e.Reason);
    }

    [Theory]
    [InlineData("tcp://")]
    [InlineData("tcp://:32770")]
    [InlineData("tcp://127.0.0.1")]
    [InlineData("tcp://127.0.0.1:")]
    [InlineData("tcp://127.0.0.1:0")]
    [InlineData("tcp://127.0.0.1:65536")]
    [InlineData("tcp://127.0.0.1:99999")]
    [InlineData("tcp://127.0.0.1:-1")]
    [InlineData("tcp://127.0.0.1:+5")]
    [InlineData("tcp://127.0.0.1:5x")]
    [InlineData("tcp://127.0.0.1:5/")]
    [InlineData("tcp://*:32770")]
    [InlineData("tcp://a b:5")]
    [InlineData("tcp://-bad-.lan:5")]
    [InlineData("tcp://[::1:5")]
    [InlineData("tcp://[zz]:5")]
    [InlineData("tcp://::1:5")]
    [InlineData("TCP://127.0.0.1:5")]
    [InlineData("ipc://")]
    [InlineData("ipc://@")]
    [InlineData("inproc://bridge")]
    [InlineData("udp://127.0.0.1:5")]
    [InlineData("ws://127.0.0.1:5")]
    [InlineData("127.0.0.1:5")]
    [InlineData(" tcp://127.0.0.1:5")]
    public void An_endpoint_the_daemon_cannot_connect_is_refused_naming_the_key(string endpoint)
    {
        var errors = Fails($$"""{ "bridge": { "ticks": "{{endpoint}}" }, "gateway": { "endpoint": "{{endpoint}}" } }""").Errors;
        Assert.Equal(["bridge.ticks", "gateway.endpoint"], errors.Select(e => e.Key).Order());
        Assert.All(errors, e => Assert.Contains("endpoint", e.Reason));
    }

    [Fact]
    public void An_ipc_path_longer_than_a_unix_socket_path_is_refused()
    {
        var e = Assert.Single(Fails($$"""{ "bridge": { "ticks": "ipc:///{{new string('x', 107)}}" } }""").Errors);
        Assert.Equal("bridge.ticks", e.Key);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:32770")]
    [InlineData("tcp://localhost:1")]
    [InlineData("tcp://bridge-1.lan:65535")]
    [InlineData("tcp://[::1]:5555")]
    [InlineData("tcp://[fe80::1%eth0]:5555")]
    [InlineData("ipc:///run/edgetrader/ticks.sock")]
    [InlineData("ipc://@edgetrader-ticks")]
    public void Endpoints_of_the_forms_the_docs_show_are_accepted(string endpoint)
    {
        var o = ConfigLoader.Parse($$"""{ "bridge": { "ticks": "{{endpoint}}" } }""");
        Assert.Equal(endpoint, o.Bridge.Ticks);
        // and libzmq takes them: what check-config accepts, the tick loop can connect
        using var ctx = ZmqContext.Create();
        using var sub = ctx.Socket(LibZmq.SUB);
        sub.SetOption(LibZmq.LINGER, 0);
        sub.Connect(endpoint);
    }
}
