using System.Runtime.InteropServices;

namespace EdgeTrader.Interop.Posix;

/// <summary>
/// Reads the kernel's NTP discipline state with <c>adjtimex(2)</c> in read-only mode (<c>modes = 0</c>): the same
/// source as <c>timedatectl</c>'s "System clock synchronized". Never sets anything.
/// </summary>
internal static unsafe partial class KernelClock
{
    /// <summary>The clock state adjtimex returns when the clock is not synchronised.</summary>
    public const int TIME_ERROR = 5;
    /// <summary>Status bit: the clock is not synchronised (set by the kernel, cleared by an NTP client).</summary>
    public const int STA_UNSYNC = 0x0040;

    // struct timex on LP64 Linux (x86_64 and aarch64 share it): 208 bytes. The tail is padded generously; the kernel
    // copies only its own size in and out.
    [StructLayout(LayoutKind.Sequential)]
    internal struct Timex
    {
        public int Modes;
        public long Offset;
        public long Freq;
        public long MaxError;   // µs
        public long EstError;   // µs
        public int Status;
        public long Constant;
        public long Precision;
        public long Tolerance;
        public long TimeSec;
        public long TimeUsec;
        public long Tick;
        public long PpsFreq;
        public long Jitter;
        public int Shift;
        public long Stabil;
        public long JitCnt;
        public long CalCnt;
        public long ErrCnt;
        public long StbCnt;
        public int Tai;
        public fixed int Reserved[16];
    }

    [LibraryImport("libc", EntryPoint = "adjtimex", SetLastError = true)]
    private static partial int Adjtimex(Timex* tx);

    /// <summary>One read-only reading; false with the errno text when the call is refused (e.g. a seccomp filter).</summary>
    public static bool TryRead(out int clockState, out Timex tx, out string error)
    {
        Timex t = default; // modes = 0: read only
        int r = Adjtimex(&t);
        tx = t;
        clockState = r;
        if (r < 0)
        {
            error = Marshal.GetLastPInvokeErrorMessage();
            return false;
        }
        error = "";
        return true;
    }
}
