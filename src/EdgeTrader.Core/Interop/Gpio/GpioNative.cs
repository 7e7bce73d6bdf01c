using System.Runtime.InteropServices;
using Tmds.Linux;

namespace EdgeTrader.Interop.Gpio;

/// <summary>An owned file descriptor (a GPIO chip or a line request); closed exactly once, never while a call uses it.</summary>
internal sealed class GpioFdHandle : SafeHandle
{
    /// <summary>Takes ownership of a descriptor (from open, or the line request's fd the kernel handed back).</summary>
    public GpioFdHandle(int fd) : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    /// <inheritdoc/>
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => GpioNative.Close((int)handle.ToInt64()) == 0;
}

/// <summary>The five libc calls the GPIO character device needs.</summary>
internal static unsafe partial class GpioNative
{
    // open(2) flags are per architecture: taken from Tmds.LibC's assembly for the RID. The poll flags and errno values
    // are the asm-generic ones on x86_64 and aarch64 and stay constants (the panel matches errno with patterns);
    // the ABI test (tests/abi) pins every one of them against each architecture's kernel headers.
    public static int O_RDONLY => LibC.O_RDONLY;
    public static int O_RDWR => LibC.O_RDWR;
    public static int O_CLOEXEC => LibC.O_CLOEXEC;
    public const short POLLIN = 0x1, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
    public const int EPERM = 1, ENOENT = 2, EINTR = 4, EAGAIN = 11, EACCES = 13, EBUSY = 16, ENODEV = 19, EINVAL = 22, ENOTTY = 25;

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    // open returns a C int: taken as int and wrapped by the caller (a SafeHandle return would be read as a
    // pointer-sized value, and -1 would not come back as -1).
    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    // ioctl is variadic in C; on x86_64 and arm64 Linux a pointer passed as the third fixed argument is passed
    // exactly like the variadic one. The fd goes in as a pointer-sized register whose low 32 bits are the int the
    // callee reads (both ABIs).
    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(GpioFdHandle fd, nuint request, void* arg);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(GpioFdHandle fd, void* buffer, nuint count);
}
