using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeTrader.Interop.Posix;

/// <summary>
/// Which file a handle or a path is (device and inode) and how many names it has, from statx(2). Its struct layout is
/// the kernel's UAPI, the same on every architecture; the ABI test pins it against the headers (tests/abi).
/// </summary>
internal static partial class FileIdentity
{
    internal const int AT_FDCWD = -100;
    internal const int AT_EMPTY_PATH = 0x1000;
    internal const uint STATX_NLINK = 0x4;
    internal const uint STATX_INO = 0x100;
    internal const int ENOENT = 2;
    internal const int ENOTDIR = 20;
    internal const int EPERM = 1;
    internal const int ENOSYS = 38;

    /// <summary>struct statx: only the fields read here, at their offsets; the kernel writes all 256 bytes.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    internal struct Statx
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(16)] public uint Nlink;
        [FieldOffset(32)] public ulong Ino;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatxCall(int dirfd, string path, int flags, uint mask, out Statx buf);

    /// <summary>A file's identity: device, inode and number of names (0: unlinked). A class: it never goes to native code.</summary>
    internal sealed record Id(uint DevMajor, uint DevMinor, ulong Ino, uint Links)
    {
        public bool SameFile(Id? other) => other is not null && DevMajor == other.DevMajor && DevMinor == other.DevMinor && Ino == other.Ino;
    }

    /// <summary>What <see cref="Of(string, out Id?)"/> found.</summary>
    internal enum Result { Found, Missing, Unsupported }

    /// <summary>The identity of the open file <paramref name="handle"/> (fstat). Throws IOException when it cannot be read.</summary>
    public static Result Of(SafeFileHandle handle, out Id? id)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Call((int)handle.DangerousGetHandle(), "", AT_EMPTY_PATH, "the open journal file", out id);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>The identity of the file at <paramref name="path"/> (stat, following links); Missing when there is none.</summary>
    public static Result Of(string path, out Id? id) => Call(AT_FDCWD, path, 0, path, out id);

    static Result Call(int dirfd, string path, int flags, string what, out Id? id)
    {
        id = null;
        if (StatxCall(dirfd, path, flags, STATX_INO | STATX_NLINK, out var b) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is ENOENT or ENOTDIR) return Result.Missing;
            // A kernel or sandbox without statx: the caller falls back to what it can check without an inode.
            if (errno is ENOSYS or EPERM) return Result.Unsupported;
            throw new IOException($"statx({what}) failed: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        id = new Id(b.DevMajor, b.DevMinor, b.Ino, b.Nlink);
        return Result.Found;
    }
}
