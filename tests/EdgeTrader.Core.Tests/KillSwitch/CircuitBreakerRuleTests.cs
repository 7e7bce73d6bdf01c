using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EdgeTrader.Tests.KillSwitch;

/// <summary>What each transition writes into the state, saves and tells; what a peer's report may and may not change.</summary>
public sealed class CircuitBreakerRuleTests
{
    const string I = "0123456789abcdef";
    const string J = "fedcba9876543210";

    sealed class Store : IBreakerStateStore
    {
        public readonly List<BreakerState> Saved = [];
        public Func<BreakerState, bool> Fails = _ => false;
        public string Message = "disk full";
        public int Attempts;
        public void Save(BreakerState state)
        {
            Attempts++;
            if (Fails(state)) throw new IOException(Message);
            Saved.Add(state);
        }
    }

    sealed class Veto(Func<string?> why) : IResetInterlock { public string? WhyResetIsRefused() => why(); }

    readonly FakeTimeProvider _time = TestClock.New();
    readonly Store _store = new();

    CircuitBreaker Node(string name = "me", IBreakerStateStore? store = null) =>
        new(BreakerState.FreshInstall(_time.GetUtcNow(), name, I), _time, store ?? _store);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void An_engage_without_a_reason_says_none_was_given(string reason)
    {
        var b = Node();
        Assert.Equal("(no reason given)", b.Engage(reason, BreakerSource.Risk).Reason);
        Assert.Equal("(no reason given)", b.Command(reason, BreakerSource.Cli).State.Reason);
    }

    [Fact]
    public void An_engage_is_saved_as_it_is_published_with_its_time_source_and_counter()
    {
        var b = Node();
        _time.Advance(TimeSpan.FromMinutes(5));
        var s = b.Engage("limit", BreakerSource.Gateway);
        Assert.Same(s, b.State);
        Assert.Equal(_time.GetUtcNow(), s.Since);
        Assert.Equal(BreakerSource.Gateway, s.Source);
        Assert.Equal(new EngagementId("me", I, 1), s.Engagement);
        Assert.Equal(1, s.Self.Counter);
        Assert.Equal([s], _store.Saved);
    }

    [Fact]
    public void A_stop_command_engages_a_SAFE_node_and_renews_an_ENGAGED_one_with_the_next_counter()
    {
        var b = Node();
        var first = b.Command("desk", BreakerSource.Cli);
        Assert.Equal(EngageOutcome.New, first.Outcome);
        Assert.Same(first.State, b.State);
        _time.Advance(TimeSpan.FromSeconds(3));
        var again = b.Command("desk again", BreakerSource.Mqtt);
        Assert.Equal(EngageOutcome.Renewed, again.Outcome);
        Assert.Equal(new EngagementId("me", I, 2), again.State.Engagement);
        Assert.Equal(2, again.State.Self.Counter);
        Assert.Equal(BreakerSource.Mqtt, again.State.Source);
        Assert.Equal(_time.GetUtcNow(), again.State.Since);
        Assert.Equal([first.State, again.State], _store.Saved);
    }

    [Fact]
    public void The_gates_closed_timestamp_is_taken_by_each_own_engagement_and_by_nothing_else()
    {
        var b = Node();
        Assert.Equal(0, b.LastGatesClosedTimestamp);
        long before = System.Diagnostics.Stopwatch.GetTimestamp();
        b.Engage("x", BreakerSource.Risk);
        long closed = b.LastGatesClosedTimestamp;
        Assert.InRange(closed, before, System.Diagnostics.Stopwatch.GetTimestamp());
        b.Engage("automatic, already engaged", BreakerSource.Risk);
        Assert.Equal(closed, b.LastGatesClosedTimestamp);
        b.Reset("r", BreakerSource.Cli);
        Assert.Equal(closed, b.LastGatesClosedTimestamp);
        var e = new EngagementId("a", I, 1);
        b.EngageFromPeer(new PeerReport("a", BreakerPosition.Engaged, e, e, ""));
        Assert.Equal(closed, b.LastGatesClosedTimestamp);
        long beforeRenew = System.Diagnostics.Stopwatch.GetTimestamp();
        b.Command("renew", BreakerSource.Cli);
        Assert.True(b.LastGatesClosedTimestamp >= beforeRenew);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_reset_without_a_reason_says_reset(string reason)
    {
        var b = Node();
        b.Engage("x", BreakerSource.Risk);
        Assert.Equal("reset", b.Reset(reason, BreakerSource.Cli).State.Reason);
    }

    [Fact]
    public void A_reset_is_saved_before_it_is_published_with_who_reset_and_when()
    {
        var b = Node();
        var engaged = b.Engage("x", BreakerSource.Risk);
        _time.Advance(TimeSpan.FromHours(1));
        var r = b.Reset("checked", BreakerSource.Button);
        Assert.True(r.Done);
        Assert.Null(r.RefusedBecause);
        Assert.Same(r.State, b.State);
        Assert.Equal(BreakerPosition.Safe, r.State.Position);
        Assert.Equal("checked", r.State.Reason);
        Assert.Equal(BreakerSource.Button, r.State.Source);
        Assert.Equal(_time.GetUtcNow(), r.State.Since);
        Assert.Equal(engaged.Engagement, r.State.Engagement); // the last engagement stays named
        Assert.Equal([engaged, r.State], _store.Saved);
    }

    [Fact]
    public void Resetting_a_SAFE_breaker_changes_nothing_saves_nothing_and_tells_nobody()
    {
        var b = Node();
        var seen = new List<BreakerTransition>();
        b.Subscribe(seen.Add);
        var before = b.State;
        var r = b.Reset("nothing to reset", BreakerSource.Cli);
        Assert.True(r.Done);
        Assert.Null(r.RefusedBecause);
        Assert.Same(before, r.State);
        Assert.Same(before, b.State);
        Assert.Empty(_store.Saved);
        Assert.Empty(seen);
    }

    [Fact]
    public void A_reset_naming_another_engagement_says_which_one_it_named_and_which_is_current()
    {
        var b = Node();
        b.Engage("x", BreakerSource.Risk);
        var other = new EngagementId("me", I, 9);
        var r = b.Reset("replayed", BreakerSource.Mqtt, other);
        Assert.False(r.Done);
        Assert.Equal($"the reset names engagement me:{I}:9, not the current one (me:{I}:1)", r.RefusedBecause);
        Assert.Same(b.State, r.State);
        Assert.True(b.IsEngaged);
    }

    [Fact]
    public void Every_interlock_is_asked_and_the_one_that_vetoes_says_why()
    {
        var b = Node();
        string? second = "wire broken";
        int firstAsked = 0;
        b.AddResetInterlock(new Veto(() => { firstAsked++; return null; }));
        b.AddResetInterlock(new Veto(() => second));
        b.Engage("x", BreakerSource.Button);
        var r = b.Reset("try", BreakerSource.Cli);
        Assert.False(r.Done);
        Assert.Equal("wire broken", r.RefusedBecause);
        Assert.Same(b.State, r.State);
        Assert.Equal(1, firstAsked);
        second = null;
        Assert.True(b.Reset("repaired", BreakerSource.Cli).Done);
    }

    [Fact]
    public void A_reset_that_cannot_be_saved_is_refused_with_the_reason_and_keeps_what_it_would_have_dealt_with()
    {
        var b = Node();
        var seen = new List<BreakerTransition>();
        b.Subscribe(seen.Add);
        b.Engage("own", BreakerSource.Risk);
        var peer = new EngagementId("p", J, 4);
        Assert.Equal(PeerVerdict.Seen, b.EngageFromPeer(new PeerReport("p", BreakerPosition.Engaged, peer, peer, "")));
        _store.Fails = s => !s.IsEngaged;
        var r = b.Reset("try", BreakerSource.Cli);
        Assert.False(r.Done);
        Assert.Equal("cannot persist the breaker state: disk full", r.RefusedBecause);
        Assert.True(b.IsEngaged);
        Assert.Single(seen);
        _store.Fails = _ => false;
        Assert.True(b.Reset("saved now", BreakerSource.Cli).Done);
        Assert.Equal(PeerVerdict.DealtWith, b.EngageFromPeer(new PeerReport("p", BreakerPosition.Engaged, peer, peer, "")));
    }

    [Theory]
    [InlineData("", "peer a engaged")]
    [InlineData(" ", "peer a engaged")]
    [InlineData("loss limit", "peer a engaged: loss limit")]
    public void A_peer_engagement_says_which_peer_and_why(string reason, string expected)
    {
        var b = Node();
        var e = new EngagementId("a", J, 2);
        _time.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(PeerVerdict.Engaged, b.EngageFromPeer(new PeerReport("a", BreakerPosition.Engaged, e, e, reason)));
        Assert.Equal(expected, b.State.Reason);
        Assert.Equal(BreakerSource.Peer, b.State.Source);
        Assert.Equal(_time.GetUtcNow(), b.State.Since);
        Assert.Equal(0, b.State.Self.Counter); // a peer's engagement is not this node's own
        Assert.Equal([b.State], _store.Saved);
    }

    [Fact]
    public void A_peer_engagement_is_a_transition_its_observers_hear_before_the_call_returns()
    {
        var b = Node();
        var heard = new List<BreakerTransition>();
        b.Subscribe(heard.Add);
        var e = new EngagementId("a", J, 2);
        b.EngageFromPeer(new PeerReport("a", BreakerPosition.Engaged, e, e, "limit"));
        var t = Assert.Single(heard);
        Assert.Same(b.State, t.Current);
        Assert.True(t.IsNewEngagement);
    }

    [Fact]
    public void A_peer_that_names_two_new_engagements_is_followed_into_the_one_it_is_in()
    {
        var b = Node();
        var adopted = new EngagementId("origin", J, 9);
        var its = new EngagementId("a", "1111111111111111", 3);
        Assert.Equal(PeerVerdict.Engaged, b.EngageFromPeer(new PeerReport("a", BreakerPosition.Engaged, adopted, its, "")));
        Assert.Equal(adopted, b.State.Engagement);
    }

    [Fact]
    public void What_one_peer_shows_of_two_origins_while_engaged_is_remembered_for_each()
    {
        var b = Node();
        b.Engage("own", BreakerSource.Risk);
        var first = new EngagementId("o1", J, 5);
        var second = new EngagementId("o2", J, 3);
        b.EngageFromPeer(new PeerReport("p", BreakerPosition.Engaged, first, null, ""));
        b.EngageFromPeer(new PeerReport("p", BreakerPosition.Engaged, second, null, ""));
        b.Reset("r", BreakerSource.Cli);
        Assert.Equal(PeerVerdict.DealtWith, b.EngageFromPeer(new PeerReport("p", BreakerPosition.Engaged, second, null, "")));
        Assert.Equal(PeerVerdict.DealtWith, b.EngageFromPeer(new PeerReport("p", BreakerPosition.Engaged, first, null, "")));
    }

    [Fact]
    public void A_peer_engagement_seen_while_engaged_changes_nothing_until_the_reset()
    {
        var b = Node();
        var seen = new List<BreakerTransition>();
        b.Subscribe(seen.Add);
        var own = b.Engage("own", BreakerSource.Risk);
        var e = new EngagementId("a", J, 2);
        Assert.Equal(PeerVerdict.Seen, b.EngageFromPeer(new PeerReport("a", BreakerPosition.Engaged, e, e, "")));
        Assert.Same(own, b.State);
        Assert.Single(seen);
        Assert.Equal([own], _store.Saved);
    }

    [Fact]
    public void A_report_that_names_only_what_was_dealt_with_saves_nothing()
    {
        var b = Node();
        var e = new EngagementId("a", J, 2);
        b.EngageFromPeer(new PeerReport("a", BreakerPosition.Engaged, e, e, ""));
        b.Reset("r", BreakerSource.Cli);
        int saves = _store.Saved.Count;
        var state = b.State;
        Assert.Equal(PeerVerdict.DealtWith, b.EngageFromPeer(new PeerReport("a", BreakerPosition.Safe, e, e, "")));
        Assert.Same(state, b.State);
        Assert.Equal(saves, _store.Saved.Count);
    }

    /// <summary>c dealt with a's first engagement (shown by a) and with a rogue's claim that a is at the maximal counter.</summary>
    (CircuitBreaker c, EngagementId real) PlantedLedger()
    {
        var c = Node("c");
        var real = new EngagementId("a", J, 1);
        c.EngageFromPeer(new PeerReport("a", BreakerPosition.Engaged, real, real, ""));
        c.EngageFromPeer(new PeerReport("rogue", BreakerPosition.Engaged, new EngagementId("a", J, EngagementId.MaxSeq), null, ""));
        c.Reset("dealt with both", BreakerSource.Cli);
        Assert.Contains(c.State.Dealt.Entries, d => d.Publisher == "rogue");
        return (c, real);
    }

    [Fact]
    public void The_origins_own_counter_makes_the_ledger_forget_a_planted_claim_which_is_saved_without_a_transition()
    {
        var (c, real) = PlantedLedger();
        var seen = new List<BreakerTransition>();
        c.Subscribe(seen.Add);
        int saves = _store.Saved.Count;
        Assert.Equal(PeerVerdict.DealtWith, c.EngageFromPeer(new PeerReport("a", BreakerPosition.Safe, real, real, "")));
        Assert.DoesNotContain(c.State.Dealt.Entries, d => d.Publisher == "rogue");
        Assert.Equal(saves + 1, _store.Saved.Count);
        Assert.Same(c.State, _store.Saved[^1]);
        Assert.Empty(seen);
        Assert.False(c.IsEngaged);
    }

    [Fact]
    public void Only_the_origin_itself_can_make_the_ledger_forget_what_was_recorded_for_it()
    {
        var (c, real) = PlantedLedger();
        // A relay naming a's engagement as its "own" is not a's word about a's counter.
        Assert.Equal(PeerVerdict.DealtWith, c.EngageFromPeer(new PeerReport("relay", BreakerPosition.Safe, null, real, "")));
        Assert.Contains(c.State.Dealt.Entries, d => d.Publisher == "rogue");
    }

    [Fact]
    public void A_peer_claiming_one_of_this_nodes_own_engagements_is_dealt_with_but_not_one_above_its_counter()
    {
        var b = Node();
        var own = b.Engage("own", BreakerSource.Risk).Engagement!.Value;
        b.Reset("r", BreakerSource.Cli);
        Assert.Equal(PeerVerdict.DealtWith, b.EngageFromPeer(new PeerReport("p", BreakerPosition.Engaged, own, null, "")));
        var future = own with { Seq = own.Seq + 1 };
        Assert.Equal(PeerVerdict.Engaged, b.EngageFromPeer(new PeerReport("p", BreakerPosition.Engaged, future, null, "")));
    }

    [Fact]
    public void An_engagement_of_this_nodes_name_from_another_incarnation_is_not_its_own()
    {
        var b = Node();
        b.Engage("own", BreakerSource.Risk);
        b.Reset("r", BreakerSource.Cli);
        var former = new EngagementId("me", J, 1);
        Assert.Equal(PeerVerdict.Engaged, b.EngageFromPeer(new PeerReport("p", BreakerPosition.Engaged, former, null, "")));
    }

    [Fact]
    public void Of_what_one_peer_shows_while_engaged_the_reset_deals_with_the_highest_counter()
    {
        var b = Node();
        b.Engage("own", BreakerSource.Risk);
        var high = new EngagementId("x", J, 5);
        var low = new EngagementId("x", J, 3);
        Assert.Equal(PeerVerdict.Seen, b.EngageFromPeer(new PeerReport("p", BreakerPosition.Engaged, high, null, "")));
        Assert.Equal(PeerVerdict.Seen, b.EngageFromPeer(new PeerReport("p", BreakerPosition.Engaged, low, null, "")));
        b.Reset("r", BreakerSource.Cli);
        Assert.Equal(PeerVerdict.DealtWith, b.EngageFromPeer(new PeerReport("p", BreakerPosition.Engaged, high, null, "")));
    }

    [Fact]
    public void What_two_peers_show_of_one_origin_while_engaged_is_remembered_for_each()
    {
        var b = Node();
        b.Engage("own", BreakerSource.Risk);
        var high = new EngagementId("o", J, 5);
        var low = new EngagementId("o", J, 3);
        b.EngageFromPeer(new PeerReport("p1", BreakerPosition.Engaged, high, null, ""));
        b.EngageFromPeer(new PeerReport("p2", BreakerPosition.Engaged, low, null, ""));
        b.Reset("r", BreakerSource.Cli);
        Assert.Equal(PeerVerdict.DealtWith, b.EngageFromPeer(new PeerReport("p2", BreakerPosition.Engaged, low, null, "")));
        Assert.Equal(PeerVerdict.DealtWith, b.EngageFromPeer(new PeerReport("p1", BreakerPosition.Engaged, high, null, "")));
        Assert.Equal(PeerVerdict.Engaged, b.EngageFromPeer(new PeerReport("p2", BreakerPosition.Engaged, high, null, ""))); // p1's word is not p2's
    }

    [Fact]
    public void Of_what_one_peer_shows_while_engaged_a_new_incarnation_replaces_the_old_one()
    {
        var b = Node();
        b.Engage("own", BreakerSource.Risk);
        var before = new EngagementId("x", J, 5);
        var reinstalled = new EngagementId("x", "1111111111111111", 2);
        b.EngageFromPeer(new PeerReport("p", BreakerPosition.Engaged, before, null, ""));
        b.EngageFromPeer(new PeerReport("p", BreakerPosition.Engaged, reinstalled, null, ""));
        b.Reset("r", BreakerSource.Cli);
        Assert.Equal(PeerVerdict.DealtWith, b.EngageFromPeer(new PeerReport("p", BreakerPosition.Engaged, reinstalled, null, "")));
    }

    [Fact]
    public void What_a_reset_deals_with_is_bounded_and_keeps_the_latest_peers()
    {
        var b = Node();
        b.Engage("own", BreakerSource.Risk);
        int n = EngagementLedger.MaxEntries + 1;
        for (int i = 0; i < n; i++)
        {
            var e = new EngagementId($"o{i}", J, 1);
            b.EngageFromPeer(new PeerReport($"p{i}", BreakerPosition.Engaged, e, null, ""));
        }
        b.Reset("r", BreakerSource.Cli);
        var entries = b.State.Dealt.Entries;
        Assert.Equal(EngagementLedger.MaxEntries, entries.Count);
        Assert.Equal("p1", entries[0].Publisher);
        Assert.Equal($"p{n - 1}", entries[^1].Publisher);
    }

    [Fact]
    public void A_failing_observer_neither_undoes_the_transition_nor_silences_the_others()
    {
        var b = Node();
        var heard = new List<BreakerPosition>();
        b.Subscribe(_ => throw new InvalidOperationException("observer bug"));
        b.Subscribe(t => heard.Add(t.Current.Position));
        b.Engage("x", BreakerSource.Risk);
        Assert.True(b.IsEngaged);
        Assert.True(b.Reset("r", BreakerSource.Cli).Done);
        Assert.Equal([BreakerPosition.Engaged, BreakerPosition.Safe], heard);
    }

    [Fact]
    public void A_failing_latch_observer_does_not_silence_the_others()
    {
        _store.Fails = _ => true;
        var b = Node();
        var heard = new List<string?>();
        b.SubscribeLatchSaved(_ => throw new InvalidOperationException("observer bug"));
        b.SubscribeLatchSaved(heard.Add);
        b.Engage("x", BreakerSource.Risk);
        _store.Fails = _ => false;
        _time.Advance(CircuitBreaker.SaveRetryInterval);
        Assert.Equal(["cannot save the breaker state: disk full", null], heard);
        Assert.True(b.LatchSaved);
    }

    [Fact]
    public void The_same_save_problem_is_told_once_and_a_different_one_again()
    {
        _store.Fails = _ => true;
        var b = Node();
        var heard = new List<string?>();
        b.SubscribeLatchSaved(heard.Add);
        b.Engage("x", BreakerSource.Risk);
        _time.Advance(CircuitBreaker.SaveRetryInterval * 3);
        Assert.Equal(["cannot save the breaker state: disk full"], heard);
        _store.Message = "read-only file system";
        _time.Advance(CircuitBreaker.SaveRetryInterval);
        Assert.Equal(["cannot save the breaker state: disk full", "cannot save the breaker state: read-only file system"], heard);
        Assert.Equal("cannot save the breaker state: read-only file system", b.LatchProblem);
    }

    [Fact]
    public void One_retry_timer_runs_while_unsaved_and_none_once_saved()
    {
        _store.Fails = _ => true;
        var b = Node();
        b.Engage("x", BreakerSource.Risk);
        b.Command("again, still unsaved", BreakerSource.Cli);
        int attempts = _store.Attempts;
        _time.Advance(CircuitBreaker.SaveRetryInterval);
        Assert.Equal(attempts + 1, _store.Attempts);
        _store.Fails = _ => false;
        _time.Advance(CircuitBreaker.SaveRetryInterval);
        Assert.True(b.LatchSaved);
        attempts = _store.Attempts;
        _time.Advance(CircuitBreaker.SaveRetryInterval * 5);
        Assert.Equal(attempts, _store.Attempts);
        Assert.Same(b.State, _store.Saved[^1]);
    }

    [Fact]
    public void A_later_transition_that_saves_clears_the_problem_and_stops_the_retries()
    {
        _store.Fails = _ => true;
        var b = Node();
        var heard = new List<string?>();
        b.SubscribeLatchSaved(heard.Add);
        b.Engage("x", BreakerSource.Risk);
        _store.Fails = _ => false;
        b.Command("saved this time", BreakerSource.Cli);
        Assert.True(b.LatchSaved);
        Assert.Null(b.LatchProblem);
        Assert.Equal(["cannot save the breaker state: disk full", null], heard);
        int attempts = _store.Attempts;
        _time.Advance(CircuitBreaker.SaveRetryInterval * 3);
        Assert.Equal(attempts, _store.Attempts);
    }

    [Fact]
    public void Trying_to_save_a_saved_latch_writes_nothing()
    {
        var b = Node();
        b.Engage("x", BreakerSource.Risk);
        int attempts = _store.Attempts;
        Assert.True(b.TrySaveLatch());
        Assert.Equal(attempts, _store.Attempts);
    }

    [Fact]
    public void A_start_up_state_made_at_start_is_saved_at_once_and_one_read_from_disk_is_not_saved_again()
    {
        var engaged = BreakerState.FreshInstall(_time.GetUtcNow(), "n", I) with
        {
            Position = BreakerPosition.Engaged, Engagement = new EngagementId("n", I, 1), Self = new NodeIdentity("n", I, 1),
        };
        var made = new CircuitBreaker(engaged, _time, _store, initialSaved: false);
        Assert.True(made.LatchSaved);
        Assert.Equal([engaged], _store.Saved);
        var read = new CircuitBreaker(engaged, _time, _store);
        Assert.Equal([engaged], _store.Saved);
        Assert.Same(engaged, read.State);
        Assert.True(read.IsEngaged);
    }

    [Fact]
    public void Without_a_store_the_latch_counts_as_saved()
    {
        var b = new CircuitBreaker(BreakerState.FreshInstall(_time.GetUtcNow(), "n"), _time);
        b.Engage("x", BreakerSource.Risk);
        Assert.True(b.LatchSaved);
        Assert.True(b.Reset("r", BreakerSource.Cli).Done);
    }
}
