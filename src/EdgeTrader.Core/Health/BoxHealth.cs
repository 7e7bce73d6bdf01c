namespace EdgeTrader.Health;

/// <summary>One reading of the box: disk, clock, watchdog, power.</summary>
/// <param name="Disk">Free space in the state directory.</param>
/// <param name="Clock">Clock synchronisation.</param>
/// <param name="Watchdog">The hardware watchdog as armed, and the service's.</param>
/// <param name="Throttling">The Pi firmware's under-voltage/throttling bits.</param>
/// <param name="ReadAt">When it was read.</param>
public sealed record BoxHealthReading(DiskStatus Disk, ClockSyncStatus Clock, WatchdogStatus Watchdog, ThrottlingStatus Throttling, DateTimeOffset ReadAt)
{
    /// <summary>False when anything readable is wrong (an unknown clock counts as wrong; a box that is not a Pi does not).</summary>
    public bool Ok => Disk.Ok && Clock.IsSynchronized && Watchdog.Ok && Throttling.Ok != false;
}

/// <summary>
/// The box probes behind one cache: a reading is at most <see cref="MaxAge"/> old, so a flood of status requests
/// reads sysfs at most once per period. Thread-safe; readings are immutable.
/// </summary>
public sealed class BoxHealth(DiskProbe disk, IClockSync clock, WatchdogProbe watchdog, ThrottlingProbe throttling, TimeProvider time)
{
    /// <summary>How long one reading is served.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    readonly object _lock = new();
    BoxHealthReading? _last;
    long _lastTs;

    /// <summary>The probes on the real box, for a state directory.</summary>
    public static BoxHealth ForStateDir(string stateDir, TimeProvider time) =>
        new(new DiskProbe(stateDir), new ClockSyncProbe(), new WatchdogProbe(), new ThrottlingProbe(), time);

    /// <summary>The clock probe (the trading rules may use it too).</summary>
    public IClockSync Clock => clock;

    /// <summary>A reading at most <see cref="MaxAge"/> old.</summary>
    public BoxHealthReading Read()
    {
        lock (_lock)
        {
            if (_last is not null && time.GetElapsedTime(_lastTs) < MaxAge) return _last;
            _last = new BoxHealthReading(disk.Read(), clock.Read(), watchdog.Read(), throttling.Read(), time.GetUtcNow());
            _lastTs = time.GetTimestamp();
            return _last;
        }
    }
}
