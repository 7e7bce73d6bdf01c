using Microsoft.Extensions.Time.Testing;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;

namespace EdgeTrader.Tests.KillSwitch;

public class CircuitBreakerTests
{
    static CircuitBreaker NewBreaker(FakeTimeProvider? time = null, IBreakerStateStore? store = null)
    {
        time ??= TestClock.New();
        return new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow(), "me"), time, store);
    }

    [Fact]
    public void Engage_closes_the_gate_and_carries_reason_source_and_generation()
    {
        var time = TestClock.New();
        var b = NewBreaker(time);
        var s = b.Engage("test", BreakerSource.Cli);
        Assert.True(b.IsEngaged);
        Assert.Equal(BreakerPosition.Engaged, s.Position);
        Assert.Equal(1, s.Generation);
        Assert.Equal("test", s.Reason);
        Assert.Equal(BreakerSource.Cli, s.Source);
        Assert.Equal(time.GetUtcNow(), s.Since);
    }

    [Fact]
    public void An_automatic_engage_of_an_engaged_breaker_changes_nothing_and_keeps_the_first_reason()
    {
        var b = NewBreaker();
        b.Engage("first", BreakerSource.Risk);
        var s = b.Engage("second", BreakerSource.Bridge);
        Assert.Equal("first", s.Reason);
        Assert.Equal(1, s.Generation);
    }

    [Fact]
    public void Breaker_never_resets_by_itself_as_time_passes()
    {
        var time = TestClock.New();
        var b = NewBreaker(time);
        b.Engage("x", BreakerSource.Risk);
        time.Advance(TimeSpan.FromDays(3));
        Assert.True(b.IsEngaged);
    }

    [Fact]
    public void Reset_returns_to_safe_and_records_who_reset_and_the_reset_generation()
    {
        var b = NewBreaker();
        b.Engage("x", BreakerSource.Cli);
        var r = b.Reset("checked", BreakerSource.Cli);
        Assert.True(r.Done);
        Assert.False(b.IsEngaged);
        Assert.Equal(BreakerSource.Cli, b.State.Source);
        Assert.Equal(2, b.Engage("again", BreakerSource.Cli).Generation);
    }

    sealed class Veto(string? why) : IResetInterlock { public string? WhyResetIsRefused() => why; }

    [Fact]
    public void Reset_is_refused_while_an_interlock_vetoes_it()
    {
        var b = NewBreaker();
        b.AddResetInterlock(new Veto("e-stop pressed"));
        b.Engage("x", BreakerSource.Button);
        var r = b.Reset("try", BreakerSource.Cli);
        Assert.False(r.Done);
        Assert.Equal("e-stop pressed", r.RefusedBecause);
        Assert.True(b.IsEngaged);
    }

    sealed class FailingStore : IBreakerStateStore
    {
        public int Saves;
        public void Save(BreakerState state) { Saves++; throw new IOException("disk full"); }
    }

    [Fact]
    public void Reset_is_refused_when_the_new_state_cannot_be_persisted()
    {
        var store = new FailingStore();
        var b = NewBreaker(store: store);
        b.Engage("x", BreakerSource.Cli); // engaging still works: it is the safe side
        Assert.True(b.IsEngaged);
        var r = b.Reset("try", BreakerSource.Cli);
        Assert.False(r.Done);
        Assert.Contains("disk full", r.RefusedBecause);
        Assert.True(b.IsEngaged);
    }

    [Fact]
    public void A_peer_engagement_not_dealt_with_engages_with_its_identity_and_a_reset_deals_with_it()
    {
        var b = NewBreaker();
        var e = new EngagementId("a", "0123456789abcdef", 5);
        Assert.Equal(PeerVerdict.Engaged, b.EngageFromPeer(new PeerReport("a", BreakerPosition.Engaged, e, e, "limit")));
        Assert.Equal(BreakerSource.Peer, b.State.Source);
        Assert.Equal(e, b.State.Engagement);
        b.Reset("ok", BreakerSource.Cli);
        Assert.Equal(PeerVerdict.DealtWith, b.EngageFromPeer(new PeerReport("a", BreakerPosition.Engaged, e, e, "retained")));
        Assert.False(b.IsEngaged);
        Assert.Equal(new EngagementId("me", b.State.Self.Incarnation, 1), b.Engage("own", BreakerSource.Cli).Engagement); // own counter, untouched by peers
    }

    [Fact]
    public void Observers_get_every_transition_in_order()
    {
        var b = NewBreaker();
        var seen = new List<BreakerPosition>();
        b.Subscribe(t => seen.Add(t.Current.Position));
        b.Engage("a", BreakerSource.Cli);
        b.Engage("b", BreakerSource.Risk); // automatic while engaged: no transition
        b.Reset("r", BreakerSource.Cli);
        b.Engage("c", BreakerSource.Cli);
        Assert.Equal([BreakerPosition.Engaged, BreakerPosition.Safe, BreakerPosition.Engaged], seen);
    }

    [Fact]
    public void Under_many_threads_no_engagement_is_ever_lost()
    {
        // Engagers and a resetter race. Rule: after Engage returns, the breaker is ENGAGED at a generation >= the one
        // returned, unless a reset transition was observed after that engagement. Transitions alternate strictly.
        var b = NewBreaker();
        var transitions = new List<BreakerTransition>();
        b.Subscribe(t => transitions.Add(t)); // observers run one transition at a time: no extra locking needed
        const int Threads = 4, PerThread = 20_000;
        long violations = 0;
        using var start = new Barrier(Threads + 2); // engagers, the resetter and this thread
        var stop = false;
        var engagers = Enumerable.Range(0, Threads).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            for (int k = 0; k < PerThread; k++)
            {
                var s = b.Engage($"t{i}-{k}", BreakerSource.Risk);
                var now = b.State;
                if (!s.IsEngaged) Interlocked.Increment(ref violations);
                // Either still engaged at this generation or later, or a reset came after us (generation moved on).
                if (!now.IsEngaged && now.Self.Counter < s.Generation) Interlocked.Increment(ref violations);
            }
        })).ToArray();
        var resetter = new Thread(() =>
        {
            start.SignalAndWait();
            while (!Volatile.Read(ref stop)) b.Reset("r", BreakerSource.Cli);
        });
        foreach (var t in engagers) t.Start();
        resetter.Start();
        start.SignalAndWait();
        foreach (var t in engagers) t.Join();
        Volatile.Write(ref stop, true);
        resetter.Join();

        Assert.Equal(0, violations);
        for (int i = 1; i < transitions.Count; i++)
        {
            Assert.NotEqual(transitions[i - 1].Current.Position, transitions[i].Current.Position);
            Assert.Same(transitions[i - 1].Current, transitions[i].Previous);
        }
        var engagements = transitions.Where(t => t.Current.IsEngaged).Select(t => t.Current.Generation).ToList();
        Assert.Equal(Enumerable.Range(1, engagements.Count).Select(i => (long)i), engagements); // no generation skipped or repeated
    }
}
