using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;

namespace EdgeTrader.Tests.KillSwitch;

/// <summary>An engagement whose save fails is said, retried, and blocks every reset until it is saved.</summary>
public class CircuitBreakerLatchTests
{
    sealed class FlakyStore : IBreakerStateStore
    {
        public volatile bool Fail = true;
        public int Saves;
        public BreakerState? Last;
        public void Save(BreakerState state)
        {
            Saves++;
            if (Fail) throw new IOException("No such file or directory");
            Last = state;
        }
    }

    [Fact]
    public void An_engagement_that_cannot_be_saved_is_reported_retried_and_blocks_resets_until_saved()
    {
        var time = TestClock.New();
        var store = new FlakyStore { Fail = false };
        var b = new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow(), "n"), time, store);
        var problems = new List<string?>();
        b.SubscribeLatchSaved(problems.Add);
        store.Fail = true;
        b.Engage("limit", BreakerSource.Risk);
        Assert.True(b.IsEngaged);
        Assert.False(b.LatchSaved);
        Assert.Contains("No such file or directory", b.LatchProblem);
        Assert.Single(problems);

        var r = b.Reset("operator", BreakerSource.Cli);
        Assert.False(r.Done);
        Assert.Contains("not saved", r.RefusedBecause);

        int saves = store.Saves;
        time.Advance(CircuitBreaker.SaveRetryInterval);
        Assert.True(store.Saves > saves, "the save is retried");
        store.Fail = false;
        time.Advance(CircuitBreaker.SaveRetryInterval);
        Assert.True(b.LatchSaved);
        Assert.Equal(BreakerPosition.Engaged, store.Last!.Position);
        Assert.Null(problems[^1]);
        Assert.True(b.Reset("operator", BreakerSource.Cli).Done);
    }

    [Fact]
    public void The_last_attempt_before_the_process_ends_says_whether_the_latch_reached_the_disk()
    {
        var time = TestClock.New();
        var store = new FlakyStore { Fail = false };
        var b = new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow(), "n"), time, store);
        Assert.True(b.TrySaveLatch()); // nothing unsaved
        store.Fail = true;
        b.Command("desk", BreakerSource.Cli);
        int saves = store.Saves;
        Assert.False(b.TrySaveLatch());
        Assert.Equal(saves + 1, store.Saves); // it did try, without waiting for the retry timer
        store.Fail = false;
        Assert.True(b.TrySaveLatch());
        Assert.Equal(b.State, store.Last);
    }

    [Fact]
    public void A_start_up_state_that_cannot_be_saved_starts_unsaved()
    {
        var time = TestClock.New();
        var store = new FlakyStore();
        var engaged = BreakerState.FreshInstall(time.GetUtcNow(), "n") with { Position = BreakerPosition.Engaged, Engagement = new EngagementId("n", "0123456789abcdef", 1) };
        var b = new CircuitBreaker(engaged, time, store, initialSaved: false);
        Assert.False(b.LatchSaved);
        Assert.False(b.Reset("x", BreakerSource.Cli).Done);
    }
}
