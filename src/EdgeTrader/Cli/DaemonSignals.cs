using System.Globalization;
using System.Runtime.InteropServices;
using Serilog;

namespace EdgeTrader.App.Cli;

/// <summary>
/// What each signal does to the daemon. Registered before anything starts, so no catchable signal whose default
/// action would end the process can end it without its clean stop (control socket, tick loop, mirror, panel, and the
/// journal's <c>stop</c> line): each one either stops cleanly or is ignored with a log line.
/// </summary>
/// <remarks>
/// Clean stop, exit 0: SIGTERM, SIGINT, SIGQUIT, SIGPWR (the power is failing: stop while there is power), SIGXCPU
/// (the CPU-time soft limit: the hard limit's SIGKILL follows), SIGSYS (a refused system call, e.g. a seccomp filter:
/// the process can no longer be trusted to work). SIGHUP: reopen the log files (logrotate). Ignored, logged: SIGUSR1,
/// SIGUSR2, SIGALRM, SIGIO (SIGPOLL), SIGVTALRM, SIGPROF, SIGSTKFLT, SIGTRAP, SIGXFSZ (a write past the file-size
/// limit then fails with EFBIG, which the journal and the latch report and engage on) and SIGRTMIN+1 .. SIGRTMAX.
/// Left alone: SIGKILL and SIGSTOP (cannot be caught), SIGRTMIN (the runtime's thread-activation signal), and the
/// synchronous faults the runtime owns (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT). docs/operations.md, "Signals".
/// </remarks>
internal sealed class DaemonSignals : IDisposable
{
    // Linux numbers, the same on x86_64 and arm64 (asm-generic); PosixSignal names only the portable ones. glibc's
    // SIGRTMIN is 34 (32 and 33 are its own), SIGRTMAX 64.
    const int SIGTRAP = 5, SIGUSR1 = 10, SIGUSR2 = 12, SIGALRM = 14, SIGSTKFLT = 16, SIGXCPU = 24, SIGXFSZ = 25,
        SIGVTALRM = 26, SIGPROF = 27, SIGIO = 29, SIGPWR = 30, SIGSYS = 31, SIGRTMIN = 34, SIGRTMAX = 64;

    /// <summary>Signals ignored with a log line (besides SIGRTMIN+1 .. SIGRTMAX).</summary>
    static readonly (int Number, string Name)[] Ignored =
    [
        (SIGUSR1, "SIGUSR1"), (SIGUSR2, "SIGUSR2"), (SIGALRM, "SIGALRM"), (SIGIO, "SIGIO"), (SIGVTALRM, "SIGVTALRM"),
        (SIGPROF, "SIGPROF"), (SIGSTKFLT, "SIGSTKFLT"), (SIGTRAP, "SIGTRAP"), (SIGXFSZ, "SIGXFSZ"),
    ];

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
        foreach (var (number, name) in new[] { (SIGPWR, "SIGPWR"), (SIGXCPU, "SIGXCPU"), (SIGSYS, "SIGSYS") })
            On((PosixSignal)number, name, Stop);
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
        Action<string> ignore = n => log.Information("{Signal} ignored (SIGHUP reopens the logs; SIGTERM, SIGINT, SIGQUIT, SIGPWR, SIGXCPU and SIGSYS stop)", n);
        foreach (var (number, name) in Ignored) On((PosixSignal)number, name, ignore);
        for (int n = SIGRTMIN + 1; n <= SIGRTMAX; n++)
            On((PosixSignal)n, n == SIGRTMAX ? "SIGRTMAX" : string.Create(CultureInfo.InvariantCulture, $"SIGRTMIN+{n - SIGRTMIN}"), ignore);
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
