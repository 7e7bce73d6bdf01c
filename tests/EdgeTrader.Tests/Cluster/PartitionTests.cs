using EdgeTrader.Tests.Cli;
using EdgeTrader.Tests.Transports.Mqtt.Support;

namespace EdgeTrader.Tests.Cluster;

/// <summary>
/// Three daemons (separate AOT processes) and a real Mosquitto that is cut (killed) and restored (restarted on the same
/// port and persistence) at chosen moments. Rule: every engagement made anywhere reaches every node that did not reset
/// after seeing it.
/// </summary>
public class PartitionTests
{
    static readonly TimeSpan Reach = TimeSpan.FromSeconds(30); // reconnect back-off is up to 5 s, on a loaded 2-core machine

    static Daemon Node(MosquittoBroker broker, string name) =>
        new($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true, node: name,
            mqtt: $$"""{ "enabled": true, "host": "127.0.0.1", "port": {{broker.Port}}, "topicPrefix": "et/part", "keepAliveSeconds": 5 }""");

    static string State(Daemon d) => d.Status().GetProperty("state").GetString()!;
    static string Engagement(Daemon d) => d.Status().GetProperty("engagement").GetString() ?? "";
    static bool MqttUp(Daemon d) => d.Status().GetProperty("links").GetProperty("mqtt").GetProperty("state").GetString() == "up";
    static bool MqttDown(Daemon d) => !MqttUp(d);

    static (Daemon A, Daemon B, Daemon C) Cluster(MosquittoBroker broker)
    {
        var a = Node(broker, "a");
        var b = Node(broker, "b");
        var c = Node(broker, "c");
        foreach (var d in new[] { a, b, c }) d.Start();
        Assert.True(Bin.WaitFor(() => MqttUp(a) && MqttUp(b) && MqttUp(c), TimeSpan.FromSeconds(20)), "cluster did not connect");
        return (a, b, c);
    }

    static void Cli(Daemon d, params string[] args) => Assert.Equal(0, Bin.Run([.. args, "--socket", d.Socket]).Exit);

    [Fact]
    public void An_engagement_made_while_the_broker_is_down_reaches_a_node_that_engaged_and_reset_meanwhile()
    {
        using var broker = MosquittoBroker.Start();
        var (a, b, c) = Cluster(broker);
        using (a) using (b) using (c)
        {
            broker.Kill();
            Assert.True(Bin.WaitFor(() => MqttDown(a) && MqttDown(b), TimeSpan.FromSeconds(15)));
            Cli(b, "engage", "--reason", "b stops");
            Cli(a, "engage", "--reason", "a's own incident");
            Cli(a, "reset", "--yes"); // a dealt with its own engagement, not with b's, which it has not seen
            Assert.Equal("SAFE", State(a));
            broker.Restart();
            Assert.True(Bin.WaitFor(() => State(a) == "ENGAGED" && State(c) == "ENGAGED", Reach), "b's engagement did not reach a and c");
            Assert.Equal(Engagement(b), Engagement(a));
            Assert.StartsWith("b:", Engagement(a));
        }
    }

    [Fact]
    public void Two_engagements_made_apart_and_reset_locally_each_reach_the_other_node_and_the_third()
    {
        using var broker = MosquittoBroker.Start();
        var (a, b, c) = Cluster(broker);
        using (a) using (b) using (c)
        {
            broker.Kill();
            Assert.True(Bin.WaitFor(() => MqttDown(a) && MqttDown(b) && MqttDown(c), TimeSpan.FromSeconds(15)));
            Cli(a, "engage", "--reason", "a");
            Cli(a, "reset", "--yes");
            Cli(b, "engage", "--reason", "b");
            Cli(b, "reset", "--yes");
            broker.Restart();
            // Each saw only its own engagement before its reset: the other's still reaches it, and c gets one.
            Assert.True(Bin.WaitFor(() => State(a) == "ENGAGED" && State(b) == "ENGAGED" && State(c) == "ENGAGED", Reach),
                $"a {State(a)}, b {State(b)}, c {State(c)}");
            Assert.StartsWith("b:", Engagement(a));
            Assert.StartsWith("a:", Engagement(b));

            // After each node's operator resets what it has seen, nothing comes back, also across a restart.
            foreach (var d in new[] { a, b, c }) Cli(d, "reset", "--yes");
            b.Stop();
            b.Start();
            Assert.True(Bin.WaitFor(() => MqttUp(b), TimeSpan.FromSeconds(20)));
            Assert.False(Bin.WaitFor(() => State(a) == "ENGAGED" || State(b) == "ENGAGED" || State(c) == "ENGAGED", TimeSpan.FromSeconds(3)));
        }
    }

    [Fact]
    public void An_engage_of_an_engaged_node_is_renewed_and_engages_a_peer_that_reset_since()
    {
        using var broker = MosquittoBroker.Start();
        var (a, b, c) = Cluster(broker);
        using (a) using (b) using (c)
        {
            var first = Bin.Run("engage", "--reason", "desk", "--socket", a.Socket);
            Assert.Contains("new engagement", first.Out);
            Assert.True(Bin.WaitFor(() => State(b) == "ENGAGED" && State(c) == "ENGAGED", Reach));
            Cli(b, "reset", "--yes");
            Assert.Equal("SAFE", State(b));
            var again = Bin.Run("engage", "--reason", "again", "--socket", a.Socket);
            Assert.Equal(0, again.Exit);
            Assert.Contains("renewed engagement", again.Out);
            Assert.True(Bin.WaitFor(() => State(b) == "ENGAGED", Reach), "the renewed engagement did not stop b again");
            Assert.Contains("again", b.Status().GetProperty("reason").GetString());
        }
    }

    [Theory]
    [InlineData("ENGAGED")]
    [InlineData("SAFE")]
    public async Task A_rogue_retained_maximal_generation_does_not_stop_later_engagements_from_reaching_every_node(string rogueState)
    {
        using var broker = MosquittoBroker.Start();
        var (a, b, c) = Cluster(broker);
        using (a) using (b) using (c)
        {
            var pub = await MqttCli.Run("mosquitto_pub", ["-h", "127.0.0.1", "-p", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-q", "1", "-r", "-t", "et/part/nodes/x/state", "-m", $$"""{"state":"{{rogueState}}","generation":9007199254740991}"""]);
            Assert.Equal(0, pub.ExitCode);
            if (rogueState == "ENGAGED")
            {
                Assert.True(Bin.WaitFor(() => State(a) == "ENGAGED" && State(b) == "ENGAGED" && State(c) == "ENGAGED", Reach));
                foreach (var d in new[] { a, b, c }) Cli(d, "reset", "--yes");
            }
            else
            {
                Assert.False(Bin.WaitFor(() => State(a) == "ENGAGED", TimeSpan.FromSeconds(2)));
            }
            // Restarted (the rogue value is retained and read again), then a real engagement still leaves its node.
            b.Stop();
            b.Start();
            Assert.True(Bin.WaitFor(() => MqttUp(b), TimeSpan.FromSeconds(20)));
            Assert.True(State(b) == "SAFE", b.Status().ToString());
            Cli(b, "engage", "--reason", "real");
            Assert.True(Bin.WaitFor(() => State(a) == "ENGAGED" && State(c) == "ENGAGED", Reach), "a real engagement did not leave b");
            Assert.Equal(1, b.Status().GetProperty("generation").GetInt64()); // b numbers its own, untouched by the rogue
        }
    }
}
