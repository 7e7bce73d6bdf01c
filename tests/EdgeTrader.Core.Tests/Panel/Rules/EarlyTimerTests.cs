using EdgeTrader.Panel.Rules;
using EdgeTrader.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EdgeTrader.Tests.Panel.Rules;

/// <summary>
/// .NET's timers run on a coarse clock (the kernel's jiffies) and can fire a few milliseconds before the fine clock
/// the rules read says their window is over. A rule must then wait out the rest, never take the early call for a stale
/// timer and stay silent for good (seen in the arm64 VM: a welded relay contact never became a fault).
/// </summary>
public sealed class EarlyTimerTests
{
    const long Ms = 1_000_000;

    /// <summary>Fake time whose timers fire <paramref name="early"/> before they are due.</summary>
    sealed class EarlyTimers(FakeTimeProvider inner, TimeSpan early) : TimeProvider
    {
        public override long GetTimestamp() => inner.GetTimestamp();
        public override long TimestampFrequency => inner.TimestampFrequency;
        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime > early ? dueTime - early : TimeSpan.Zero, period);
    }

    [Fact]
    public void A_settle_timer_that_fires_early_still_makes_a_welded_contact_a_fault_once_the_settle_time_is_over()
    {
        var fake = TestClock.New();
        var time = new EarlyTimers(fake, TimeSpan.FromMilliseconds(3));
        TripRelay? relay = null;
        int faults = 0;
        relay = new TripRelay(hasEdm: true, TimeSpan.FromMilliseconds(500), time, () => { if (relay!.SettleElapsed()) faults++; });
        using var _ = relay;
        relay.Command(true);
        relay.OnFeedback(true); // pulled in
        relay.Command(false);   // dropped; the feedback stays energised: welded
        fake.Advance(TimeSpan.FromMilliseconds(497)); // the timer fires 3 ms early
        Assert.Equal(0, faults);
        Assert.False(relay.Mismatch);
        fake.Advance(TimeSpan.FromMilliseconds(20)); // re-armed for the rest (and a slack beyond the timer clock's resolution)
        Assert.Equal(1, faults);
        Assert.True(relay.Mismatch);
    }

    [Fact]
    public void A_max_hold_timer_that_fires_early_still_makes_a_held_button_stuck_once_the_maximum_is_over()
    {
        var fake = TestClock.New();
        var time = new EarlyTimers(fake, TimeSpan.FromMilliseconds(3));
        ResetButton? b = null;
        int stuck = 0;
        b = new ResetButton(TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(5), ResetButton.MinSettle, time, () => { if (b!.MaxElapsed()) stuck++; }, () => { });
        using var _ = b;
        b.Initial(held: false);
        b.OnLevel(true, 1_000 * Ms);
        fake.Advance(TimeSpan.FromMilliseconds(4_997));
        Assert.Equal(0, stuck);
        Assert.False(b.Stuck);
        fake.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal(1, stuck);
        Assert.True(b.Stuck);
    }

    [Fact]
    public void A_settle_timer_that_fires_early_resets_only_once_the_settle_time_is_over()
    {
        var fake = TestClock.New();
        var time = new EarlyTimers(fake, TimeSpan.FromMilliseconds(3));
        ResetButton? b = null;
        int resets = 0;
        b = new ResetButton(TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20), time, () => { },
            () => { if (b!.SettleElapsed(lineReleased: true) == ResetVerdict.Reset) resets++; });
        using var _ = b;
        b.Initial(held: false);
        b.OnLevel(true, 0);
        b.OnLevel(false, 1_000 * Ms);
        fake.Advance(TimeSpan.FromMilliseconds(17)); // the timer fires 3 ms early
        Assert.Equal(0, resets);
        Assert.True(b.Settling);
        fake.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal(1, resets);
    }
}
