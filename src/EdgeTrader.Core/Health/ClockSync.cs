using EdgeTrader.Interop.Posix;

namespace EdgeTrader.Health;

/// <summary>Whether the wall clock is disciplined by a time source.</summary>
public enum ClockSyncState
{
    /// <summary>Nothing could be read: treat as not synchronised where it matters.</summary>
    Unknown,
    /// <summary>An NTP client (or an RTC-backed source) keeps the clock synchronised.</summary>
    Synchronized,
    /// <summary>The clock runs free: timestamps may be off by any amount (a Pi without RTC after a power cut).</summary>
    Unsynchronized,
}

/// <summary>One reading of the clock's synchronisation.</summary>
/// <param name="State">Synchronised, not, or unknown.</param>
/// <param name="Source"><c>kernel</c> (adjtimex), <c>timesyncd</c> (its flag file) or <c>none</c>.</param>
/// <param name="MaxErrorSeconds">The kernel's maximum error estimate, when read from the kernel.</param>
/// <param name="Detail">For people: what was read and what it means.</param>
public sealed record ClockSyncStatus(ClockSyncState State, string Source, double? MaxErrorSeconds, string Detail)
{
    /// <summary>True only when a source positively says synchronised; unknown counts as not.</summary>
    public bool IsSynchronized => State == ClockSyncState.Synchronized;
}

/// <summary>The kernel's NTP state as adjtimex reports it.</summary>
/// <param name="ClockState">adjtimex's return value (5 = TIME_ERROR).</param>
/// <param name="Status">The status bits (0x40 = STA_UNSYNC).</param>
/// <param name="MaxErrorMicros">Maximum error estimate in µs.</param>
public readonly record struct KernelClockReading(int ClockState, int Status, long MaxErrorMicros);

/// <summary>Something that says whether the clock is synchronised (the probe; a fake in tests of rules that use it).</summary>
public interface IClockSync
{
    /// <summary>Reads the current state; never throws.</summary>
    ClockSyncStatus Read();
}

/// <summary>
/// Reads clock synchronisation, read-only: first the kernel (adjtimex with modes 0, what every NTP client
/// updates), then, when a sandbox refuses that call (systemd's <c>ProtectClock=</c> filters adjtimex even for
/// reading), systemd-timesyncd's <c>/run/systemd/timesync/synchronized</c>, which says only "synchronised at least
/// once since boot". Nothing readable is <see cref="ClockSyncState.Unknown"/>, never synchronised.
/// </summary>
public sealed class ClockSyncProbe : IClockSync
{
    readonly string _root;
    readonly Func<(bool Ok, KernelClockReading Reading, string Error)> _kernel;

    /// <summary>The probe on the real kernel and filesystem.</summary>
    public ClockSyncProbe() : this("/", ReadKernel) { }

    /// <summary>A probe over another root directory and kernel reader (tests).</summary>
    public ClockSyncProbe(string root, Func<(bool Ok, KernelClockReading Reading, string Error)> kernel)
    {
        _root = root;
        _kernel = kernel;
    }

    /// <inheritdoc/>
    public ClockSyncStatus Read()
    {
        string kernelError;
        try
        {
            var (ok, k, error) = _kernel();
            if (ok)
            {
                double maxErr = k.MaxErrorMicros / 1e6;
                bool unsynced = k.ClockState == KernelClock.TIME_ERROR || (k.Status & KernelClock.STA_UNSYNC) != 0;
                return unsynced
                    ? new ClockSyncStatus(ClockSyncState.Unsynchronized, "kernel", maxErr, "the kernel reports the clock unsynchronised (no NTP client has disciplined it)")
                    : new ClockSyncStatus(ClockSyncState.Synchronized, "kernel", maxErr, $"synchronised (kernel, max error {maxErr * 1000:0.###} ms)");
            }
            kernelError = error;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            kernelError = ex.Message;
        }

        string flag = Path.Combine(_root, "run/systemd/timesync/synchronized");
        if (File.Exists(flag))
            return new ClockSyncStatus(ClockSyncState.Synchronized, "timesyncd", null,
                $"synchronised since boot (systemd-timesyncd); the kernel's state is not readable here ({kernelError})");
        return new ClockSyncStatus(ClockSyncState.Unknown, "none", null,
            $"unknown: the kernel's state is not readable ({kernelError}) and systemd-timesyncd has not reported a synchronisation");
    }

    static (bool, KernelClockReading, string) ReadKernel() =>
        KernelClock.TryRead(out int state, out var tx, out string error)
            ? (true, new KernelClockReading(state, tx.Status, tx.MaxError), "")
            : (false, default, error);
}
