using System.Runtime.InteropServices;

namespace EdgeTrader.Interop.Zmq;

/// <summary>A libzmq error with libzmq's own message.</summary>
public sealed class ZmqException(string message) : Exception(message);

/// <summary>Owns a libzmq context; terminating it unblocks every socket of it.</summary>
public sealed class ZmqContext : SafeHandle
{
    ZmqContext() : base(IntPtr.Zero, ownsHandle: true) { }

    /// <summary>Creates a context; fails with the Debian package to install when libzmq is missing.</summary>
    public static ZmqContext Create()
    {
        NativeLibraries.Register();
        var ctx = new ZmqContext();
        ctx.SetHandle(LibZmq.CtxNew());
        if (ctx.IsInvalid) throw new ZmqException("zmq_ctx_new failed: " + LibZmq.LastError());
        return ctx;
    }

    /// <summary>libzmq's version, e.g. "4.3.4" (also the start-up check that the library loads).</summary>
    public static string Version()
    {
        NativeLibraries.Register();
        LibZmq.Version(out int a, out int b, out int c);
        return $"{a}.{b}.{c}";
    }

    /// <summary>Throws a clear error when libzmq cannot be loaded.</summary>
    public static void EnsureAvailable()
    {
        NativeLibraries.Register();
        NativeLibraries.EnsureLoadable("libzmq.so.5", "libzmq5", "ZeroMQ");
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Makes blocking calls on this context's sockets return ETERM (shutdown from another thread).</summary>
    public void Shutdown()
    {
        bool added = false;
        try
        {
            DangerousAddRef(ref added);
            LibZmq.CtxShutdown(handle);
        }
        finally
        {
            if (added) DangerousRelease();
        }
    }

    /// <summary>Opens a socket of libzmq type <paramref name="type"/>.</summary>
    public ZmqSocket Socket(int type)
    {
        bool added = false;
        try
        {
            DangerousAddRef(ref added);
            nint s = LibZmq.Socket(handle, type);
            if (s == 0) throw new ZmqException("zmq_socket failed: " + LibZmq.LastError());
            return new ZmqSocket(s, this);
        }
        finally
        {
            if (added) DangerousRelease();
        }
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LibZmq.CtxTerm(handle) == 0;
}

/// <summary>
/// One libzmq socket. Like libzmq's, it is not thread-safe: one thread uses it (the tick loop owns its SUB and DEALER).
/// Closing it keeps its context alive until then (the socket holds a reference).
/// </summary>
public sealed unsafe class ZmqSocket : SafeHandle
{
    readonly ZmqContext _ctx;
    bool _ctxRef;

    internal ZmqSocket(nint socket, ZmqContext ctx) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(socket);
        _ctx = ctx;
        _ctx.DangerousAddRef(ref _ctxRef);
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The raw pointer, for <see cref="ZmqPoller"/>.</summary>
    internal nint Raw => handle;

    /// <summary>Sets an integer option.</summary>
    public void SetOption(int option, int value)
    {
        if (LibZmq.SetSockOpt(handle, option, &value, sizeof(int)) != 0)
            throw new ZmqException($"zmq_setsockopt({option}) failed: {LibZmq.LastError()}");
    }

    /// <summary>Sets a bytes option (subscription prefix, routing id).</summary>
    public void SetOption(int option, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
        {
            if (LibZmq.SetSockOpt(handle, option, p, (nuint)value.Length) != 0)
                throw new ZmqException($"zmq_setsockopt({option}) failed: {LibZmq.LastError()}");
        }
    }

    /// <summary>Binds (servers: sim-bridge, benchmarks).</summary>
    public void Bind(string endpoint)
    {
        if (LibZmq.Bind(handle, endpoint) != 0) throw new ZmqException($"zmq_bind({endpoint}) failed: {LibZmq.LastError()}");
    }

    /// <summary>Connects; libzmq reconnects by itself when the peer goes away and comes back.</summary>
    public void Connect(string endpoint)
    {
        if (LibZmq.Connect(handle, endpoint) != 0) throw new ZmqException($"zmq_connect({endpoint}) failed: {LibZmq.LastError()}");
    }

    /// <summary>Sends one frame. False when it would block (HWM reached, no peer) with <c>dontWait</c>, or on timeout.</summary>
    public bool Send(ReadOnlySpan<byte> frame, bool dontWait = true, bool more = false)
    {
        int flags = (dontWait ? LibZmq.DONTWAIT : 0) | (more ? LibZmq.SNDMORE : 0);
        fixed (byte* p = frame)
        {
            while (true)
            {
                int rc = LibZmq.Send(handle, p, (nuint)frame.Length, flags);
                if (rc >= 0) return true;
                int e = LibZmq.Errno();
                if (e == LibZmq.EINTR) continue;
                if (e == LibZmq.EAGAIN || e == LibZmq.ETERM) return false;
                throw new ZmqException("zmq_send failed: " + LibZmq.LastError());
            }
        }
    }

    /// <summary>
    /// Receives one frame into <paramref name="buffer"/>. Returns the frame's full length (which may exceed the buffer:
    /// the frame was truncated), or -1 when nothing is ready (dontWait/timeout) or the context is shutting down.
    /// </summary>
    public int Receive(Span<byte> buffer, bool dontWait = true)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                int rc = LibZmq.Recv(handle, p, (nuint)buffer.Length, dontWait ? LibZmq.DONTWAIT : 0);
                if (rc >= 0) return rc;
                int e = LibZmq.Errno();
                if (e == LibZmq.EINTR) continue;
                if (e == LibZmq.EAGAIN || e == LibZmq.ETERM) return -1;
                throw new ZmqException("zmq_recv failed: " + LibZmq.LastError());
            }
        }
    }

    /// <summary>True when the last received frame has more parts after it.</summary>
    public bool HasMore
    {
        get
        {
            int v = 0;
            nuint len = sizeof(int);
            return LibZmq.GetSockOpt(handle, LibZmq.RCVMORE, &v, &len) == 0 && v != 0;
        }
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        int linger = 0;
        LibZmq.SetSockOpt(handle, LibZmq.LINGER, &linger, sizeof(int));
        bool ok = LibZmq.Close(handle) == 0;
        if (_ctxRef) _ctx.DangerousRelease();
        return ok;
    }
}

/// <summary>zmq_poll over a fixed set of sockets, without allocating per call.</summary>
public sealed unsafe class ZmqPoller
{
    readonly ZmqPollItem[] _items;
    readonly ZmqSocket[] _sockets;

    /// <summary>Polls <paramref name="sockets"/> for input.</summary>
    public ZmqPoller(params ZmqSocket[] sockets)
    {
        _sockets = sockets;
        _items = new ZmqPollItem[sockets.Length];
        for (int i = 0; i < sockets.Length; i++) _items[i] = new ZmqPollItem { Socket = sockets[i].Raw, Events = LibZmq.POLLIN };
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> (0 = just check); returns the number of ready sockets, -1 on shutdown.</summary>
    public int Poll(int timeoutMs)
    {
        fixed (ZmqPollItem* p = _items)
        {
            int rc = LibZmq.Poll(p, _items.Length, new CLong(timeoutMs));
            if (rc >= 0) return rc;
            int e = LibZmq.Errno();
            if (e == LibZmq.EINTR) return 0;
            if (e == LibZmq.ETERM) return -1;
            throw new ZmqException("zmq_poll failed: " + LibZmq.LastError());
        }
    }

    /// <summary>True when socket <paramref name="index"/> had input at the last poll.</summary>
    public bool IsReadable(int index) => (_items[index].Revents & LibZmq.POLLIN) != 0;
}
