using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;

namespace EdgeTrader.Tests.KillSwitch;

/// <summary>Engagement identity across nodes: no collision, per-peer memory, bounded effect of one message, renewals.</summary>
public class CircuitBreakerIdentityTests
{
    static CircuitBreaker Node(string name) => new(BreakerState.FreshInstall(TestClock.New().GetUtcNow(), name), TestClock.New());

    /// <summary>What <paramref name="n"/> publishes, as its peers read it.</summary>
    static PeerReport Report(CircuitBreaker n) =>
        new(n.State.Self.Node, n.State.Position, n.State.Engagement, n.State.Self.Latest, n.State.Reason);

    [Fact]
    public void Two_nodes_engaging_apart_make_different_engagements_and_a_reset_on_one_does_not_swallow_the_others()
    {
        // The broker is down: b engages, a engages and is reset. Both are "generation 1", but not the same engagement.
        var a = Node("a");
        var b = Node("b");
        b.Engage("b's limit", BreakerSource.Risk);
        a.Engage("a's operator", BreakerSource.Cli);
        Assert.True(a.Reset("checked", BreakerSource.Cli).Done);
        Assert.Equal(a.State.Generation, b.State.Generation);
        Assert.NotEqual(a.State.Engagement, b.State.Engagement);

        // The broker returns: b's retained ENGAGED reaches a, which has never seen it.
        Assert.Equal(PeerVerdict.Engaged, a.EngageFromPeer(Report(b)));
        Assert.True(a.IsEngaged);
        Assert.Equal(b.State.Engagement, a.State.Engagement);
    }

    [Fact]
    public void An_engagement_seen_while_engaged_is_dealt_with_by_the_next_reset_and_one_arriving_after_it_engages()
    {
        var a = Node("a");
        var b = Node("b");
        var c = Node("c");
        a.Engage("a", BreakerSource.Cli);
        b.Engage("b", BreakerSource.Cli);
        Assert.Equal(PeerVerdict.Seen, a.EngageFromPeer(Report(b))); // both engaged within the propagation delay
        a.Reset("ok", BreakerSource.Cli);
        Assert.Equal(PeerVerdict.DealtWith, a.EngageFromPeer(Report(b)));
        Assert.False(a.IsEngaged);

        // c engaged after a's reset: not dealt with.
        c.Engage("c", BreakerSource.Cli);
        Assert.Equal(PeerVerdict.Engaged, a.EngageFromPeer(Report(c)));
    }

    [Fact]
    public void An_engagement_relayed_by_a_peer_that_adopted_it_reaches_a_node_that_never_saw_its_origin()
    {
        var a = Node("a");
        var b = Node("b");
        var c = Node("c");
        a.Engage("origin", BreakerSource.Cli);
        b.EngageFromPeer(Report(a));
        a.Reset("a reset before c heard of it", BreakerSource.Cli);
        b.Reset("b too", BreakerSource.Cli);
        // c comes back: a's and b's states are SAFE, but name an engagement c never saw.
        Assert.Equal(PeerVerdict.Engaged, c.EngageFromPeer(Report(b)));
        Assert.Equal(a.State.Engagement, c.State.Engagement);
        c.Reset("c checked", BreakerSource.Cli);
        Assert.Equal(PeerVerdict.DealtWith, c.EngageFromPeer(Report(b)));
        // a's own engagement comes back to it through b: a knows it is its own and reset.
        Assert.Equal(PeerVerdict.DealtWith, a.EngageFromPeer(Report(b)));
    }

    [Fact]
    public void A_peers_huge_claim_about_another_node_never_hides_that_nodes_real_engagements()
    {
        var a = Node("a");
        var c = Node("c");
        a.Engage("first", BreakerSource.Cli);
        a.Reset("r", BreakerSource.Cli);
        var inc = a.State.Self.Incarnation;
        var lie = new EngagementId("a", inc, EngagementId.MaxSeq);
        Assert.Equal(PeerVerdict.Engaged, c.EngageFromPeer(new PeerReport("rogue", BreakerPosition.Engaged, lie, null, "")));
        c.Reset("dealt with the rogue", BreakerSource.Cli);
        // a's real next engagement still engages c.
        a.Engage("real", BreakerSource.Risk);
        Assert.Equal(PeerVerdict.Engaged, c.EngageFromPeer(Report(a)));
    }

    [Fact]
    public void A_planted_claim_on_a_nodes_own_topic_is_forgotten_as_soon_as_that_node_speaks_again()
    {
        var x = Node("x");
        var c = Node("c");
        x.Engage("e1", BreakerSource.Cli);
        x.Reset("r", BreakerSource.Cli);
        c.EngageFromPeer(Report(x));
        c.Reset("r", BreakerSource.Cli);
        var planted = new EngagementId("x", x.State.Self.Incarnation, EngagementId.MaxSeq);
        c.EngageFromPeer(new PeerReport("x", BreakerPosition.Engaged, planted, planted, "planted"));
        c.Reset("r", BreakerSource.Cli);
        Assert.Contains(c.State.Dealt.Entries, e => e.Seq == EngagementId.MaxSeq);
        // x republishes its real state (counter 1): the planted entry is forgotten. It had replaced the record of e1,
        // so e1 engages c once more (the safe side), and is dealt with again at the next reset.
        Assert.Equal(PeerVerdict.Engaged, c.EngageFromPeer(Report(x)));
        Assert.DoesNotContain(c.State.Dealt.Entries, e => e.Seq > 1);
        c.Reset("r", BreakerSource.Cli);
        Assert.Equal(PeerVerdict.DealtWith, c.EngageFromPeer(Report(x)));
        x.Engage("e2", BreakerSource.Risk);
        Assert.Equal(PeerVerdict.Engaged, c.EngageFromPeer(Report(x)));
    }

    [Fact]
    public void A_planted_claim_does_not_hide_the_real_engagement_the_node_publishes_next()
    {
        var x = Node("x");
        var c = Node("c");
        x.Engage("e1", BreakerSource.Cli);
        c.EngageFromPeer(Report(x));
        c.Reset("r", BreakerSource.Cli);
        x.Reset("r", BreakerSource.Cli);
        var planted = new EngagementId("x", x.State.Self.Incarnation, EngagementId.MaxSeq);
        c.EngageFromPeer(new PeerReport("x", BreakerPosition.Engaged, planted, planted, "planted"));
        c.Reset("dealt with the planted one", BreakerSource.Cli);
        // x's next message is already its next real engagement: the planted claim is forgotten and does not hide it.
        x.Command("real", BreakerSource.Cli);
        Assert.Equal(PeerVerdict.Engaged, c.EngageFromPeer(Report(x)));
        Assert.Equal(x.State.Engagement, c.State.Engagement);
    }

    [Fact]
    public void A_node_reinstalled_with_a_new_incarnation_is_heard_although_its_counter_starts_again()
    {
        var c = Node("c");
        var old = Node("x");
        for (int i = 0; i < 5; i++) { old.Engage("e", BreakerSource.Cli); c.EngageFromPeer(Report(old)); c.Reset("r", BreakerSource.Cli); old.Reset("r", BreakerSource.Cli); }
        var reinstalled = Node("x");
        reinstalled.Engage("after reinstall", BreakerSource.Cli);
        Assert.Equal(1, reinstalled.State.Generation);
        Assert.Equal(PeerVerdict.Engaged, c.EngageFromPeer(Report(reinstalled)));
    }

    [Fact]
    public void The_ledger_is_bounded_whatever_a_flood_of_peers_claims()
    {
        var c = Node("c");
        c.Engage("x", BreakerSource.Cli);
        for (int i = 0; i < 10 * EngagementLedger.MaxEntries; i++)
        {
            var id = new EngagementId($"p{i}", "0123456789abcdef", EngagementId.MaxSeq);
            c.EngageFromPeer(new PeerReport($"p{i}", BreakerPosition.Safe, id, id, ""));
        }
        c.Reset("r", BreakerSource.Cli);
        Assert.True(c.State.Dealt.Entries.Count <= EngagementLedger.MaxEntries);
    }

    [Fact]
    public void An_explicit_engage_of_an_engaged_node_renews_it_and_a_peer_reset_since_engages_again()
    {
        var a = Node("a");
        var b = Node("b");
        Assert.Equal(EngageOutcome.New, a.Command("desk", BreakerSource.Cli).Outcome);
        b.EngageFromPeer(Report(a));
        b.Reset("b's operator", BreakerSource.Cli);
        var before = a.State.Engagement;
        var r = a.Command("again", BreakerSource.Cli);
        Assert.Equal(EngageOutcome.Renewed, r.Outcome);
        Assert.NotEqual(before, r.State.Engagement);
        Assert.Equal("again", r.State.Reason);
        Assert.Equal(PeerVerdict.Engaged, b.EngageFromPeer(Report(a)));
    }

    [Fact]
    public void An_automatic_engage_of_an_engaged_node_makes_no_new_engagement()
    {
        var a = Node("a");
        var seen = new List<BreakerTransition>();
        a.Subscribe(seen.Add);
        a.Command("desk", BreakerSource.Mqtt);
        var before = a.State;
        foreach (var src in new[] { BreakerSource.Risk, BreakerSource.Bridge, BreakerSource.Gateway, BreakerSource.Mqtt, BreakerSource.Startup })
            Assert.Same(before, a.Engage("re-evaluated", src));
        Assert.Single(seen);
    }

    [Fact]
    public void A_reset_naming_another_engagement_is_refused()
    {
        var a = Node("a");
        var first = a.Command("one", BreakerSource.Cli).State.Engagement!.Value;
        a.Reset("r", BreakerSource.Cli);
        a.Command("two", BreakerSource.Cli);
        var r = a.Reset("replayed", BreakerSource.Mqtt, first);
        Assert.False(r.Done);
        Assert.Contains("not the current one", r.RefusedBecause);
        Assert.True(a.Reset("right one", BreakerSource.Mqtt, a.State.Engagement).Done);
    }
}
