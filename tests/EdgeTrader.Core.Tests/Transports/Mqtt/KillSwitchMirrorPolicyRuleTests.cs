using System.Buffers;
using System.Text;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;
using EdgeTrader.Transports.Mqtt;

namespace EdgeTrader.Tests.Transports.Mqtt;

/// <summary>What each topic means, what is counted as an anomaly, and what each action does to the breaker.</summary>
public sealed class KillSwitchMirrorPolicyRuleTests
{
    const string P = "et/p";
    const string I = "0123456789abcdef";
    static readonly byte[] Key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = TestClock.New();
    // One per test, not static: each test that decides builds the policy, so each counts as covering its constructor.
    readonly KillSwitchMirrorPolicy _noResets = new(P, "me", verifier: null);

    CircuitBreaker Breaker(string node = "me") => new(BreakerState.FreshInstall(_time.GetUtcNow(), node, I), _time);

    MirrorAction Decide(string topic, string payload, KillSwitchMirrorPolicy? policy = null) =>
        (policy ?? _noResets).Decide(topic, Encoding.UTF8.GetBytes(payload));

    static string StateOf(BreakerState s)
    {
        var buffer = new ArrayBufferWriter<byte>();
        BreakerStateCodec.WritePeerPayload(buffer, s, DateTimeOffset.UnixEpoch);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void An_engage_command_carries_the_reason_of_its_payload()
    {
        var a = Assert.IsType<MirrorAction.EngageCommand>(Decide($"{P}/killswitch/engage", """{"reason":"halt","origin":"desk"}"""));
        Assert.Equal("halt (origin: desk)", a.Reason);
        var b = Breaker();
        Assert.Equal(MirrorOutcome.Engaged, KillSwitchMirrorPolicy.Apply(a, b, out var detail));
        Assert.Null(detail);
        Assert.Equal("halt (origin: desk)", b.State.Reason);
        Assert.Equal(BreakerSource.Mqtt, b.State.Source);
    }

    [Theory]
    [InlineData("et/p/nodes/state")]
    [InlineData("et/p/nodes//state")]
    [InlineData("et/p/nodes/x/statex")]
    [InlineData("et/p/node/x/state")]
    [InlineData("et/q/nodes/x/state")]
    [InlineData("et/p/killswitch/engaged")]
    [InlineData("et/p/killswitch/reset/x")]
    [InlineData("other/topic")]
    public void A_topic_that_is_not_the_kill_switchs_is_ignored_quietly_and_not_counted(string topic)
    {
        var i = Assert.IsType<MirrorAction.Ignore>(Decide(topic, """{"state":"ENGAGED","generation":1}"""));
        Assert.False(i.Counted);
        Assert.True(i.Quiet);
        Assert.Equal($"topic {topic} is not the kill switch's", i.Detail);
    }

    [Fact]
    public void A_state_topic_of_a_name_no_node_can_have_is_counted()
    {
        var i = Assert.IsType<MirrorAction.Ignore>(Decide($"{P}/nodes/a/b/state", """{"state":"ENGAGED","generation":1}"""));
        Assert.True(i.Counted);
        Assert.False(i.Quiet);
        Assert.Equal("state topic of an invalid node name (3 chars)", i.Detail);
    }

    [Fact]
    public void A_cleared_retained_state_of_a_peer_is_counted_quietly()
    {
        var i = Assert.IsType<MirrorAction.Ignore>(Decide($"{P}/nodes/peer/state", ""));
        Assert.True(i.Counted);
        Assert.True(i.Quiet);
        Assert.Equal("empty state from peer (a cleared retained message)", i.Detail);
    }

    [Fact]
    public void A_cleared_retained_state_of_this_node_is_published_again()
    {
        var own = Assert.IsType<MirrorAction.OwnState>(Decide($"{P}/nodes/me/state", ""));
        Assert.Null(own.Report);
        Assert.Equal(MirrorOutcome.Republish, KillSwitchMirrorPolicy.Apply(own, Breaker(), out _));
    }

    [Fact]
    public void An_unreadable_peer_state_is_counted_loudly_with_its_size_and_the_codecs_reason()
    {
        var i = Assert.IsType<MirrorAction.Ignore>(Decide($"{P}/nodes/peer/state", """{"state":"engaged"}"""));
        Assert.True(i.Counted);
        Assert.False(i.Quiet);
        Assert.Equal("unreadable state from peer peer (19 bytes: unknown state)", i.Detail);
    }

    [Fact]
    public void A_peer_state_is_read_for_its_publisher()
    {
        var peer = Breaker("peer");
        peer.Engage("limit", BreakerSource.Risk);
        var a = Assert.IsType<MirrorAction.PeerState>(Decide($"{P}/nodes/peer/state", StateOf(peer.State)));
        Assert.Equal(new PeerReport("peer", BreakerPosition.Engaged, peer.State.Engagement, peer.State.Self.Latest, "limit"), a.Report);
    }

    [Fact]
    public void A_peer_engagement_seen_while_engaged_is_reported_as_seen()
    {
        var peer = Breaker("peer");
        peer.Engage("limit", BreakerSource.Risk);
        var b = Breaker();
        b.Engage("own", BreakerSource.Risk);
        Assert.Equal(MirrorOutcome.PeerSeen, KillSwitchMirrorPolicy.Apply(Decide($"{P}/nodes/peer/state", StateOf(peer.State)), b, out var detail));
        Assert.Null(detail);
    }

    [Fact]
    public void This_nodes_own_state_is_current_only_when_position_engagement_and_own_counter_all_match()
    {
        var b = Breaker();
        b.Engage("x", BreakerSource.Risk);
        var s = b.State;
        var exact = new PeerReport("me", s.Position, s.Engagement, s.Self.Latest, s.Reason);
        Assert.Equal(MirrorOutcome.OwnStateCurrent, KillSwitchMirrorPolicy.Apply(new MirrorAction.OwnState(exact), b, out _));
        Assert.Equal(MirrorOutcome.OwnStateCurrent, KillSwitchMirrorPolicy.Apply(Decide($"{P}/nodes/me/state", StateOf(s)), b, out _));
        Assert.Equal(MirrorOutcome.OwnStateCurrent, KillSwitchMirrorPolicy.Apply(new MirrorAction.OwnState(exact with { Reason = "reason is not compared" }), b, out _));
        foreach (var stale in new[]
                 {
                     exact with { Position = BreakerPosition.Safe },
                     exact with { Current = new EngagementId("me", I, 9) },
                     exact with { Own = null },
                 })
        {
            Assert.Equal(MirrorOutcome.Republish, KillSwitchMirrorPolicy.Apply(new MirrorAction.OwnState(stale), b, out _));
        }
    }

    [Fact]
    public void A_reset_while_remote_resets_are_disabled_is_counted_and_says_why()
    {
        var policy = new KillSwitchMirrorPolicy(P, "me", verifier: null, resetDisabledBecause: "no key file");
        var i = Assert.IsType<MirrorAction.Ignore>(Decide($"{P}/killswitch/reset", "{}", policy));
        Assert.True(i.Counted);
        Assert.False(i.Quiet);
        Assert.Equal("remote reset ignored: no key file", i.Detail);
        Assert.Equal("remote reset ignored: remote resets are disabled", Assert.IsType<MirrorAction.Ignore>(Decide($"{P}/killswitch/reset", "{}")).Detail);
    }

    KillSwitchMirrorPolicy Signed() => new(P, "me", new SignedResetVerifier(Key, P, "me", TimeSpan.FromSeconds(30), _time));

    byte[] Reset(string node, string engagement, string nonce) =>
        SignedResetVerifier.CreatePayload(Key, P, node, engagement, _time.GetUtcNow().ToUnixTimeMilliseconds(), nonce, "desk");

    [Fact]
    public void A_reset_for_another_node_is_counted_quietly_and_a_refused_one_loudly_with_its_verdict()
    {
        var policy = Signed();
        var other = Assert.IsType<MirrorAction.Ignore>(policy.Decide($"{P}/killswitch/reset", Reset("pi-2", $"me:{I}:1", "nonce-0001")));
        Assert.True(other.Counted);
        Assert.True(other.Quiet);
        Assert.Equal("remote reset for another node", other.Detail);
        var bad = Assert.IsType<MirrorAction.Ignore>(policy.Decide($"{P}/killswitch/reset", "{}"u8));
        Assert.True(bad.Counted);
        Assert.False(bad.Quiet);
        Assert.Equal("remote reset ignored: Malformed", bad.Detail);
    }

    [Fact]
    public void A_verified_reset_names_its_engagement_and_a_done_reset_has_no_detail()
    {
        var b = Breaker();
        var e = b.Engage("x", BreakerSource.Risk).Engagement!.Value;
        var a = Assert.IsType<MirrorAction.VerifiedReset>(Signed().Decide($"{P}/killswitch/reset", Reset("me", e.ToString(), "nonce-0001")));
        Assert.Equal(e, a.Engagement);
        Assert.Equal("desk", a.Reason);
        Assert.Equal(MirrorOutcome.ResetDone, KillSwitchMirrorPolicy.Apply(a, b, out var detail));
        Assert.Null(detail);
        Assert.Equal("remote reset: desk", b.State.Reason);
        Assert.Equal(BreakerSource.Mqtt, b.State.Source);
    }

    [Fact]
    public void An_ignored_message_changes_nothing_and_hands_its_detail_on()
    {
        var b = Breaker();
        var before = b.State;
        Assert.Equal(MirrorOutcome.Ignored, KillSwitchMirrorPolicy.Apply(new MirrorAction.Ignore("why", Counted: true), b, out var detail));
        Assert.Equal("why", detail);
        Assert.Same(before, b.State);
    }
}
