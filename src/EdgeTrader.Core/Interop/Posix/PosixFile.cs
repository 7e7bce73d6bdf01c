using System.Runtime.InteropServices;

namespace EdgeTrader.Interop.Posix;

/// <summary>The one libc call .NET lacks for crash-safe renames: fsync of a directory.</summary>
internal static partial class PosixFile
{
    const int O_RDONLY = 0;
    const int O_DIRECTORY = 0x10000; // x86_64 and aarch64 share this value

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>Makes a rename inside <paramref name="directory"/> durable. Throws IOException on failure.</summary>
    public static void FsyncDirectory(string directory)
    {
        int fd = Open(directory, O_RDONLY | O_DIRECTORY);
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
