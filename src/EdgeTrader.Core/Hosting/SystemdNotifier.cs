using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace EdgeTrader.Hosting;

/// <summary>
/// The service manager's notification protocol (sd_notify): one datagram of <c>KEY=VALUE</c> lines to the Unix
/// socket named by <c>$NOTIFY_SOCKET</c> (a leading <c>@</c> means the abstract namespace).
/// </summary>
/// <remarks>
/// Safety: every send is best effort. A failed notification returns false and never throws, so the manager being
/// restarted or the socket vanishing can never take the trading loop or the kill switch down with it. The worst
/// outcome of a lost <c>WATCHDOG=1</c> is a restart, which is safe because the breaker latch is persisted.
/// </remarks>
public sealed class SystemdNotifier : IDisposable
{
    readonly Socket _socket;
    readonly UnixDomainSocketEndPoint _endpoint;

    SystemdNotifier(UnixDomainSocketEndPoint endpoint, TimeSpan? watchdogInterval)
    {
        _endpoint = endpoint;
        WatchdogInterval = watchdogInterval;
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
    }

    /// <summary>
    /// The notifier for this process, or null when it was not started by a service manager with
    /// <c>Type=notify</c> (no <c>$NOTIFY_SOCKET</c>): then nothing is sent and nothing needs feeding.
    /// </summary>
    public static SystemdNotifier? FromEnvironment() => FromVariables(
        Environment.GetEnvironmentVariable("NOTIFY_SOCKET"),
        Environment.GetEnvironmentVariable("WATCHDOG_USEC"),
        Environment.GetEnvironmentVariable("WATCHDOG_PID"),
        Environment.ProcessId);

    /// <summary>The same as <see cref="FromEnvironment"/> with the variables passed in (tests, and no global state).</summary>
    internal static SystemdNotifier? FromVariables(string? notifySocket, string? watchdogUsec, string? watchdogPid, int processId)
    {
        if (string.IsNullOrEmpty(notifySocket)) return null;
        // Only absolute paths and abstract names are valid; anything else is a misconfiguration, not a manager.
        string path;
        if (notifySocket[0] == '@') path = "\0" + notifySocket[1..];
        else if (notifySocket[0] == '/') path = notifySocket;
        else return null;
        return new SystemdNotifier(new UnixDomainSocketEndPoint(path), ParseWatchdog(watchdogUsec, watchdogPid, processId));
    }

    /// <summary>
    /// The manager's watchdog timeout (<c>WatchdogSec=</c>), or null when no watchdog is armed for this process
    /// (no <c>$WATCHDOG_USEC</c>, or <c>$WATCHDOG_PID</c> names another process). Ping at half of it.
    /// </summary>
    public TimeSpan? WatchdogInterval { get; }

    static TimeSpan? ParseWatchdog(string? usec, string? pid, int processId)
    {
        if (!long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var us) || us <= 0) return null;
        if (!string.IsNullOrEmpty(pid) &&
            (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p != processId)) return null;
        return TimeSpan.FromMicroseconds(us);
    }

    /// <summary>Start-up is complete and the loops run: the manager moves the unit to "active".</summary>
    public bool Ready() => Notify("READY=1");

    /// <summary>A one-line human status shown by <c>systemctl status</c>. Line breaks are flattened to spaces.</summary>
    public bool Status(string text) => Notify("STATUS=" + text.ReplaceLineEndings(" "));

    /// <summary>Shutdown has begun (send before the slow part of a clean stop).</summary>
    public bool Stopping() => Notify("STOPPING=1");

    /// <summary>Keep-alive for <c>WatchdogSec=</c>. Send only while the process is provably healthy (see <see cref="WatchdogFeeder"/>).</summary>
    public bool Watchdog() => Notify("WATCHDOG=1");

    /// <summary>Sends one raw notification (newline-separated <c>KEY=VALUE</c> lines). False when it could not be delivered.</summary>
    public bool Notify(string state)
    {
        try
        {
            return _socket.SendTo(Encoding.UTF8.GetBytes(state), SocketFlags.None, _endpoint) > 0;
        }
        catch (SocketException) { return false; }
        catch (ObjectDisposedException) { return false; }
    }

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();
}
