using System.Runtime.InteropServices;

namespace EdgeTrader.Interop.Posix;

/// <summary>Lowers the calling thread's scheduling priority (Linux nice values are per thread).</summary>
internal static partial class ThreadNice
{
    internal const int PRIO_PROCESS = 0; // pinned per architecture by the ABI test (AbiReport)

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int prio);

    /// <summary>
    /// Sets the calling thread's nice value (raising it needs no privilege). False with the errno text when refused,
    /// e.g. by a seccomp filter that denies setpriority (systemd's @resources group).
    /// </summary>
    public static bool TrySet(int nice, out string error)
    {
        error = "";
        try
        {
            if (SetPriority(PRIO_PROCESS, GetTid(), nice) == 0) return true;
            error = Marshal.GetLastPInvokeErrorMessage();
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            error = ex.Message;
        }
        return false;
    }
}
