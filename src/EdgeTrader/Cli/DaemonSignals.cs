using System.Runtime.InteropServices;
using Serilog;

namespace EdgeTrader.App.Cli;

/// <summary>
/// What each signal does to the daemon. Registered before anything starts, so no signal in this list can end the
/// process without its clean stop (control socket, tick loop, mirror, panel, and the journal's <c>stop</c> line).
/// </summary>
/// <remarks>
/// SIGTERM, SIGINT, SIGQUIT: clean stop, exit 0. SIGHUP: reopen the log files (logrotate). SIGUSR1, SIGUSR2,
/// SIGALRM: ignored, logged. Any other signal keeps its default action (docs/operations.md).
/// </remarks>
internal sealed class DaemonSignals : IDisposable
{
    // Linux numbers, the same on x86_64 and arm64 (asm-generic); PosixSignal names only the portable ones.
    const int SIGUSR1 = 10, SIGUSR2 = 12, SIGALRM = 14;

    readonly List<PosixSignalRegistration> _registrations = [];
    readonly ManualResetEventSlim _stop = new(false);
    volatile string? _stopSignal;

    /// <summary>The signal that asked for the stop (e.g. "SIGTERM"), null before.</summary>
    public string? StopSignal => _stopSignal;

    /// <summary>Waits up to <paramref name="timeout"/> for a stop signal.</summary>
    public bool WaitForStop(TimeSpan timeout) => _stop.Wait(timeout);

    public DaemonSignals(ILogger log, ReopenableFileSink? files)
    {
        On(PosixSignal.SIGTERM, "SIGTERM", Stop);
        On(PosixSignal.SIGINT, "SIGINT", Stop);
        On(PosixSignal.SIGQUIT, "SIGQUIT", Stop);
        On(PosixSignal.SIGHUP, "SIGHUP", _ =>
        {
            if (files is null)
            {
                log.Information("SIGHUP: no log files to reopen (logging to the console only)");
                return;
            }
            if (files.Reopen() is { } why) log.Error("SIGHUP: cannot reopen the log files: {Error}; logging to the console only until a later SIGHUP succeeds", why);
            else log.Information("SIGHUP: log files reopened");
        });
        foreach (var (number, name) in new[] { (SIGUSR1, "SIGUSR1"), (SIGUSR2, "SIGUSR2"), (SIGALRM, "SIGALRM") })
            On((PosixSignal)number, name, n => log.Information("{Signal} ignored (SIGHUP reopens the logs; SIGTERM, SIGINT and SIGQUIT stop)", n));
    }

    void Stop(string name)
    {
        _stopSignal ??= name;
        _stop.Set();
    }

    void On(PosixSignal signal, string name, Action<string> action) =>
        _registrations.Add(PosixSignalRegistration.Create(signal, c =>
        {
            c.Cancel = true; // not the default action (termination)
            action(name);
        }));

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _stop.Dispose();
    }
}
