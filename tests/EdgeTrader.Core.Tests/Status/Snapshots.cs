using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Status;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Status;

/// <summary>Status snapshots with every part filled in, for the renderers' tests.</summary>
internal static class Snapshots
{
    public static readonly DateTimeOffset At = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public static BoxHealthReading Box(bool clockSynced = true) => new(
        new DiskStatus("/var/lib/edgetrader", 10L << 30, 30L << 30, true, "10240 MiB free"),
        new ClockSyncStatus(clockSynced ? ClockSyncState.Synchronized : ClockSyncState.Unsynchronized, "kernel", 0.002, "synchronised"),
        new WatchdogStatus([new HardwareWatchdog("watchdog0", "Broadcom BCM2835 Watchdog timer", true, 15, 15, 0)], 10, true, "watchdog0 armed 15 s"),
        new ThrottlingStatus(true, ThrottleBits.UnderVoltageOccurred, null, "get_throttled", false, "under-voltage has occurred since boot"),
        At);

    public static StatusSnapshot Sample(BreakerState? breaker = null, bool loopAlive = true, string reason = "fresh install")
    {
        var b = breaker ?? new BreakerState(BreakerPosition.Safe, null, reason, BreakerSource.Startup, At.AddMinutes(-5), Self(0), EngagementLedger.Empty);
        var denied = new long[DenialCodes.Count];
        denied[(int)DenialCode.RateLimitExceeded] = 4;
        var dropped = new long[TickDropReasons.Count];
        dropped[(int)TickDropReason.CrossedQuote] = 2;
        var hist = new LatencyHistogram(LatencyHistogram.TickPathBuckets, 1_000_000_000);
        hist.Record(20_000); hist.Record(40_000);
        var engagements = new long[Enum.GetValues<BreakerSource>().Length];
        engagements[(int)BreakerSource.Cli] = 1;
        return new StatusSnapshot
        {
            Node = "edge-1", Breaker = b, TakenAt = At, UptimeSeconds = 300, DryRun = false, Strategy = "ema-cross", Pid = 4242, Run = 7,
            Version = "0.1.0", LoopAlive = loopAlive, LoopBeatAgeSeconds = loopAlive ? 0.01 : 4.5, LastTickAgeSeconds = 0.2,
            Counters = new TradingCounts { Ticks = 1000, Accepted = 998, Signals = 10, Orders = 6, Acks = 6, Fills = 5, Rejects = 1, InFlight = 1, Denied = denied, Dropped = dropped },
            Day = new DayBook(new DateOnly(2026, 11, 23), 6, -12.5, 3.25, 1),
            Positions = [new Position("EURUSD", 0.02, 1.0851, 3.25, -10), new Position("GBPUSD", 0, 0, 0, -2.5)],
            RecoveryJson = "{\"mode\":\"warm\",\"state\":\"none\"}"u8.ToArray(),
            Links = [new LinkReading(Link.Bridge, LinkState.Up, "", At), new LinkReading(Link.Gateway, LinkState.Degraded, "gateway silent for 6.0 s", At), new LinkReading(Link.Mqtt, LinkState.Unused, "mqtt.enabled is false", At)],
            Journal = new JournalReading(100, 98, null, null),
            Panel = null,
            Lamps = Lamps.From(b.IsEngaged, loopAlive, anyDegraded: true),
            TickToOrder = hist.Read(),
            EngagementsBySource = engagements,
            ControlRequests = [("status", 3), ("engage", 1), ("reset", 0), ("other", 0)],
            Http = new HttpReading(true, "127.0.0.1:9464", null, false, false, [(200, 5)], 5, 0, 0, 0, 1),
            Box = Box(),
            RecentDecisions = [new JournalEntry(1, "order", "order edge-1-7-000001", "order edge-1-7-000001: BUY 0.01 EURUSD @ 1.0851"),
                new JournalEntry(2, "breaker", "ENGAGED (generation 1) by cli: test", null)],
        };
    }

    public static BreakerState Engaged(string reason = "operator: test", BreakerSource source = BreakerSource.Cli, long gen = 3) =>
        new(BreakerPosition.Engaged, new EngagementId("edge-1", "00c0ffee00c0ffee", gen), reason, source, At.AddSeconds(-2), Self(gen), EngagementLedger.Empty);

    static NodeIdentity Self(long counter) => new("edge-1", "00c0ffee00c0ffee", counter);
}
