using System.Text.Json;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Transports.Mqtt.Support;

namespace EdgeTrader.Tests.Transports.Mqtt;

/// <summary>Several in-process nodes mirroring one kill switch through a real Mosquitto broker.</summary>
public sealed class MqttMirrorClusterTests
{
    internal static string NewPrefix() => $"test/{Guid.NewGuid():N}";

    static JsonElement Json(string s) => JsonDocument.Parse(s).RootElement;

    [Fact]
    public async Task Engage_command_from_outside_engages_every_node_and_their_retained_states_show_it()
    {
        using var broker = MosquittoBroker.Start();
        var prefix = NewPrefix();
        using var a = new MirrorNode("a", MirrorNode.ClusterOptions(broker.Port, prefix));
        using var b = new MirrorNode("b", MirrorNode.ClusterOptions(broker.Port, prefix));
        using var c = new MirrorNode("c", MirrorNode.ClusterOptions(broker.Port, prefix));
        await Task.WhenAll(a.Connected(), b.Connected(), c.Connected());

        var pub = await MqttCli.Publish(broker.Port, $"{prefix}/killswitch/engage", """{"reason":"desk halt","origin":"desk-1"}""");
        Assert.Equal(0, pub.ExitCode);

        await Wait.Until(() => a.IsEngaged && b.IsEngaged && c.IsEngaged, "every node engaged");
        foreach (var n in new[] { a, b, c })
        {
            Assert.Equal(BreakerSource.Mqtt, n.Breaker.State.Source);
            Assert.Equal("desk halt (origin: desk-1)", n.Breaker.State.Reason);
        }
        var retained = await Wait.UntilValue(
            () => MqttCli.Retained(broker.Port, $"{prefix}/nodes/+/state", 3),
            m => m.Count == 3 && m.Values.All(v => Json(v).GetProperty("state").GetString() == "ENGAGED"),
            "three retained ENGAGED states");
        foreach (var (topic, payload) in retained)
        {
            var j = Json(payload);
            Assert.Equal($"{prefix}/nodes/{j.GetProperty("node").GetString()}/state", topic);
            Assert.Equal("mqtt", j.GetProperty("source").GetString());
            Assert.True(j.GetProperty("generation").GetInt64() >= 1);
        }
    }

    [Fact]
    public async Task Engagement_on_one_node_engages_its_peers_at_the_same_generation()
    {
        using var broker = MosquittoBroker.Start();
        var prefix = NewPrefix();
        using var a = new MirrorNode("a", MirrorNode.ClusterOptions(broker.Port, prefix));
        using var b = new MirrorNode("b", MirrorNode.ClusterOptions(broker.Port, prefix));
        using var c = new MirrorNode("c", MirrorNode.ClusterOptions(broker.Port, prefix));
        await Task.WhenAll(a.Connected(), b.Connected(), c.Connected());

        var engaged = a.Breaker.Engage("loss limit", BreakerSource.Risk);

        await Wait.Until(() => b.IsEngaged && c.IsEngaged, "b and c engaged by a");
        foreach (var n in new[] { b, c })
        {
            Assert.Equal(BreakerSource.Peer, n.Breaker.State.Source);
            Assert.Equal(engaged.Generation, n.Breaker.State.Generation);
            Assert.Contains("loss limit", n.Breaker.State.Reason);
        }
    }

    [Fact]
    public async Task Local_reset_is_not_undone_by_a_peers_retained_engaged_state_but_a_new_engagement_engages_again()
    {
        using var broker = MosquittoBroker.Start();
        var prefix = NewPrefix();
        using var a = new MirrorNode("a", MirrorNode.ClusterOptions(broker.Port, prefix));
        using var b = new MirrorNode("b", MirrorNode.ClusterOptions(broker.Port, prefix));
        await Task.WhenAll(a.Connected(), b.Connected());
        a.Breaker.Engage("first", BreakerSource.Cli);
        await Wait.Until(() => b.IsEngaged, "b engaged by a");

        Assert.True(b.Breaker.Reset("checked, b may trade", BreakerSource.Cli).Done);
        Assert.False(b.IsEngaged);
        Assert.True(a.IsEngaged);

        // A fresh subscription makes the broker send a's retained ENGAGED state to b again.
        b.RestartMirror();
        await Wait.Until(() => b.Mirror.Counters.PeerStates >= 1 && b.Mirror.Counters.StatePublishes >= 1, "b resubscribed and got a's retained state");
        Assert.False(b.IsEngaged);
        var retained = await Wait.UntilValue(
            () => MqttCli.Retained(broker.Port, $"{prefix}/nodes/+/state", 2),
            m => m.Count == 2 && Json(m[$"{prefix}/nodes/b/state"]).GetProperty("state").GetString() == "SAFE",
            "b's retained state SAFE");
        Assert.Equal("ENGAGED", Json(retained[$"{prefix}/nodes/a/state"]).GetProperty("state").GetString());

        Assert.True(a.Breaker.Reset("done", BreakerSource.Cli).Done);
        var second = a.Breaker.Engage("second", BreakerSource.Cli);
        await Wait.Until(() => b.IsEngaged, "b engaged by a's new engagement");
        Assert.Equal(second.Generation, b.Breaker.State.Generation);
    }

    [Fact]
    public async Task Node_started_late_picks_up_an_engagement_it_missed()
    {
        using var broker = MosquittoBroker.Start();
        var prefix = NewPrefix();
        using var a = new MirrorNode("a", MirrorNode.ClusterOptions(broker.Port, prefix));
        await a.Connected();
        var engaged = a.Breaker.Engage("before c existed", BreakerSource.Button);
        await Wait.UntilValue(() => MqttCli.Retained(broker.Port, $"{prefix}/nodes/a/state", 1),
            m => m.Count == 1 && m.Values.Single().Contains("ENGAGED"), "a's ENGAGED retained");

        using var c = new MirrorNode("c", MirrorNode.ClusterOptions(broker.Port, prefix));

        await Wait.Until(() => c.IsEngaged, "late node c engaged");
        Assert.Equal(BreakerSource.Peer, c.Breaker.State.Source);
        Assert.Equal(engaged.Generation, c.Breaker.State.Generation);
    }

    [Fact]
    public async Task Nodes_reconnect_after_a_broker_restart_and_an_engagement_made_during_the_outage_reaches_peers()
    {
        using var broker = MosquittoBroker.Start();
        var prefix = NewPrefix();
        using var a = new MirrorNode("a", MirrorNode.ClusterOptions(broker.Port, prefix));
        using var b = new MirrorNode("b", MirrorNode.ClusterOptions(broker.Port, prefix));
        await Task.WhenAll(a.Connected(), b.Connected());
        Assert.Equal(LinkState.Up, a.Health.Get(Link.Mqtt).State);

        broker.Kill();
        await Wait.Until(() => a.Health.Get(Link.Mqtt).State == LinkState.Degraded && b.Health.Get(Link.Mqtt).State == LinkState.Degraded, "both links degraded");
        var engaged = a.Breaker.Engage("engaged while the broker was down", BreakerSource.Cli);
        Assert.False(b.IsEngaged);

        broker.Restart();

        await Wait.Until(() => b.IsEngaged, "b engaged after the broker came back", 30_000);
        Assert.Equal(engaged.Generation, b.Breaker.State.Generation);
        await Wait.Until(() => a.Health.Get(Link.Mqtt).State == LinkState.Up && b.Health.Get(Link.Mqtt).State == LinkState.Up, "both links up again", 30_000);
        Assert.True(a.Mirror.Counters.Connects >= 2);
        var retained = await Wait.UntilValue(
            () => MqttCli.Retained(broker.Port, $"{prefix}/nodes/+/state", 2),
            m => m.Count == 2 && m.Values.All(v => Json(v).GetProperty("state").GetString() == "ENGAGED"),
            "both retained states ENGAGED after the restart");
        Assert.Equal(2, retained.Count);
    }
}
