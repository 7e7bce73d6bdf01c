using Microsoft.Extensions.Time.Testing;
using System.Diagnostics;
using System.Text;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;
using EdgeTrader.Tests.Transports.Mqtt.Support;
using EdgeTrader.Transports.Mqtt;

namespace EdgeTrader.Tests.Transports.Mqtt;

/// <summary>Garbage, intruders, dying connections and lost brokers.</summary>
public sealed class MqttMirrorRobustnessTests
{
    static readonly byte[] Key = Convert.FromHexString("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90");

    static IEnumerable<(string Name, byte[] Bytes, string ExpectedReason)> Garbage()
    {
        var random = new Random(42);
        var binary = new byte[1024];
        random.NextBytes(binary);
        yield return ("binary", binary, "unparseable payload");
        yield return ("huge", Encoding.ASCII.GetBytes(new string('x', 2 * 1024 * 1024)), "unparseable payload");
        yield return ("invalid utf-8", [0x7B, 0x22, 0xC3, 0x28, 0xFF, 0xFE, 0x22, 0x7D], "unparseable payload");
        yield return ("wrong json types", """{"reason":42,"origin":{"a":[1]},"state":7,"generation":"x","node":null,"time":"now","nonce":1,"hmac":false}"""u8.ToArray(), "no readable reason");
        yield return ("json array", """[{"state":"ENGAGED","generation":7}]"""u8.ToArray(), "[{");
        yield return ("deep nesting", Encoding.ASCII.GetBytes("{\"a\":" + new string('[', 5000)), "unparseable payload");
        yield return ("empty", [], "empty payload");
    }

    [Fact]
    public async Task Garbage_on_every_topic_crashes_nothing_and_engages_only_through_the_engage_topic()
    {
        using var broker = MosquittoBroker.Start();
        var prefix = MqttMirrorClusterTests.NewPrefix();
        var keyFile = Path.GetTempFileName();
        File.WriteAllText(keyFile, Convert.ToHexStringLower(Key));
        using var n = new MirrorNode("n", MirrorNode.ClusterOptions(broker.Port, prefix) with { AllowRemoteReset = true, HmacKeyFile = keyFile });
        await n.Connected();

        var expectedResets = 0L;
        foreach (var (name, bytes, _) in Garbage())
        {
            foreach (var topic in new[] { $"{prefix}/nodes/x/state", $"{prefix}/nodes/n/state", $"{prefix}/nodes/x/online", $"{prefix}/killswitch/reset", $"{prefix}/killswitch" })
            {
                var r = await MqttCli.PublishBytes(broker.Port, topic, bytes);
                Assert.True(r.ExitCode == 0, $"{name} on {topic}: {r.Stderr}");
            }
            expectedResets++;
        }
        // A well-formed ENGAGED state on this node's own topic is not a peer's: ignored.
        await MqttCli.Publish(broker.Port, $"{prefix}/nodes/n/state", """{"node":"n","state":"ENGAGED","generation":99,"reason":"spoof"}""");
        // Barrier: a valid peer state published last arrives after everything above.
        await MqttCli.Publish(broker.Port, $"{prefix}/nodes/x/state", """{"node":"x","state":"SAFE","generation":5}""");
        await Wait.Until(() => n.Mirror.ReportsFrom("x") == 1, "the barrier state arrived");
        await Wait.Until(() => n.Mirror.Republishes >= 1, "the spoof on its own topic was overwritten");
        Assert.False(n.IsEngaged);
        Assert.Equal(expectedResets, n.Mirror.Counters.ResetsIgnored);
        Assert.Equal(expectedResets, n.Mirror.Counters.IgnoredMessages);

        foreach (var (name, bytes, expectedReason) in Garbage())
        {
            var r = await MqttCli.PublishBytes(broker.Port, $"{prefix}/killswitch/engage", bytes);
            Assert.True(r.ExitCode == 0, $"{name}: {r.Stderr}");
            await Wait.Until(() => n.IsEngaged, $"engaged by {name}");
            Assert.Equal(BreakerSource.Mqtt, n.Breaker.State.Source);
            Assert.Contains(expectedReason, n.Breaker.State.Reason);
            Assert.True(n.Breaker.Reset("next", BreakerSource.Cli).Done);
        }
        Assert.True(n.Mirror.IsConnected);
        Assert.Equal(1, n.Mirror.Counters.Connects);
        File.Delete(keyFile);
    }

    [Fact]
    public async Task Client_without_acl_rights_cannot_engage_reset_or_speak_for_another_node()
    {
        var prefix = MqttMirrorClusterTests.NewPrefix();
        var users = new Dictionary<string, string> { ["a"] = "pa", ["b"] = "pb", ["probe"] = "pp", ["desk"] = "pd" };
        var acl = $"""
            pattern write {prefix}/nodes/%u/state
            pattern write {prefix}/nodes/%u/online
            pattern read {prefix}/#
            user desk
            topic write {prefix}/killswitch/#
            """;
        using var broker = MosquittoBroker.Start(users, acl);
        var keyFile = Path.Combine(broker.Dir, "hmac.key");
        File.WriteAllText(keyFile, Convert.ToHexStringLower(Key));
        MirrorNode Node(string name)
        {
            var pass = Path.Combine(broker.Dir, $"{name}.pass");
            File.WriteAllText(pass, users[name] + "\n");
            return new MirrorNode(name, MirrorNode.ClusterOptions(broker.Port, prefix) with
            {
                Username = name, PasswordFile = pass, AllowRemoteReset = true, HmacKeyFile = keyFile,
            });
        }
        using var a = Node("a");
        using var b = Node("b");
        await Task.WhenAll(a.Connected(), b.Connected());
        long barrier = 10;
        async Task Barrier()
        {
            barrier++;
            var r = await MqttCli.Publish(broker.Port, $"{prefix}/nodes/probe/state", $$"""{"node":"probe","state":"SAFE","generation":{{barrier}}}""", user: "probe", password: "pp");
            Assert.Equal(0, r.ExitCode);
            await Wait.Until(() => a.Mirror.ReportsFrom("probe") >= barrier - 10 && b.Mirror.ReportsFrom("probe") >= barrier - 10, "barrier state seen by a and b");
        }

        await MqttCli.Publish(broker.Port, $"{prefix}/killswitch/engage", "intruder", user: "probe", password: "pp");
        await MqttCli.Publish(broker.Port, $"{prefix}/nodes/a/state", """{"node":"a","state":"ENGAGED","generation":500}""", user: "probe", password: "pp");
        await Barrier();
        Assert.False(a.IsEngaged);
        Assert.False(b.IsEngaged);
        Assert.Equal(0, a.Mirror.Counters.EngageCommands);

        Assert.Equal(0, (await MqttCli.Publish(broker.Port, $"{prefix}/killswitch/engage", "desk halt", user: "desk", password: "pd")).ExitCode);
        await Wait.Until(() => a.IsEngaged && b.IsEngaged, "engaged by the desk");

        var reset = Encoding.UTF8.GetString(SignedResetVerifier.CreatePayload(Key, prefix, "a", a.Breaker.State.Engagement!.Value.ToString(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "nonce-probe", "intruder reset"));
        await MqttCli.Publish(broker.Port, $"{prefix}/killswitch/reset", reset, user: "probe", password: "pp");
        await Barrier();
        Assert.True(a.IsEngaged);
        Assert.Equal(0, a.Mirror.Counters.ResetsIgnored + a.Mirror.Counters.ResetsAccepted);

        // A signed reset names the engagement it clears: the desk resets each node's own.
        foreach (var n in new[] { a, b })
        {
            var deskReset = Encoding.UTF8.GetString(SignedResetVerifier.CreatePayload(Key, prefix, n.Name, n.Breaker.State.Engagement!.Value.ToString(),
                DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), $"nonce-desk-{n.Name}", "desk reset"));
            Assert.Equal(0, (await MqttCli.Publish(broker.Port, $"{prefix}/killswitch/reset", deskReset, user: "desk", password: "pd")).ExitCode);
        }
        await Wait.Until(() => !a.IsEngaged && !b.IsEngaged, "reset by the desk");
    }

    [Fact]
    public async Task A_node_the_acl_lets_write_but_not_read_is_never_up_and_its_link_says_it_cannot_hear()
    {
        var prefix = MqttMirrorClusterTests.NewPrefix();
        var acl = $"""
            user deaf
            topic write {prefix}/nodes/deaf/state
            topic write {prefix}/nodes/deaf/online
            """;
        using var broker = MosquittoBroker.Start(new Dictionary<string, string> { ["deaf"] = "pd" }, acl);
        var pass = Path.Combine(broker.Dir, "deaf.pass");
        File.WriteAllText(pass, "pd\n");
        using var n = new MirrorNode("deaf", MirrorNode.ClusterOptions(broker.Port, prefix) with { Username = "deaf", PasswordFile = pass });

        // Mosquitto grants the SUBSCRIBE and then delivers nothing; the node publishes its state and never hears it back.
        await Wait.Until(() => n.Health.Get(Link.Mqtt).State == LinkState.Degraded, "degraded", (int)MqttMirror.HearOwnStateTimeout.TotalMilliseconds + 15_000);
        Assert.Contains("does not hear its own state back", n.Health.Get(Link.Mqtt).Detail);
        Assert.False(n.Mirror.IsConnected);
        Assert.True(n.Mirror.Counters.Connects >= 1);
        Assert.True(n.Mirror.Counters.StatePublishes >= 1);
    }

    [Fact]
    public async Task A_node_the_acl_lets_read_but_not_write_its_state_is_never_up_though_the_broker_retains_an_old_state_of_it()
    {
        var prefix = MqttMirrorClusterTests.NewPrefix();
        var acl = $"""
            user mute
            topic read {prefix}/#
            topic write {prefix}/nodes/mute/online

            user admin
            topic readwrite {prefix}/#
            """;
        using var broker = MosquittoBroker.Start(new Dictionary<string, string> { ["mute"] = "pm", ["admin"] = "pa" }, acl);
        // A state of this node retained from before its write right was taken away: delivered, flagged retained, at the
        // SUBACK. It proves the node can read, not that what it publishes now reaches anyone.
        var old = """{"state":"SAFE","generation":0,"node":"mute"}""";
        Assert.Equal(0, (await MqttCli.Publish(broker.Port, $"{prefix}/nodes/mute/state", old, retain: true, user: "admin", password: "pa")).ExitCode);
        var pass = Path.Combine(broker.Dir, "mute.pass");
        File.WriteAllText(pass, "pm\n");
        using var n = new MirrorNode("mute", MirrorNode.ClusterOptions(broker.Port, prefix) with { Username = "mute", PasswordFile = pass });

        // Mosquitto accepts its QoS 1 publishes (PUBACK) and drops them: it never hears this connection's state back.
        await Wait.Until(() => n.Health.Get(Link.Mqtt).State == LinkState.Degraded && n.Mirror.Counters.StatePublishes >= 1, "degraded",
            (int)MqttMirror.HearOwnStateTimeout.TotalMilliseconds + 15_000);
        Assert.Contains("does not hear its own state back", n.Health.Get(Link.Mqtt).Detail);
        Assert.False(n.Mirror.IsConnected);
    }

    [Fact]
    public async Task Wrong_password_keeps_the_link_degraded_with_the_brokers_refusal()
    {
        var prefix = MqttMirrorClusterTests.NewPrefix();
        using var broker = MosquittoBroker.Start(new Dictionary<string, string> { ["a"] = "right" });
        var pass = Path.Combine(broker.Dir, "a.pass");
        File.WriteAllText(pass, "wrong\n");
        using var a = new MirrorNode("a", MirrorNode.ClusterOptions(broker.Port, prefix) with { Username = "a", PasswordFile = pass });

        await Wait.Until(() => a.Health.Get(Link.Mqtt).Detail.Contains("not authorised"), "refusal reported");
        Assert.Equal(LinkState.Degraded, a.Health.Get(Link.Mqtt).State);
        Assert.False(a.Mirror.IsConnected);
    }

    [Fact]
    public async Task Abrupt_connection_loss_publishes_the_will_online_false_and_the_reconnect_sets_online_true()
    {
        using var broker = MosquittoBroker.Start();
        using var proxy = LoopbackProxy.Start(broker.Port);
        var prefix = MqttMirrorClusterTests.NewPrefix();
        using var a = new MirrorNode("a", MirrorNode.ClusterOptions(proxy.Port, prefix));
        await a.Connected();
        using var watcher = LineReader.Start("mosquitto_sub", ["-h", "127.0.0.1", "-p", broker.Port.ToString(), "-q", "1", "-t", $"{prefix}/nodes/a/online", "-C", "3", "-W", "30"]);
        Assert.Equal("true", await watcher.NextLine());

        // The broker sees the TCP connection end without DISCONNECT, as when the process dies or the cable is pulled.
        proxy.CutAll();

        Assert.Equal("false", await watcher.NextLine());
        Assert.Equal("true", await watcher.NextLine());
        await Wait.Until(() => a.Mirror.Counters.Connects == 2, "reconnected");
        var retained = await MqttCli.Retained(broker.Port, $"{prefix}/nodes/a/online", 1);
        Assert.Equal("true", retained.Values.Single());
    }

    [Fact]
    public async Task Clean_stop_publishes_online_false_without_waiting_for_the_will()
    {
        using var broker = MosquittoBroker.Start();
        var prefix = MqttMirrorClusterTests.NewPrefix();
        var a = new MirrorNode("a", MirrorNode.ClusterOptions(broker.Port, prefix));
        await a.Connected();

        a.Dispose();

        var retained = await MqttCli.Retained(broker.Port, $"{prefix}/nodes/a/online", 1);
        Assert.Equal("false", retained.Values.Single());
    }

    [Fact]
    public async Task Unreachable_broker_marks_the_link_degraded_and_a_broker_that_appears_marks_it_up()
    {
        int port = MosquittoBroker.FreePort();
        var prefix = MqttMirrorClusterTests.NewPrefix();
        var sw = Stopwatch.StartNew();
        using var a = new MirrorNode("a", MirrorNode.ClusterOptions(port, prefix));
        Assert.True(sw.ElapsedMilliseconds < 2_000, "Start must not wait for the broker");

        await Wait.Until(() => a.Health.Get(Link.Mqtt).State == LinkState.Degraded, "degraded while nothing listens");
        Assert.Contains("cannot connect", a.Health.Get(Link.Mqtt).Detail);

        using var broker = MosquittoBroker.Start(port: port);
        await Wait.Until(() => a.Health.Get(Link.Mqtt).State == LinkState.Up, "up once the broker listens", 30_000);
    }

    [Fact]
    public async Task Node_cut_off_longer_than_engageOnIsolationMs_engages_itself()
    {
        var time = TestClock.New();
        var prefix = MqttMirrorClusterTests.NewPrefix();
        using var a = new MirrorNode("a", MirrorNode.ClusterOptions(MosquittoBroker.FreePort(), prefix) with { EngageOnIsolationMs = 5_000 }, time);
        await Wait.Until(() => a.Health.Get(Link.Mqtt).State == LinkState.Degraded, "degraded");

        time.Advance(TimeSpan.FromMilliseconds(4_999));
        Assert.False(a.IsEngaged);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(a.IsEngaged);
        Assert.Equal(BreakerSource.Mqtt, a.Breaker.State.Source);
        Assert.Contains("cut off", a.Breaker.State.Reason);
    }

    [Fact]
    public async Task Isolation_timer_stops_while_connected_and_restarts_when_the_broker_is_lost()
    {
        var time = TestClock.New();
        using var broker = MosquittoBroker.Start();
        var prefix = MqttMirrorClusterTests.NewPrefix();
        using var a = new MirrorNode("a", MirrorNode.ClusterOptions(broker.Port, prefix) with { EngageOnIsolationMs = 5_000 }, time);
        await a.Connected();

        time.Advance(TimeSpan.FromSeconds(60));
        Assert.False(a.IsEngaged);

        broker.Kill();
        await Wait.Until(() => a.Health.Get(Link.Mqtt).State == LinkState.Degraded, "degraded");
        time.Advance(TimeSpan.FromMilliseconds(5_000));
        Assert.True(a.IsEngaged);
    }

    /// <summary>Reads a child process's stdout line by line as it comes.</summary>
    sealed class LineReader : IDisposable
    {
        readonly Process _p;
        readonly System.Threading.Channels.Channel<string> _lines = System.Threading.Channels.Channel.CreateUnbounded<string>();

        LineReader(Process p)
        {
            _p = p;
            p.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Writer.TryWrite(e.Data); };
            p.BeginOutputReadLine();
        }

        public static LineReader Start(string file, string[] args) =>
            new(Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, UseShellExecute = false })!);

        public async Task<string> NextLine(int timeoutMs = 15_000)
        {
            using var cts = new CancellationTokenSource(timeoutMs);
            return await _lines.Reader.ReadAsync(cts.Token);
        }

        public void Dispose()
        {
            if (!_p.HasExited) _p.Kill();
            _p.Dispose();
        }
    }
}
