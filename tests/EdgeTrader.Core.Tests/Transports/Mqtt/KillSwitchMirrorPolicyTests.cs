using System.Buffers;
using System.Text;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;
using EdgeTrader.Transports.Mqtt;

namespace EdgeTrader.Tests.Transports.Mqtt;

/// <summary>The mirroring policy without a broker: topic + payload → action → breaker.</summary>
public sealed class KillSwitchMirrorPolicyTests
{
    const string P = "et/p";
    static readonly KillSwitchMirrorPolicy Policy = new(P, "me", verifier: null);

    static CircuitBreaker Breaker(string node = "me") => new(BreakerState.FreshInstall(TestClock.New().GetUtcNow(), node), TestClock.New());

    static MirrorOutcome Send(CircuitBreaker b, string topic, string payload) =>
        KillSwitchMirrorPolicy.Apply(Policy.Decide(topic, Encoding.UTF8.GetBytes(payload)), b, out _);

    static string StateOf(CircuitBreaker peer)
    {
        var buffer = new ArrayBufferWriter<byte>();
        BreakerStateCodec.WritePeerPayload(buffer, peer.State, DateTimeOffset.UnixEpoch);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void The_own_retained_state_naming_an_own_engagement_above_the_counter_engages_raises_the_counter_and_is_published_again()
    {
        var before = Breaker();
        before.Command("the stop whose save was lost", BreakerSource.Cli);
        before.Reset("ok", BreakerSource.Cli);
        var retained = StateOf(before);
        var b = new CircuitBreaker(before.State with { Self = before.State.Self with { Counter = 0 }, Engagement = null }, TestClock.New());
        Assert.Equal(MirrorOutcome.Republish, Send(b, $"{P}/nodes/me/state", retained));
        Assert.Equal(1, b.State.Self.Counter);
        Assert.True(b.IsEngaged);
        Assert.Equal(before.State.Engagement, b.State.Engagement);
        b.Command("new", BreakerSource.Cli);
        Assert.Equal(2, b.State.Engagement!.Value.Seq);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\u0001 garbage")]
    [InlineData("{\"reason\":\"halt\"}")]
    public void Any_engage_command_engages_and_on_an_engaged_node_renews(string payload)
    {
        var b = Breaker();
        Assert.Equal(MirrorOutcome.Engaged, Send(b, $"{P}/killswitch/engage", payload));
        var first = b.State.Engagement;
        Assert.Equal(MirrorOutcome.Renewed, Send(b, $"{P}/killswitch/engage", payload));
        Assert.NotEqual(first, b.State.Engagement);
        Assert.Equal(BreakerSource.Mqtt, b.State.Source);
    }

    [Fact]
    public void A_peers_state_engages_once_and_after_a_reset_is_dealt_with()
    {
        var peer = Breaker("peer");
        peer.Engage("limit", BreakerSource.Risk);
        var b = Breaker();
        Assert.Equal(MirrorOutcome.PeerEngaged, Send(b, $"{P}/nodes/peer/state", StateOf(peer)));
        Assert.Contains("peer peer engaged: limit", b.State.Reason);
        b.Reset("ok", BreakerSource.Cli);
        Assert.Equal(MirrorOutcome.PeerDealtWith, Send(b, $"{P}/nodes/peer/state", StateOf(peer)));
        Assert.False(b.IsEngaged);
    }

    [Theory]
    [InlineData("""{"state":"ENGAGED","generation":9007199254740991}""")]
    [InlineData("""{"state":"SAFE","generation":9007199254740991}""")]
    public void The_rogue_maximal_generation_leaves_this_nodes_own_numbering_and_its_peers_untouched(string rogue)
    {
        var b = Breaker();
        Send(b, $"{P}/nodes/rogue/state", rogue);
        if (b.IsEngaged) b.Reset("dealt with", BreakerSource.Cli);
        var own = b.Command("own", BreakerSource.Cli).State;
        Assert.Equal(1, own.Generation); // numbered by this node's own counter, not by anything a peer said
        var peer = Breaker("peer");
        peer.Engage("real", BreakerSource.Risk);
        b.Reset("r", BreakerSource.Cli);
        Assert.Equal(MirrorOutcome.PeerEngaged, Send(b, $"{P}/nodes/peer/state", StateOf(peer)));
        Assert.True(BreakerStateCodec.TryReadPeerPayload(Encoding.UTF8.GetBytes(StateOf(b)), "me", out _, out _)); // what it emits is accepted
    }

    [Fact]
    public void Garbage_on_a_state_topic_is_ignored_and_a_node_name_that_could_not_exist_is_ignored()
    {
        var b = Breaker();
        Assert.Equal(MirrorOutcome.Ignored, Send(b, $"{P}/nodes/peer/state", "{\"state\":\"ENGAGED\""));
        Assert.Equal(MirrorOutcome.Ignored, Send(b, $"{P}/nodes/bad name/state", """{"state":"ENGAGED","generation":1}"""));
        Assert.False(b.IsEngaged);
    }

    [Fact]
    public void Something_else_on_this_nodes_own_topic_is_overwritten_and_its_own_state_is_left_alone()
    {
        var b = Breaker();
        Assert.Equal(MirrorOutcome.Republish, Send(b, $"{P}/nodes/me/state", """{"state":"ENGAGED","generation":99}"""));
        Assert.False(b.IsEngaged);
        Assert.Equal(MirrorOutcome.OwnStateCurrent, Send(b, $"{P}/nodes/me/state", StateOf(b)));
    }

    [Fact]
    public void A_reset_without_remote_resets_allowed_is_ignored()
    {
        var b = Breaker();
        b.Command("x", BreakerSource.Cli);
        Assert.Equal(MirrorOutcome.Ignored, Send(b, $"{P}/killswitch/reset", "{}"));
        Assert.True(b.IsEngaged);
    }

    [Fact]
    public void A_signed_reset_resets_only_the_engagement_it_names()
    {
        byte[] key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        var time = TestClock.New();
        var policy = new KillSwitchMirrorPolicy(P, "me", new SignedResetVerifier(key, P, "me", TimeSpan.FromSeconds(30), time));
        var b = Breaker();
        var first = b.Command("one", BreakerSource.Cli).State.Engagement!.Value;
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var stale = SignedResetVerifier.CreatePayload(key, P, "me", "me:0123456789abcdef:1", now, "nonce-0001", "wrong one");
        Assert.Equal(MirrorOutcome.ResetRefused, KillSwitchMirrorPolicy.Apply(policy.Decide($"{P}/killswitch/reset", stale), b, out var why));
        Assert.Contains("not the current one", why);
        var right = SignedResetVerifier.CreatePayload(key, P, "me", first.ToString(), now, "nonce-0002", "desk");
        Assert.Equal(MirrorOutcome.ResetDone, KillSwitchMirrorPolicy.Apply(policy.Decide($"{P}/killswitch/reset", right), b, out _));
        Assert.False(b.IsEngaged);
    }
}
