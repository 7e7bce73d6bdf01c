using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;
using Microsoft.Extensions.Time.Testing;

namespace EdgeTrader.Tests.Trading;

/// <summary>What the rules assume of the wall clock: steps are anomalies, the day never goes back, sync is health.</summary>
public sealed class ClockWatchTests
{
    /// <summary>A wall clock that can step against the monotonic one (which only the fake's Advance moves).</summary>
    sealed class SteppingClock(FakeTimeProvider mono) : TimeProvider
    {
        public TimeSpan Offset;
        public override DateTimeOffset GetUtcNow() => mono.GetUtcNow() + Offset;
        public override long GetTimestamp() => mono.GetTimestamp();
        public override long TimestampFrequency => mono.TimestampFrequency;
        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }

    sealed class FixedSync(ClockSyncState state) : IClockSync
    {
        public ClockSyncState State = state;
        public int Reads;
        public ClockSyncStatus Read()
        {
            Reads++;
            return new ClockSyncStatus(State, "kernel", 0.01, "test");
        }
    }

    static readonly DateTimeOffset JustAfterMidnight = new(2026, 11, 24, 0, 0, 30, TimeSpan.Zero);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_step_back_over_midnight_is_an_anomaly_and_does_not_zero_the_day(bool engageOnStepBack)
    {
        SteppingClock? wall = null;
        var h = new LoopHarness(start: JustAfterMidnight, clock: t => wall = new SteppingClock(t));
        var health = new HealthMonitor(h.Clock);
        var watch = new ClockWatch(new ClockOptions { EngageOnStepBack = engageOnStepBack }, null, health, h.Clock);
        var today = h.Day.Current;
        h.Book.Restore(today, 3, -900, 0);
        watch.Evaluate(h.Loop);

        h.Time.Advance(TimeSpan.FromMilliseconds(20));
        wall!.Offset = TimeSpan.FromSeconds(-150); // 23:58:00 yesterday
        watch.Evaluate(h.Loop);
        h.Loop.RollDay(h.Clock.GetUtcNow());
        Assert.Equal(today, h.Day.Current);
        Assert.Equal(-900, h.Book.RealizedToday);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.ClockStepBack));
        Assert.Contains(h.Log.OfType("anomaly"), r => r.Text!.StartsWith("CLOCK_STEP_BACK"));
        Assert.Equal(engageOnStepBack, h.Breaker.IsEngaged);
        if (engageOnStepBack) Assert.Equal(BreakerSource.Risk, h.Breaker.State.Source);

        h.Time.Advance(TimeSpan.FromMilliseconds(20));
        wall.Offset = TimeSpan.Zero; // and forward again
        watch.Evaluate(h.Loop);
        h.Loop.RollDay(h.Clock.GetUtcNow());
        Assert.Equal(today, h.Day.Current);
        Assert.Equal(-900, h.Book.RealizedToday);
        Assert.Equal(3, h.Book.TradesToday);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.ClockStepForward));
    }

    static readonly DateTimeOffset Afternoon = new(2026, 11, 24, 14, 0, 0, TimeSpan.Zero);

    /// <summary>At 14:00 with <paramref name="trades"/> trades and <paramref name="realized"/> realised, the clock steps to 00:00:30 tomorrow.</summary>
    static LoopHarness StepOverMidnight(ClockOptions options, int trades, double realized, bool tickFirst)
    {
        SteppingClock? wall = null;
        var h = new LoopHarness(start: Afternoon, clock: t => wall = new SteppingClock(t));
        var watch = new ClockWatch(options, null, new HealthMonitor(h.Clock), h.Clock);
        h.Book.Restore(h.Day.Current, trades, realized, 0);
        watch.Evaluate(h.Loop);
        h.Time.Advance(TimeSpan.FromMilliseconds(20));
        wall!.Offset = TimeSpan.FromHours(10) + TimeSpan.FromSeconds(30);
        if (tickFirst) h.Tick(); // the tick path rolls the day before the housekeeping turn sees the step
        watch.Evaluate(h.Loop);
        h.Loop.RollDay(h.Clock.GetUtcNow());
        Assert.Equal(Afternoon.AddDays(1).Date, h.Day.Current.ToDateTime(TimeOnly.MinValue)); // the day rolls either way
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.ClockStepForward));
        return h;
    }

    [Theory]
    [InlineData(3, -900.0, false)]
    [InlineData(3, -900.0, true)]
    [InlineData(0, -900.0, true)]
    [InlineData(2, 0.0, false)]
    public void A_step_forward_that_rolls_a_day_with_activity_engages(int trades, double realized, bool tickFirst)
    {
        var h = StepOverMidnight(new ClockOptions(), trades, realized, tickFirst);
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Risk, h.Breaker.State.Source);
        Assert.Contains("CLOCK_STEP_FORWARD", h.Breaker.State.Reason);
        Assert.Contains("2026-11-24", h.Breaker.State.Reason);
    }

    [Fact]
    public void A_step_forward_within_a_day_with_activity_only_logs_and_names_no_roll()
    {
        SteppingClock? wall = null;
        var h = new LoopHarness(start: Afternoon, clock: t => wall = new SteppingClock(t));
        var watch = new ClockWatch(new ClockOptions(), null, new HealthMonitor(h.Clock), h.Clock);
        h.Book.Restore(h.Day.Current, 3, -900, 0);
        watch.Evaluate(h.Loop);
        h.Time.Advance(TimeSpan.FromMilliseconds(20));
        wall!.Offset = TimeSpan.FromHours(2); // 16:00 the same day: nothing is zeroed, nothing to engage for
        watch.Evaluate(h.Loop);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.ClockStepForward));
        Assert.False(h.Breaker.IsEngaged);
        Assert.Equal(-900, h.Book.RealizedToday);
        var text = Assert.Single(h.Log.OfType("anomaly"), r => r.Text!.StartsWith("CLOCK_STEP_FORWARD")).Text!;
        Assert.DoesNotContain("rolls the trading day", text);
    }

    [Fact]
    public void A_step_forward_that_rolls_a_day_with_activity_says_so_and_an_empty_day_does_not()
    {
        var active = StepOverMidnight(new ClockOptions { EngageOnStepForward = false }, 3, -900, tickFirst: false);
        Assert.Contains(active.Log.OfType("anomaly"), r => r.Text!.Contains("rolls the trading day 2026-11-24, which has trades or realised P&L, to 2026-11-25"));
        var empty = StepOverMidnight(new ClockOptions(), 0, 0, tickFirst: false);
        Assert.Contains(empty.Log.OfType("anomaly"), r => r.Text!.Contains("rolls the trading day 2026-11-24 to 2026-11-25"));
    }

    [Fact]
    public void A_step_forward_that_rolls_an_empty_day_only_logs()
    {
        var h = StepOverMidnight(new ClockOptions(), 0, 0, tickFirst: true);
        Assert.False(h.Breaker.IsEngaged);
    }

    [Fact]
    public void With_engage_on_step_forward_off_a_day_rolled_by_a_step_only_logs()
    {
        var h = StepOverMidnight(new ClockOptions { EngageOnStepForward = false }, 3, -900, tickFirst: true);
        Assert.False(h.Breaker.IsEngaged);
    }

    [Fact]
    public void A_wall_clock_that_moves_with_the_monotonic_clock_is_no_anomaly()
    {
        var h = new LoopHarness();
        var watch = new ClockWatch(new ClockOptions { StepToleranceMs = 1000 }, null, new HealthMonitor(h.Time), h.Time);
        for (int i = 0; i < 100; i++)
        {
            watch.Evaluate(h.Loop);
            h.Time.Advance(TimeSpan.FromSeconds(7));
        }
        Assert.Equal(0, h.Loop.Counters.AnomalyCount(AnomalyCode.ClockStepBack) + h.Loop.Counters.AnomalyCount(AnomalyCode.ClockStepForward));
    }

    [Theory]
    [InlineData(ClockSyncState.Unsynchronized)]
    [InlineData(ClockSyncState.Unknown)]
    public void An_unsynchronised_clock_is_degraded_and_engages_by_config(ClockSyncState state)
    {
        var h = new LoopHarness();
        var health = new HealthMonitor(h.Time);
        var sync = new FixedSync(state);
        var watch = new ClockWatch(new ClockOptions { EngageWhenUnsynchronised = true }, sync, health, h.Time);
        watch.Evaluate(h.Loop);
        Assert.Equal(LinkState.Degraded, health.Get(Link.Clock).State);
        Assert.True(health.AnyDegraded);
        Assert.True(h.Breaker.IsEngaged);
        Assert.StartsWith("CLOCK_UNSYNCHRONISED", h.Breaker.State.Reason);

        sync.State = ClockSyncState.Synchronized;
        h.Time.Advance(ClockWatch.SyncReadInterval);
        watch.Evaluate(h.Loop);
        Assert.Equal(LinkState.Up, health.Get(Link.Clock).State);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.ClockUnsynchronised));
    }

    [Fact]
    public void By_default_an_unsynchronised_clock_is_degraded_only()
    {
        var h = new LoopHarness();
        var health = new HealthMonitor(h.Time);
        var watch = new ClockWatch(new ClockOptions(), new FixedSync(ClockSyncState.Unsynchronized), health, h.Time);
        watch.Evaluate(h.Loop);
        Assert.Equal(LinkState.Degraded, health.Get(Link.Clock).State);
        Assert.False(h.Breaker.IsEngaged);
    }

    [Fact]
    public void The_synchronisation_is_read_once_a_second_not_every_turn()
    {
        var h = new LoopHarness();
        var sync = new FixedSync(ClockSyncState.Synchronized);
        var watch = new ClockWatch(new ClockOptions(), sync, new HealthMonitor(h.Time), h.Time);
        for (int i = 0; i < 100; i++)
        {
            watch.Evaluate(h.Loop);
            h.Time.Advance(TimeSpan.FromMilliseconds(20));
        }
        Assert.Equal(2, sync.Reads);
    }

    sealed class BrokenSync : IClockSync
    {
        public ClockSyncStatus Read() => throw new IOException("adjtimex refused");
    }

    [Fact]
    public void The_clock_link_says_whether_synchronisation_is_watched_before_the_first_read()
    {
        var h = new LoopHarness();
        var unwatched = new HealthMonitor(h.Time);
        _ = new ClockWatch(new ClockOptions(), null, unwatched, h.Time);
        Assert.Equal((LinkState.Unused, "clock synchronisation not watched"), (unwatched.Get(Link.Clock).State, unwatched.Get(Link.Clock).Detail));
        var watched = new HealthMonitor(h.Time);
        _ = new ClockWatch(new ClockOptions(), new FixedSync(ClockSyncState.Synchronized), watched, h.Time);
        Assert.Equal((LinkState.Connecting, "not read yet"), (watched.Get(Link.Clock).State, watched.Get(Link.Clock).Detail));
    }

    [Fact]
    public void A_step_of_exactly_the_tolerance_is_no_anomaly_and_one_past_it_is_described()
    {
        SteppingClock? wall = null;
        var h = new LoopHarness(start: JustAfterMidnight, clock: t => wall = new SteppingClock(t));
        var watch = new ClockWatch(new ClockOptions { StepToleranceMs = 1000 }, null, new HealthMonitor(h.Clock), h.Clock);
        watch.Evaluate(h.Loop);
        h.Time.Advance(TimeSpan.FromMilliseconds(20));
        wall!.Offset = TimeSpan.FromMilliseconds(-1000);
        watch.Evaluate(h.Loop);
        Assert.Empty(h.Log.OfType("anomaly"));
        Assert.Equal(0, watch.LastStepMs);
        h.Time.Advance(TimeSpan.FromMilliseconds(20));
        wall.Offset = TimeSpan.FromMilliseconds(-2001);
        watch.Evaluate(h.Loop);
        Assert.Equal(-1001, watch.LastStepMs);
        Assert.Equal("CLOCK_STEP_BACK: the wall clock stepped back 1001 ms (to 2026-11-24T00:00:28.039Z); the trading day 2026-11-24 stays",
            Assert.Single(h.Log.OfType("anomaly")).Text);
        h.Time.Advance(TimeSpan.FromMilliseconds(20));
        wall.Offset = TimeSpan.FromMilliseconds(-1000);
        watch.Evaluate(h.Loop);
        Assert.Equal(1001, watch.LastStepMs);
        Assert.Equal("CLOCK_STEP_FORWARD: the wall clock stepped forward 1001 ms (to 2026-11-24T00:00:29.060Z)", h.Log.OfType("anomaly").Last().Text);
    }

    [Fact]
    public void Losing_synchronisation_is_reported_once_per_loss_and_the_link_says_why()
    {
        var h = new LoopHarness();
        var health = new HealthMonitor(h.Time);
        var sync = new FixedSync(ClockSyncState.Unsynchronized);
        var watch = new ClockWatch(new ClockOptions(), sync, health, h.Time);
        void Turn() { watch.Evaluate(h.Loop); h.Time.Advance(ClockWatch.SyncReadInterval); }

        Turn();
        Turn(); // still lost: no second report
        Assert.Equal(2, sync.Reads);
        Assert.Equal("CLOCK_UNSYNCHRONISED: Unsynchronized (kernel): test; freshness and the sessions rely on the wall clock", Assert.Single(h.Log.OfType("anomaly")).Text);
        Assert.Equal((LinkState.Degraded, "not synchronised (kernel): test"), (health.Get(Link.Clock).State, health.Get(Link.Clock).Detail));
        sync.State = ClockSyncState.Synchronized;
        Turn();
        Assert.Equal((LinkState.Up, "kernel: test"), (health.Get(Link.Clock).State, health.Get(Link.Clock).Detail));
        sync.State = ClockSyncState.Unsynchronized;
        Turn(); // lost again: a new report
        Assert.Equal(2, h.Loop.Counters.AnomalyCount(AnomalyCode.ClockUnsynchronised));
    }

    [Fact]
    public void Without_degrading_an_unsynchronised_clock_leaves_the_link_up_saying_so()
    {
        var h = new LoopHarness();
        var health = new HealthMonitor(h.Time);
        var watch = new ClockWatch(new ClockOptions { DegradeWhenUnsynchronised = false }, new FixedSync(ClockSyncState.Unsynchronized), health, h.Time);
        watch.Evaluate(h.Loop);
        Assert.Equal((LinkState.Up, "not synchronised (kernel): test"), (health.Get(Link.Clock).State, health.Get(Link.Clock).Detail));
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.ClockUnsynchronised));
    }

    [Fact]
    public void A_synchronisation_state_that_cannot_be_read_is_unknown_and_says_why()
    {
        var h = new LoopHarness();
        var health = new HealthMonitor(h.Time);
        var watch = new ClockWatch(new ClockOptions(), new BrokenSync(), health, h.Time);
        watch.Evaluate(h.Loop);
        Assert.Equal("CLOCK_UNSYNCHRONISED: Unknown (none): the clock's state cannot be read: adjtimex refused; freshness and the sessions rely on the wall clock",
            Assert.Single(h.Log.OfType("anomaly")).Text);
        Assert.Equal((LinkState.Degraded, "not synchronised (none): the clock's state cannot be read: adjtimex refused"), (health.Get(Link.Clock).State, health.Get(Link.Clock).Detail));
    }
}
