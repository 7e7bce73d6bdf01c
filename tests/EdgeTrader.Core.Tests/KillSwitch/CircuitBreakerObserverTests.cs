using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;

namespace EdgeTrader.Tests.KillSwitch;

/// <summary>Observers run after the transition lock, in order; a stalled one serialises nothing.</summary>
public class CircuitBreakerObserverTests
{
    [Fact]
    public void A_blocked_observer_does_not_delay_an_engage_or_a_reset_on_another_thread()
    {
        var time = TestClock.New();
        var b = new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow(), "n"), time);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var order = new List<string>();
        b.Subscribe(t =>
        {
            lock (order) order.Add($"{BreakerNames.Of(t.Current.Position)}:{t.Current.Reason}");
            if (t.Current.Reason == "first") { entered.Set(); release.Wait(); } // a blocked stderr
        });
        var first = new Thread(() => b.Engage("first", BreakerSource.Risk)) { IsBackground = true };
        first.Start();
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));

        // While that observer is stuck, other threads still reset and engage, promptly.
        (bool, bool) result = default;
        var other = new Thread(() =>
        {
            var r = b.Reset("second", BreakerSource.Cli);
            var e = b.Command("third", BreakerSource.Cli);
            result = (r.Done, e.State.IsEngaged);
        }) { IsBackground = true };
        other.Start();
        Assert.True(other.Join(TimeSpan.FromSeconds(5)), "a blocked observer serialised another thread's transitions");
        Assert.Equal((true, true), result);
        Assert.True(b.IsEngaged);

        release.Set();
        Assert.True(first.Join(TimeSpan.FromSeconds(10)));
        // Delivered after the block, in transition order.
        Assert.True(SpinWait.SpinUntil(() => { lock (order) return order.Count == 3; }, TimeSpan.FromSeconds(10)));
        Assert.Equal(["ENGAGED:first", "SAFE:second", "ENGAGED:third"], order);
    }

    [Fact]
    public void While_one_observer_runs_no_later_transition_is_delivered()
    {
        var time = TestClock.New();
        var b = new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow(), "n"), time);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var delivered = new List<string>();
        b.Subscribe(t =>
        {
            if (t.Current.Reason == "first") { entered.Set(); release.Wait(); }
            lock (delivered) delivered.Add(t.Current.Reason); // recorded after the block
        });
        var first = new Thread(() => b.Engage("first", BreakerSource.Risk)) { IsBackground = true };
        first.Start();
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));
        var other = new Thread(() => { b.Reset("second", BreakerSource.Cli); b.Command("third", BreakerSource.Cli); }) { IsBackground = true };
        other.Start();
        Assert.True(other.Join(TimeSpan.FromSeconds(5)));
        lock (delivered) Assert.Empty(delivered); // queued behind the running one, not run beside it
        release.Set();
        Assert.True(first.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal(["first", "second", "third"], delivered);
    }

    [Fact]
    public void Gates_close_before_any_observer_runs()
    {
        var time = TestClock.New();
        var b = new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow(), "n"), time);
        bool closedWhenObserved = false;
        b.Subscribe(_ => closedWhenObserved = b.IsEngaged);
        b.Engage("x", BreakerSource.Risk);
        Assert.True(closedWhenObserved);
    }
}
