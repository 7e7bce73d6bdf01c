using System.Text;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Transports.Mqtt.Support;
using EdgeTrader.Transports.Mqtt;

namespace EdgeTrader.Tests.Transports.Mqtt;

/// <summary>Remote resets over a real broker: only signed, fresh, new ones, and only where allowed.</summary>
public sealed class MqttMirrorRemoteResetTests : IDisposable
{
    static readonly byte[] Key = Convert.FromHexString("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90");
    readonly string _keyFile = Path.GetTempFileName();
    readonly string _prefix = MqttMirrorClusterTests.NewPrefix();

    public MqttMirrorRemoteResetTests() => File.WriteAllText(_keyFile, Convert.ToHexStringLower(Key) + "\n");

    public void Dispose() => File.Delete(_keyFile);

    MirrorNode Node(MosquittoBroker broker, string name, bool allowRemoteReset) =>
        new(name, MirrorNode.ClusterOptions(broker.Port, _prefix) with { AllowRemoteReset = allowRemoteReset, HmacKeyFile = _keyFile });

    static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    async Task PublishReset(MosquittoBroker broker, byte[] payload) =>
        Assert.Equal(0, (await MqttCli.PublishBytes(broker.Port, $"{_prefix}/killswitch/reset", payload)).ExitCode);

    [Fact]
    public async Task Unsigned_forged_stale_and_replayed_resets_are_ignored_and_a_signed_one_resets()
    {
        using var broker = MosquittoBroker.Start();
        using var node = Node(broker, "pi-1", allowRemoteReset: true);
        await node.Connected();
        node.Breaker.Engage("tripped", BreakerSource.Cli);

        var ignored = 0L;
        async Task ExpectIgnored(byte[] payload)
        {
            await PublishReset(broker, payload);
            ignored++;
            await Wait.Until(() => node.Mirror.Counters.ResetsIgnored >= ignored, "the reset was handled");
            Assert.True(node.IsEngaged);
        }

        await ExpectIgnored("reset"u8.ToArray());
        await ExpectIgnored(Encoding.UTF8.GetBytes($$"""{"node":"pi-1","time":{{NowMs}},"nonce":"nonce-unsigned","reason":"x"}"""));
        var otherKey = Convert.FromHexString("00000000000000000000000000000000ffffffffffffffffffffffffffffffff");
        await ExpectIgnored(SignedResetVerifier.CreatePayload(otherKey, _prefix, "pi-1", node.Breaker.State.Engagement!.Value.ToString(), NowMs, "nonce-forged", "forged"));
        await ExpectIgnored(SignedResetVerifier.CreatePayload(Key, _prefix, "pi-1", node.Breaker.State.Engagement!.Value.ToString(), NowMs - 60_000, "nonce-stale", "stale"));
        await ExpectIgnored(SignedResetVerifier.CreatePayload(Key, _prefix, "pi-2", node.Breaker.State.Engagement!.Value.ToString(), NowMs, "nonce-other", "for another node"));

        var good = SignedResetVerifier.CreatePayload(Key, _prefix, "*", node.Breaker.State.Engagement!.Value.ToString(), NowMs, "nonce-good", "desk cleared it");
        await PublishReset(broker, good);
        await Wait.Until(() => !node.IsEngaged, "signed reset applied");
        Assert.Equal(BreakerSource.Mqtt, node.Breaker.State.Source);
        Assert.Contains("desk cleared it", node.Breaker.State.Reason);

        node.Breaker.Engage("tripped again", BreakerSource.Cli);
        await ExpectIgnored(good); // the same message again: a replay
        Assert.Equal(1, node.Mirror.Counters.ResetsAccepted);
    }

    [Fact]
    public async Task Signed_reset_is_ignored_when_remote_reset_is_not_allowed()
    {
        using var broker = MosquittoBroker.Start();
        using var node = Node(broker, "pi-1", allowRemoteReset: false);
        await node.Connected();
        node.Breaker.Engage("tripped", BreakerSource.Cli);

        await PublishReset(broker, SignedResetVerifier.CreatePayload(Key, _prefix, "pi-1", node.Breaker.State.Engagement!.Value.ToString(), NowMs, "nonce-good", "desk"));

        await Wait.Until(() => node.Mirror.Counters.ResetsIgnored == 1, "the reset was handled");
        Assert.True(node.IsEngaged);
        Assert.Equal(0, node.Mirror.Counters.ResetsAccepted);
    }

    [Fact]
    public async Task Signed_reset_is_refused_while_the_panel_interlock_vetoes_it()
    {
        using var broker = MosquittoBroker.Start();
        using var node = Node(broker, "pi-1", allowRemoteReset: true);
        node.Breaker.AddResetInterlock(new PressedButton());
        await node.Connected();
        node.Breaker.Engage("button", BreakerSource.Button);

        await PublishReset(broker, SignedResetVerifier.CreatePayload(Key, _prefix, "pi-1", node.Breaker.State.Engagement!.Value.ToString(), NowMs, "nonce-good", "desk"));

        await Wait.Until(() => node.Mirror.Counters.ResetsIgnored == 1, "the reset was handled");
        Assert.True(node.IsEngaged);
        Assert.Contains(node.Log.Lines, l => l.Contains("emergency stop pressed"));
    }

    [Fact]
    public async Task Signed_reset_made_by_the_script_resets_only_its_target_node()
    {
        using var broker = MosquittoBroker.Start();
        using var a = Node(broker, "a", allowRemoteReset: true);
        using var b = Node(broker, "b", allowRemoteReset: true);
        await Task.WhenAll(a.Connected(), b.Connected());
        a.Breaker.Engage("tripped", BreakerSource.Cli);
        await Wait.Until(() => b.IsEngaged, "b engaged by a");

        var r = await MqttCli.Run("bash", [SignedResetVerifierTests.ScriptPath("mqtt-signed-reset.sh"), "--key", _keyFile, "--prefix", _prefix, "--node", "b", "--engagement", b.Breaker.State.Engagement!.Value.ToString(), "--reason", "b checked"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        await PublishReset(broker, Encoding.UTF8.GetBytes(r.Stdout.Trim()));

        await Wait.Until(() => !b.IsEngaged, "b reset");
        await Wait.Until(() => a.Mirror.Counters.ResetsIgnored == 1, "a saw the reset that was not for it");
        Assert.True(a.IsEngaged);
        // b's reset dealt with a's engagement: a's retained ENGAGED state, sent again on a fresh subscription, does not re-engage b.
        b.RestartMirror();
        await Wait.Until(() => b.Mirror.Counters.PeerStates >= 1 && b.Mirror.Counters.StatePublishes >= 1, "b resubscribed");
        Assert.False(b.IsEngaged);
    }

    sealed class PressedButton : IResetInterlock
    {
        public string? WhyResetIsRefused() => "emergency stop pressed";
    }
}
