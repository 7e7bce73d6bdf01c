using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeTrader.Interop.Mosquitto;

/// <summary>What a <see cref="MosquittoClient"/> reports. Called on the client's network thread (<see cref="OnLog"/> also
/// on publishing threads); implementations must be quick and must not call <see cref="MosquittoClient.Dispose"/>.</summary>
internal interface IMosquittoListener
{
    /// <summary>CONNACK arrived: 0 = accepted, otherwise the refusal code.</summary>
    void OnConnect(int rc);
    /// <summary>The connection ended: 0 = asked for by us, otherwise lost.</summary>
    void OnDisconnect(int rc);
    /// <summary>A connection attempt, or the network loop, failed; the client retries after a pause.</summary>
    void OnConnectFailed(int rc, string error);
    /// <summary>SUBACK for the subscription with this message id.</summary>
    void OnSubscribe(int mid);
    /// <summary>PUBACK for the QoS 1 publish with this message id.</summary>
    void OnPublish(int mid);
    /// <summary>A message; <paramref name="payload"/> is valid only during the call.</summary>
    void OnMessage(string topic, ReadOnlySpan<byte> payload, bool retained);
    /// <summary>A warning or error line from libmosquitto (TLS failures and the like).</summary>
    void OnLog(int level, string message);
    /// <summary>A listener method threw; the exception was caught at the native boundary.</summary>
    void OnCallbackFailed(Exception exception);
}

/// <summary>
/// One libmosquitto client (MQTT 3.1.1) with its own network thread. The thread runs <c>mosquitto_connect</c> and then
/// <c>mosquitto_loop_forever</c>, which reconnects by itself with the configured backoff. It is our thread rather than
/// <c>mosquitto_loop_start</c>'s because loop_forever returns for good on errors it deems fatal (TLS, protocol, a failed
/// name lookup): loop_start's thread would then end silently and the node would never reconnect, whereas ours starts
/// over after a pause. The connect also runs there, so starting never blocks on DNS, TCP or TLS.
/// </summary>
internal sealed unsafe class MosquittoClient : IDisposable
{
    static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    readonly MosquittoHandle _handle;
    readonly IMosquittoListener _listener;
    readonly ManualResetEventSlim _wake = new(false);
    readonly object _lifecycle = new();
    Thread? _thread;
    volatile bool _stopping;
    bool _disposed;
    string _host = "";
    int _port;
    int _keepAlive;

    /// <summary>Creates the client (nothing connects yet). <paramref name="cleanSession"/> false keeps the broker-side
    /// session (subscriptions, queued QoS 1 messages) across disconnects, which needs a stable <paramref name="clientId"/>.</summary>
    public MosquittoClient(string clientId, bool cleanSession, IMosquittoListener listener)
    {
        LibMosquitto.EnsureAvailable();
        _listener = listener;
        var self = GCHandle.Alloc(this);
        _handle = LibMosquitto.New(clientId, cleanSession, GCHandle.ToIntPtr(self));
        if (_handle.IsInvalid)
        {
            self.Free();
            throw new InvalidOperationException($"mosquitto_new failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        _handle.Owner = self;
        LibMosquitto.Check(LibMosquitto.IntOption(_handle, LibMosquitto.MOSQ_OPT_PROTOCOL_VERSION, LibMosquitto.MQTT_PROTOCOL_V311), "MOSQ_OPT_PROTOCOL_VERSION");
        LibMosquitto.Check(LibMosquitto.IntOption(_handle, LibMosquitto.MOSQ_OPT_TCP_NODELAY, 1), "MOSQ_OPT_TCP_NODELAY");
        // Without this, a publish from another thread would write to the socket itself, racing the network thread.
        LibMosquitto.Check(LibMosquitto.ThreadedSet(_handle, true), "mosquitto_threaded_set");
        LibMosquitto.ConnectCallbackSet(_handle, &OnConnectNative);
        LibMosquitto.DisconnectCallbackSet(_handle, &OnDisconnectNative);
        LibMosquitto.PublishCallbackSet(_handle, &OnPublishNative);
        LibMosquitto.SubscribeCallbackSet(_handle, &OnSubscribeNative);
        LibMosquitto.MessageCallbackSet(_handle, &OnMessageNative);
        LibMosquitto.LogCallbackSet(_handle, &OnLogNative);
    }

    /// <summary>Username and password for the CONNECT packet.</summary>
    public void SetCredentials(string username, string? password) =>
        LibMosquitto.Check(LibMosquitto.UsernamePwSet(_handle, username, password), "mosquitto_username_pw_set");

    /// <summary>TLS with server verification against <paramref name="caFile"/> (or the directory <paramref name="caPath"/>),
    /// and a client certificate when <paramref name="certFile"/>/<paramref name="keyFile"/> are given.</summary>
    public void SetTls(string? caFile, string? caPath, string? certFile, string? keyFile) =>
        LibMosquitto.Check(LibMosquitto.TlsSet(_handle, caFile, caPath, certFile, keyFile, 0), "mosquitto_tls_set");

    /// <summary>The Last Will: published by the broker when the connection ends without a DISCONNECT. Set before connecting.</summary>
    public void SetWill(string topic, ReadOnlySpan<byte> payload, int qos, bool retain)
    {
        fixed (byte* p = payload)
        {
            LibMosquitto.Check(LibMosquitto.WillSet(_handle, topic, payload.Length, p, qos, retain), "mosquitto_will_set");
        }
    }

    /// <summary>Reconnect pacing of the network loop, in seconds.</summary>
    public void SetReconnectDelay(uint delay, uint delayMax, bool exponential) =>
        LibMosquitto.Check(LibMosquitto.ReconnectDelaySet(_handle, delay, delayMax, exponential), "mosquitto_reconnect_delay_set");

    /// <summary>Starts the network thread, which connects and keeps reconnecting until <see cref="Dispose"/>. Returns at once.</summary>
    public void Start(string host, int port, int keepAliveSeconds, string threadName)
    {
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_thread is not null) throw new InvalidOperationException("already started");
            _host = host;
            _port = port;
            _keepAlive = keepAliveSeconds;
            _thread = new Thread(Run) { IsBackground = true, Name = threadName };
            _thread.Start();
        }
    }

    /// <summary>Queues a publish; never blocks on the network (libmosquitto sends it from the network thread).
    /// Returns the libmosquitto result code.</summary>
    public int Publish(string topic, ReadOnlySpan<byte> payload, int qos, bool retain, out int mid)
    {
        int m = 0;
        int rc;
        fixed (byte* p = payload)
        {
            rc = LibMosquitto.Publish(_handle, &m, topic, payload.Length, p, qos, retain);
        }
        mid = m;
        return rc;
    }

    /// <summary>Queues a SUBSCRIBE; the SUBACK comes through <see cref="IMosquittoListener.OnSubscribe"/>.</summary>
    public int Subscribe(string pattern, int qos, out int mid)
    {
        int m = 0;
        int rc = LibMosquitto.Subscribe(_handle, &m, pattern, qos);
        mid = m;
        return rc;
    }

    /// <summary>The client's socket descriptor, or -1 (diagnostics and tests).</summary>
    public int Socket => LibMosquitto.Socket(_handle);

    /// <summary>
    /// Stops the network thread (sending DISCONNECT when connected, so the Last Will is not published) and frees the
    /// client once no call is using it. Waits up to a few seconds for the thread; a thread stuck in a TCP connect to an
    /// unreachable host is left to end by itself.
    /// </summary>
    public void Dispose()
    {
        Thread? thread;
        lock (_lifecycle)
        {
            if (_disposed) return;
            _disposed = true;
            _stopping = true;
            thread = _thread;
        }
        _wake.Set();
        if (thread is not null)
        {
            var deadline = Environment.TickCount64 + 5_000;
            // mosquitto_disconnect is a no-op before the connection exists, so repeat it until the loop has left.
            do
            {
                LibMosquitto.Disconnect(_handle);
            }
            while (!thread.Join(20) && Environment.TickCount64 < deadline);
        }
        _handle.Dispose();
    }

    void Run()
    {
        var pause = FirstRetry;
        while (!_stopping)
        {
            try
            {
                int rc = LibMosquitto.Connect(_handle, _host, _port, _keepAlive);
                int errno = Marshal.GetLastPInvokeError();
                if (_stopping) break;
                if (rc == LibMosquitto.MOSQ_ERR_SUCCESS)
                {
                    pause = FirstRetry;
                    rc = LibMosquitto.LoopForever(_handle, 1000, 1);
                    errno = Marshal.GetLastPInvokeError();
                    if (_stopping) break;
                }
                _listener.OnConnectFailed(rc, LibMosquitto.Describe(rc, errno));
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (Exception ex)
            {
                SafeReport(_listener, ex);
            }
            _wake.Wait(pause);
            pause = pause * 2 > LastRetry ? LastRetry : pause * 2;
        }
    }

    static MosquittoClient? From(nint obj) => obj == 0 ? null : GCHandle.FromIntPtr(obj).Target as MosquittoClient;

    static void SafeReport(IMosquittoListener listener, Exception ex)
    {
        try { listener.OnCallbackFailed(ex); }
        catch (Exception) { /* nothing may escape into native code */ }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static void OnConnectNative(nint mosq, nint obj, int rc)
    {
        var c = From(obj);
        if (c is null) return;
        try { c._listener.OnConnect(rc); }
        catch (Exception ex) { SafeReport(c._listener, ex); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static void OnDisconnectNative(nint mosq, nint obj, int rc)
    {
        var c = From(obj);
        if (c is null) return;
        try { c._listener.OnDisconnect(rc); }
        catch (Exception ex) { SafeReport(c._listener, ex); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static void OnPublishNative(nint mosq, nint obj, int mid)
    {
        var c = From(obj);
        if (c is null) return;
        try { c._listener.OnPublish(mid); }
        catch (Exception ex) { SafeReport(c._listener, ex); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static void OnSubscribeNative(nint mosq, nint obj, int mid, int qosCount, int* granted)
    {
        var c = From(obj);
        if (c is null) return;
        try { c._listener.OnSubscribe(mid); }
        catch (Exception ex) { SafeReport(c._listener, ex); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static void OnMessageNative(nint mosq, nint obj, MosquittoMessage* message)
    {
        var c = From(obj);
        if (c is null || message is null) return;
        try
        {
            var topic = Marshal.PtrToStringUTF8(message->Topic) ?? "";
            var payload = message->Payload == 0 || message->PayloadLen <= 0
                ? ReadOnlySpan<byte>.Empty
                : new ReadOnlySpan<byte>((void*)message->Payload, message->PayloadLen);
            c._listener.OnMessage(topic, payload, message->Retain != 0);
        }
        catch (Exception ex) { SafeReport(c._listener, ex); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static void OnLogNative(nint mosq, nint obj, int level, nint text)
    {
        // Debug lines come for every packet; only warnings and errors are worth the string.
        if ((level & (LibMosquitto.MOSQ_LOG_WARNING | LibMosquitto.MOSQ_LOG_ERR)) == 0) return;
        var c = From(obj);
        if (c is null) return;
        try { c._listener.OnLog(level, Marshal.PtrToStringUTF8(text) ?? ""); }
        catch (Exception ex) { SafeReport(c._listener, ex); }
    }
}
