using EdgeTrader.Tests.Cli;
using EdgeTrader.Tests.Transports.Mqtt.Support;

namespace EdgeTrader.Tests.Cluster;

/// <summary>A mirrored daemon killed with SIGKILL: what the broker keeps for it, and what it comes back as.</summary>
public class DaemonKillTests
{
    const string Prefix = "et/kill";

    static Daemon Node(MosquittoBroker broker, string name) =>
        new($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true, node: name,
            mqtt: $$"""{ "enabled": true, "host": "127.0.0.1", "port": {{broker.Port}}, "topicPrefix": "{{Prefix}}", "keepAliveSeconds": 5 }""");

    static string State(Daemon d) => d.Status().GetProperty("state").GetString()!;

    static string Retained(MosquittoBroker broker, string topic)
    {
        var map = MqttCli.Retained(broker.Port, topic, 1).GetAwaiter().GetResult();
        return map.TryGetValue(topic, out var v) ? v : "";
    }

    [Fact]
    public void A_killed_daemon_leaves_online_false_by_its_will_and_its_last_state_retained_and_comes_back_engaged()
    {
        using var broker = MosquittoBroker.Start();
        using var d1 = Node(broker, "d1");
        using var peer = Node(broker, "peer");
        d1.Start();
        peer.Start();
        string online = $"{Prefix}/nodes/d1/online", state = $"{Prefix}/nodes/d1/state";
        Assert.True(Bin.WaitFor(() => Retained(broker, online) == "true", TimeSpan.FromSeconds(20)), "d1 never said online");

        Assert.Equal(0, Bin.Run("engage", "--reason", "peer tripped", "--socket", peer.Socket).Exit);
        Assert.True(Bin.WaitFor(() => State(d1) == "ENGAGED" && Retained(broker, state).Contains("\"ENGAGED\"", StringComparison.Ordinal), TimeSpan.FromSeconds(20)),
            "the peer's engagement did not reach d1's retained state");
        var before = d1.Status();

        d1.Process!.Kill(); // SIGKILL: no DISCONNECT, so the broker publishes the Last Will
        d1.Process.WaitForExit();
        // The will fires once the broker notices the dead connection (at most 1.5 keepalives).
        Assert.True(Bin.WaitFor(() => Retained(broker, online) == "false", TimeSpan.FromSeconds(30)), "no will: online is not false");
        Assert.Contains("\"ENGAGED\"", Retained(broker, state));

        // The latch survived the kill: d1 comes back ENGAGED, with the same engagement, although the peer has reset.
        Assert.Equal(0, Bin.Run("reset", "--yes", "--socket", peer.Socket).Exit);
        d1.Start();
        Assert.True(Bin.WaitFor(() => Retained(broker, online) == "true", TimeSpan.FromSeconds(20)), "d1 never came back online");
        var after = d1.Status();
        Assert.Equal("ENGAGED", after.GetProperty("state").GetString());
        Assert.Equal(before.GetProperty("source").GetString(), after.GetProperty("source").GetString());
        Assert.Equal(before.GetProperty("reason").GetString(), after.GetProperty("reason").GetString());
        Assert.Contains("\"ENGAGED\"", Retained(broker, state));
    }
}
