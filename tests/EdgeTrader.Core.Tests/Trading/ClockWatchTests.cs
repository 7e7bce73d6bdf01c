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
}
