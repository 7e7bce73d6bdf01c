using System.Runtime.InteropServices;
using Tmds.Linux;

namespace EdgeTrader.Interop.Posix;

/// <summary>open(2) and flock(2) for the state directory's lock.</summary>
internal static partial class PosixLock
{
    // open(2) flags per architecture from Tmds.LibC (the RID's assembly); flock(2)'s LOCK_* (not in Tmds.LibC), the
    // mode and EWOULDBLOCK have the same values on x86_64 and aarch64 (asm-generic). All are pinned against each
    // architecture's headers by the ABI test (AbiReport, tests/abi).
    public static int O_RDONLY => LibC.O_RDONLY;
    public static int O_RDWR => LibC.O_RDWR;
    public static int O_CREAT => LibC.O_CREAT;
    public static int O_CLOEXEC => LibC.O_CLOEXEC;
    internal const int Mode0600 = 0x180; // S_IRUSR | S_IWUSR
    internal const int LOCK_EX = 2;
    internal const int LOCK_NB = 4;
    internal const int EWOULDBLOCK = 11;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    /// <summary>open(2); a negative result with the errno message otherwise.</summary>
    public static int OpenFile(string path, int flags, out string error)
    {
        int fd = Open(path, flags | O_CLOEXEC, Mode0600);
        error = fd < 0 ? Marshal.GetLastPInvokeErrorMessage() : "";
        return fd;
    }

    /// <summary>An exclusive, non-blocking flock. False when another open file description holds it (EWOULDBLOCK);
    /// throws IOException on any other failure.</summary>
    public static bool TryLockExclusive(int fd)
    {
        if (Flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
        if (Marshal.GetLastPInvokeError() == EWOULDBLOCK) return false;
        throw new IOException($"flock failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }
}
