using System.Runtime.InteropServices;

namespace EdgeTrader.Interop.Zmq;

/// <summary>zmq_pollitem_t on POSIX: { void* socket; int fd; short events; short revents; }.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ZmqPollItem
{
    public nint Socket;
    public int Fd;
    public short Events;
    public short Revents;
}

/// <summary>Raw libzmq 4.3 entry points. Only <see cref="ZmqContext"/> and <see cref="ZmqSocket"/> call these.</summary>
internal static unsafe partial class LibZmq
{
    const string Lib = "zmq";

    public const int PAIR = 0, PUB = 1, SUB = 2, DEALER = 5, ROUTER = 6, PULL = 7, PUSH = 8, XPUB = 9;
    public const int ROUTING_ID = 5, SUBSCRIBE = 6, RCVMORE = 13, LINGER = 17, RECONNECT_IVL = 18,
        SNDHWM = 23, RCVHWM = 24, RCVTIMEO = 27, SNDTIMEO = 28, RECONNECT_IVL_MAX = 21, IMMEDIATE = 39;
    public const int DONTWAIT = 1, SNDMORE = 2;
    public const short POLLIN = 1, POLLOUT = 2;
    public const int EAGAIN = 11, EINTR = 4;
    public const int ETERM = 156384712 + 53;

    [LibraryImport(Lib, EntryPoint = "zmq_version")]
    public static partial void Version(out int major, out int minor, out int patch);

    [LibraryImport(Lib, EntryPoint = "zmq_errno")]
    public static partial int Errno();

    [LibraryImport(Lib, EntryPoint = "zmq_strerror")]
    public static partial nint StrError(int errnum);

    [LibraryImport(Lib, EntryPoint = "zmq_ctx_new")]
    public static partial nint CtxNew();

    [LibraryImport(Lib, EntryPoint = "zmq_ctx_term")]
    public static partial int CtxTerm(nint ctx);

    [LibraryImport(Lib, EntryPoint = "zmq_ctx_shutdown")]
    public static partial int CtxShutdown(nint ctx);

    [LibraryImport(Lib, EntryPoint = "zmq_socket")]
    public static partial nint Socket(nint ctx, int type);

    [LibraryImport(Lib, EntryPoint = "zmq_close")]
    public static partial int Close(nint socket);

    [LibraryImport(Lib, EntryPoint = "zmq_setsockopt")]
    public static partial int SetSockOpt(nint socket, int option, void* optval, nuint optvallen);

    [LibraryImport(Lib, EntryPoint = "zmq_getsockopt")]
    public static partial int GetSockOpt(nint socket, int option, void* optval, nuint* optvallen);

    [LibraryImport(Lib, EntryPoint = "zmq_bind", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Bind(nint socket, string endpoint);

    [LibraryImport(Lib, EntryPoint = "zmq_connect", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Connect(nint socket, string endpoint);

    [LibraryImport(Lib, EntryPoint = "zmq_send")]
    public static partial int Send(nint socket, void* buf, nuint len, int flags);

    [LibraryImport(Lib, EntryPoint = "zmq_recv")]
    public static partial int Recv(nint socket, void* buf, nuint len, int flags);

    [LibraryImport(Lib, EntryPoint = "zmq_poll")]
    public static partial int Poll(ZmqPollItem* items, int nitems, CLong timeout);

    public static string LastError()
    {
        int e = Errno();
        return $"{Marshal.PtrToStringUTF8(StrError(e))} (errno {e})";
    }
}
