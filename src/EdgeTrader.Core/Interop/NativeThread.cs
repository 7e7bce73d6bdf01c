using System.Runtime.InteropServices;
using System.Text;

namespace EdgeTrader.Interop;

/// <summary>
/// Names the calling thread for the kernel (prctl PR_SET_NAME: /proc/PID/task/TID/comm, top -H, ps -L). NativeAOT
/// does not pass <see cref="Thread.Name"/> on, so every thread would show as "edgetrader"; the VM test finds the tick
/// loop by this name to freeze it alone. Best effort: a failure changes nothing.
/// </summary>
internal static unsafe partial class NativeThread
{
    internal const int PR_SET_NAME = 15; // linux/prctl.h, the same on every architecture (AbiReport pins it)

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, byte* arg2, nuint arg3, nuint arg4, nuint arg5);

    /// <summary>Sets the calling thread's kernel name (at most 15 bytes are kept).</summary>
    public static void NameCurrent(string name)
    {
        if (!OperatingSystem.IsLinux()) return;
        Span<byte> buf = stackalloc byte[16];
        int n = Encoding.UTF8.GetBytes(name.AsSpan(0, Math.Min(name.Length, 15)), buf[..15]);
        buf[n] = 0;
        fixed (byte* p = buf) _ = Prctl(PR_SET_NAME, p, 0, 0, 0);
    }
}
