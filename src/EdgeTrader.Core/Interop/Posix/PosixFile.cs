using System.Runtime.InteropServices;
using Tmds.Linux;

namespace EdgeTrader.Interop.Posix;

/// <summary>The one libc call .NET lacks for crash-safe renames: fsync of a directory.</summary>
internal static partial class PosixFile
{
    // open(2) flags differ between architectures: O_DIRECTORY is 0x10000 on x86_64 but 0x4000 on aarch64, where
    // 0x10000 is O_DIRECT (and open of a directory with O_DIRECT fails with EINVAL). Tmds.LibC ships one assembly per
    // RID, so the published binary carries its own architecture's values; the ABI test pins them against the
    // kernel headers of both architectures (tests/abi).
    internal static int O_RDONLY => LibC.O_RDONLY;
    internal static int O_DIRECTORY => LibC.O_DIRECTORY;
    internal static int O_CLOEXEC => LibC.O_CLOEXEC;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>Makes a rename inside <paramref name="directory"/> durable. Throws IOException on failure.</summary>
    public static void FsyncDirectory(string directory)
    {
        int fd = Open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) throw new IOException($"open({directory}) for fsync failed: {Marshal.GetLastPInvokeErrorMessage()}");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync({directory}) failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        finally
        {
            Close(fd);
        }
    }
}
