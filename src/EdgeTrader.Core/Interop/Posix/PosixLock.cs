using System.Runtime.InteropServices;

namespace EdgeTrader.Interop.Posix;

/// <summary>open(2) and flock(2) for the state directory's lock. The flags used here have the same values on x86_64 and
/// aarch64 (asm-generic: O_RDWR 02, O_CREAT 0100, O_CLOEXEC 02000000; LOCK_EX 2, LOCK_NB 4; EWOULDBLOCK = EAGAIN 11).</summary>
internal static partial class PosixLock
{
    public const int O_RDONLY = 0;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_CLOEXEC = 0x80000;
    const int LOCK_EX = 2;
    const int LOCK_NB = 4;
    const int EWOULDBLOCK = 11;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    /// <summary>open(2); a negative result with the errno message otherwise.</summary>
    public static int OpenFile(string path, int flags, out string error)
    {
        int fd = Open(path, flags | O_CLOEXEC, 0x180 /* 0600 */);
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
