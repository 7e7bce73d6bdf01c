using System.Buffers;
using EdgeTrader.KillSwitch;
using EdgeTrader.Persistence;
using EdgeTrader.Tests.Support;

namespace EdgeTrader.Tests.KillSwitch;

/// <summary>The own counter never reaches what peers refuse, and never goes back below what peers have seen.</summary>
public sealed class CircuitBreakerCounterTests
{
    const string I = "0123456789abcdef";

    sealed class Store : IBreakerStateStore
    {
        public readonly List<BreakerState> Saved = [];
        public void Save(BreakerState state) => Saved.Add(state);
    }

    static BreakerState At(string node, long counter) =>
        BreakerState.FreshInstall(TestClock.New().GetUtcNow(), node, I) with { Self = new NodeIdentity(node, I, counter) };

    /// <summary>What <paramref name="s"/> publishes, read back as a peer reads it: refused payloads fail the test.</summary>
    static PeerReport AsPeerReadsIt(BreakerState s)
    {
        var buffer = new ArrayBufferWriter<byte>();
        BreakerStateCodec.WritePeerPayload(buffer, s, DateTimeOffset.UnixEpoch);
        Assert.True(BreakerStateCodec.TryReadPeerPayload(buffer.WrittenSpan, s.Self.Node, out var report, out var error), error);
        return report;
    }

    static PeerReport Report(BreakerState s) => new(s.Self.Node, s.Position, s.Engagement, s.Self.Latest, s.Reason);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_node_at_the_end_of_its_counter_engages_in_a_new_incarnation_that_its_peers_accept(bool explicitly)
    {
        var a = new CircuitBreaker(At("a", EngagementId.MaxSeq), TestClock.New());
        var b = new CircuitBreaker(BreakerState.FreshInstall(TestClock.New().GetUtcNow(), "b"), TestClock.New());
        if (explicitly) a.Command("operator", BreakerSource.Cli);
        else a.Engage("limit", BreakerSource.Risk);

        var e = a.State.Engagement!.Value;
        Assert.NotEqual(I, e.Incarnation);
        Assert.Equal(1, e.Seq);
        Assert.Equal(new NodeIdentity("a", e.Incarnation, 1), a.State.Self);
        Assert.Equal(PeerVerdict.Engaged, b.EngageFromPeer(AsPeerReadsIt(a.State)));
        Assert.Equal(e, b.State.Engagement);
    }

    [Fact]
    public void A_renewal_at_the_end_of_the_counter_is_a_new_incarnation_too()
    {
        var a = new CircuitBreaker(At("a", EngagementId.MaxSeq - 1), TestClock.New());
        a.Command("first", BreakerSource.Cli);
        Assert.Equal(new EngagementId("a", I, EngagementId.MaxSeq), a.State.Engagement);
        Assert.Equal(EngageOutcome.Renewed, a.Command("again", BreakerSource.Mqtt).Outcome);
        Assert.NotEqual(I, a.State.Self.Incarnation);
        Assert.Equal(1, a.State.Engagement!.Value.Seq);
        AsPeerReadsIt(a.State);
    }

    [Fact]
    public void A_start_up_engagement_at_the_end_of_the_counter_is_a_new_incarnation_that_peers_accept()
    {
        var engaged = StateDirectory.FailClosed(At("a", EngagementId.MaxSeq), "corrupt", TestClock.New().GetUtcNow());
        Assert.True(engaged.IsEngaged);
        Assert.NotEqual(I, engaged.Self.Incarnation);
        Assert.Equal(new EngagementId("a", engaged.Self.Incarnation, 1), engaged.Engagement);
        Assert.Equal(engaged.Engagement, AsPeerReadsIt(engaged).Current);
    }

    [Fact]
    public void A_peer_relaying_an_own_engagement_above_the_counter_raises_the_counter_saved_and_the_next_engagement_is_new_to_that_peer()
    {
        // a engaged as a:I:5, b adopted it and was reset; a's save of 5 was lost (or a backup at 4 was restored).
        var a5 = new CircuitBreaker(At("a", 4), TestClock.New());
        a5.Command("the stop whose save was lost", BreakerSource.Cli);
        var b = new CircuitBreaker(BreakerState.FreshInstall(TestClock.New().GetUtcNow(), "b"), TestClock.New());
        b.EngageFromPeer(Report(a5.State));
        Assert.True(b.Reset("dealt with a:5", BreakerSource.Cli).Done);

        var store = new Store();
        var a = new CircuitBreaker(At("a", 4), TestClock.New(), store);
        // Not dealt with here (its latch lost it): it engages, and the counter is raised past it.
        Assert.Equal(PeerVerdict.Engaged, a.EngageFromPeer(Report(b.State)));
        Assert.Equal(a5.State.Engagement, a.State.Engagement);
        Assert.Equal(5, a.State.Self.Counter);
        Assert.Equal(5, store.Saved[^1].Self.Counter);
        Assert.True(a.Reset("checked", BreakerSource.Cli).Done);
        Assert.Equal(PeerVerdict.DealtWith, a.EngageFromPeer(Report(b.State)));

        a.Command("a new stop", BreakerSource.Cli);
        Assert.Equal(new EngagementId("a", I, 6), a.State.Engagement);
        Assert.Equal(PeerVerdict.Engaged, b.EngageFromPeer(Report(a.State)));
    }

    [Fact]
    public void The_own_retained_state_above_the_counter_raises_the_counter_saved_and_engages_a_SAFE_node()
    {
        var store = new Store();
        var a = new CircuitBreaker(At("a", 4), TestClock.New(), store);
        var retained = At("a", 7) with { Position = BreakerPosition.Safe, Engagement = new EngagementId("a", I, 7) };
        Assert.Equal(PeerVerdict.Engaged, a.NoteOwnState(Report(retained)));
        Assert.Equal(7, a.State.Self.Counter);
        Assert.True(a.IsEngaged);
        Assert.Equal(BreakerSource.Startup, a.State.Source);
        Assert.Contains("above this node's counter 4", a.State.Reason);
        Assert.Equal(7, store.Saved[^1].Self.Counter);
        Assert.True(a.Reset("checked", BreakerSource.Cli).Done);
        Assert.Equal(PeerVerdict.DealtWith, a.NoteOwnState(Report(retained)));
        a.Engage("next", BreakerSource.Risk);
        Assert.Equal(new EngagementId("a", I, 8), a.State.Engagement);
    }

    [Fact]
    public void The_own_retained_state_names_only_own_engagements_for_this_node()
    {
        // An adopted engagement of another node on the own topic (planted, or stale) engages nothing.
        var a = new CircuitBreaker(At("a", 4), TestClock.New());
        var other = new EngagementId("c", I, 9);
        Assert.Equal(PeerVerdict.DealtWith, a.NoteOwnState(new PeerReport("a", BreakerPosition.Engaged, other, new EngagementId("a", I, 4), "")));
        Assert.False(a.IsEngaged);
        Assert.Equal(4, a.State.Self.Counter);
    }

    [Fact]
    public void Own_claims_at_or_below_the_counter_or_of_another_incarnation_or_node_leave_the_counter_alone()
    {
        var store = new Store();
        var a = new CircuitBreaker(At("a", 4), TestClock.New(), store);
        a.NoteOwnState(Report(At("a", 3) with { Engagement = new EngagementId("a", I, 3) }));
        a.NoteOwnState(Report(At("a", 9) with { Self = new NodeIdentity("a", "fedcba9876543210", 9) }));
        a.EngageFromPeer(new PeerReport("c", BreakerPosition.Safe, new EngagementId("c", I, 9), new EngagementId("c", I, 9), ""));
        Assert.Equal(4, a.State.Self.Counter);
        Assert.DoesNotContain(store.Saved, s => s.Self.Counter != 4);
    }

    [Fact]
    public void A_claim_of_the_largest_own_number_raises_the_counter_to_it_and_the_next_engagement_is_a_new_incarnation()
    {
        var a = new CircuitBreaker(At("a", 4), TestClock.New());
        a.NoteOwnState(Report(At("a", EngagementId.MaxSeq)));
        Assert.Equal(EngagementId.MaxSeq, a.State.Self.Counter);
        a.Command("stop", BreakerSource.Cli);
        Assert.NotEqual(I, a.State.Self.Incarnation);
        AsPeerReadsIt(a.State);
    }
}
