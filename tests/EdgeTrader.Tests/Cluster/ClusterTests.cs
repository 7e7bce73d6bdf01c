using EdgeTrader.Tests.Cli;
using EdgeTrader.Tests.Transports.Mqtt.Support;

namespace EdgeTrader.Tests.Cluster;

/// <summary>Several daemons (separate AOT processes) mirrored through one real Mosquitto broker.</summary>
[Trait("Arch", "arm64")] // also run against the arm64 binary under qemu-user (Bin, scripts/test.sh)
public class ClusterTests
{
    static Daemon Node(MosquittoBroker broker, string name) =>
        new($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true, node: name,
            mqtt: $$"""{ "enabled": true, "host": "127.0.0.1", "port": {{broker.Port}}, "topicPrefix": "et/cluster" }""");

    static string State(Daemon d) => d.Status().GetProperty("state").GetString()!;

    static bool MqttUp(Daemon d) => d.Status().GetProperty("links").GetProperty("mqtt").GetProperty("state").GetString() == "up";

    [Fact]
    public async Task An_engage_command_engages_every_node_and_the_retained_states_show_it()
    {
        using var broker = MosquittoBroker.Start();
        using var a = Node(broker, "a");
        using var b = Node(broker, "b");
        using var c = Node(broker, "c");
        foreach (var d in new[] { a, b, c }) d.Start();
        Assert.True(Bin.WaitFor(() => MqttUp(a) && MqttUp(b) && MqttUp(c), TimeSpan.FromSeconds(15)));

        var pub = await MqttCli.Publish(broker.Port, "et/cluster/killswitch/engage", "{\"reason\":\"desk\",\"origin\":\"test\"}");
        Assert.Equal(0, pub.ExitCode);
        Assert.True(Bin.WaitFor(() => State(a) == "ENGAGED" && State(b) == "ENGAGED" && State(c) == "ENGAGED", TimeSpan.FromSeconds(10)));
        Assert.Equal("mqtt", b.Status().GetProperty("source").GetString());

        var retained = await MqttCli.Retained(broker.Port, "et/cluster/nodes/+/state", 3);
        Assert.Equal(3, retained.Count);
        Assert.All(retained.Values, v => Assert.Contains("\"state\":\"ENGAGED\"", v));
    }

    [Fact]
    public void Engage_on_one_node_engages_the_others_and_a_local_reset_stays_local()
    {
        using var broker = MosquittoBroker.Start();
        using var a = Node(broker, "a");
        using var b = Node(broker, "b");
        a.Start();
        b.Start();
        Assert.True(Bin.WaitFor(() => MqttUp(a) && MqttUp(b), TimeSpan.FromSeconds(15)));

        Assert.Equal(0, Bin.Run("engage", "--reason", "operator on a", "--socket", a.Socket).Exit);
        Assert.True(Bin.WaitFor(() => State(b) == "ENGAGED", TimeSpan.FromSeconds(10)));
        Assert.Equal("peer", b.Status().GetProperty("source").GetString());

        Assert.Equal(0, Bin.Run("reset", "--yes", "--socket", b.Socket).Exit);
        Assert.Equal("SAFE", State(b));
        Assert.Equal("ENGAGED", State(a));

        // A node started late (or restarted) sees A's retained ENGAGED, which b has already dealt with: b stays SAFE,
        // while a brand-new node c, which never reset, engages.
        b.Stop();
        b.Start();
        using var c = Node(broker, "c");
        c.Start();
        Assert.True(Bin.WaitFor(() => State(c) == "ENGAGED", TimeSpan.FromSeconds(10)), "a late node must pick up the engagement it missed");
        Assert.True(Bin.WaitFor(() => MqttUp(b), TimeSpan.FromSeconds(10)));
        Assert.Equal("SAFE", State(b));

        // A new engagement on a engages b again.
        Assert.Equal(0, Bin.Run("reset", "--yes", "--socket", a.Socket).Exit);
        Assert.Equal(0, Bin.Run("engage", "--reason", "second incident", "--socket", a.Socket).Exit);
        Assert.True(Bin.WaitFor(() => State(b) == "ENGAGED", TimeSpan.FromSeconds(10)));
    }
}
