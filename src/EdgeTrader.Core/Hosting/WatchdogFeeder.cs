namespace EdgeTrader.Hosting;

/// <summary>
/// Feeds the service manager's watchdog at half its interval, but only while a health predicate holds
/// (for the daemon: the tick loop beat recently). A hung loop therefore stops the pings and the manager
/// kills and restarts the process after <c>WatchdogSec=</c>.
/// </summary>
/// <remarks>
/// Safety: the predicate decides; the timer thread alone never proves health. A predicate that throws counts as
/// unhealthy. Restarting is safe because the breaker state is persisted and an ENGAGED node comes back ENGAGED.
/// </remarks>
public sealed class WatchdogFeeder : IDisposable
{
    readonly SystemdNotifier _notifier;
    readonly Func<bool> _healthy;
    readonly ITimer _timer;
    long _sent;
    long _withheld;

    WatchdogFeeder(SystemdNotifier notifier, TimeSpan watchdogInterval, Func<bool> healthy, TimeProvider time)
    {
        _notifier = notifier;
        _healthy = healthy;
        PingInterval = watchdogInterval / 2;
        _timer = time.CreateTimer(static s => ((WatchdogFeeder)s!).Tick(), this, PingInterval, PingInterval);
    }

    /// <summary>
    /// Starts feeding when the manager armed a watchdog for this process; returns null (nothing to feed) otherwise.
    /// </summary>
    /// <param name="notifier">The notifier, or null when not running under a service manager.</param>
    /// <param name="healthy">Checked before every ping; a ping is sent only when it returns true.</param>
    /// <param name="time">Clock for the ping timer.</param>
    public static WatchdogFeeder? Start(SystemdNotifier? notifier, Func<bool> healthy, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(healthy);
        ArgumentNullException.ThrowIfNull(time);
        return notifier?.WatchdogInterval is { } interval ? new WatchdogFeeder(notifier, interval, healthy, time) : null;
    }

    /// <summary>Time between two checks (half the manager's watchdog timeout).</summary>
    public TimeSpan PingInterval { get; }

    /// <summary>Pings sent so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Pings withheld because the predicate did not hold.</summary>
    public long Withheld => Interlocked.Read(ref _withheld);

    void Tick()
    {
        bool ok;
        try { ok = _healthy(); }
        catch (Exception) { ok = false; }
        if (ok && _notifier.Watchdog()) Interlocked.Increment(ref _sent);
        else if (!ok) Interlocked.Increment(ref _withheld);
    }

    /// <summary>Stops pinging (the notifier itself stays open).</summary>
    public void Dispose() => _timer.Dispose();
}
