using System.Buffers;
using System.Net;
using System.Net.Sockets;
using EdgeTrader.Interop.Posix;
using Serilog;

namespace EdgeTrader.Web;

/// <summary>
/// A small HTTP/1.1 server for read-only surfaces, on one thread of its own: non-blocking sockets and one poll loop,
/// so however many clients come it uses at most one core, and its thread runs at a lower priority (nice 10) than the
/// tick loop where the kernel allows it. Every connection is bounded: the head must arrive whole within
/// <see cref="Settings.HeaderTimeout"/> and fit in <see cref="Settings.MaxHeaderBytes"/>, idle connections close,
/// a client that does not read its answer is dropped, bodies are refused, and each client address has a request
/// rate and a connection cap. A bind failure is retried; nothing here can stop the daemon.
/// </summary>
public sealed class HttpServer : IDisposable
{
    /// <summary>The server's limits.</summary>
    /// <param name="Listen">Address and port (port 0: any free port).</param>
    /// <param name="MaxConnections">Open connections at once; more are closed at accept.</param>
    /// <param name="RequestsPerSecond">Per client address (bursts of twice that); more get 429 and the connection closes.</param>
    public sealed record Settings(IPEndPoint Listen, int MaxConnections = 256, int RequestsPerSecond = 20)
    {
        /// <summary>Time for a request head to arrive once it has started (slow clients get 408).</summary>
        public TimeSpan HeaderTimeout { get; init; } = TimeSpan.FromSeconds(5);
        /// <summary>A kept-alive connection with nothing to do closes after this.</summary>
        public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(15);
        /// <summary>A client that takes nothing of its answer for this long is dropped.</summary>
        public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);
        /// <summary>Largest request head (request line and headers); more get 431.</summary>
        public int MaxHeaderBytes { get; init; } = 8 * 1024;
        /// <summary>Requests on one connection before it is closed (a new one is cheap).</summary>
        public int MaxRequestsPerConnection { get; init; } = 1000;
        /// <summary>Bytes queued to one event stream before its client counts as not reading.</summary>
        public int MaxStreamBacklogBytes { get; init; } = 256 * 1024;
        /// <summary>How often a failed bind is tried again.</summary>
        public TimeSpan BindRetry { get; init; } = TimeSpan.FromSeconds(5);
        /// <summary>Connections one client address may hold.</summary>
        public int ConnectionsPerClient => Math.Max(8, MaxConnections / 4);
    }

    const int PollMicros = 50_000;
    const int AcceptsPerTurn = 64;

    readonly Settings _s;
    readonly IHttpSite _site;
    readonly HttpAccess _access;
    readonly TimeProvider _time;
    readonly ILogger _log;
    readonly ClientLimits _limits;
    readonly Dictionary<Socket, Connection> _conns = [];
    readonly List<Socket> _read = [];
    readonly List<Socket> _write = [];
    readonly List<Connection> _closing = [];
    readonly List<Connection> _scan = [];
    readonly ManualResetEventSlim _stopSignal = new(false);
    readonly long[] _byStatus = new long[600];
    Thread? _thread;
    Socket? _listener;
    volatile bool _stop;
    volatile string? _error;
    volatile IPEndPoint? _bound;
    long _accepted, _refused, _timeouts, _dropped, _errors;
    long _lastBindAttemptTs;

    sealed class Connection(Socket socket, IPAddress client, byte[] rx, long now)
    {
        public readonly Socket Socket = socket;
        public readonly IPAddress Client = client;
        public readonly byte[] Rx = rx;
        public readonly Queue<byte[]> Out = new();
        public int OutOffset; // bytes of Out.Peek() already sent
        public int RxCount;
        public int OutBytes;
        public long IdleSinceTs = now;
        public long FirstByteTs;
        public long LastWriteTs = now;
        public int Requests;
        public bool CloseAfterWrite;
        public bool EventStream;
        public long EventVersion;
    }

    /// <summary>A server for <paramref name="site"/>; call <see cref="Start"/>.</summary>
    public HttpServer(Settings settings, IHttpSite site, HttpAccess access, TimeProvider time, ILogger log)
    {
        _s = settings;
        _site = site;
        _access = access;
        _time = time;
        _log = log.ForContext<HttpServer>();
        _limits = new ClientLimits(settings.RequestsPerSecond, settings.ConnectionsPerClient, time);
    }

    /// <summary>The address actually listened on; null while not bound.</summary>
    public IPEndPoint? BoundEndpoint => _bound;

    /// <summary>Why the server is not listening (bind failure), or null.</summary>
    public string? Error => _error;

    /// <summary>Responses sent with <paramref name="status"/>.</summary>
    public long Responses(int status) => status is >= 0 and < 600 ? Volatile.Read(ref _byStatus[status]) : 0;

    /// <summary>Status codes answered at least once, with their counts.</summary>
    public IReadOnlyList<(int Status, long Count)> ResponsesByStatus()
    {
        var list = new List<(int, long)>();
        for (int i = 100; i < _byStatus.Length; i++)
        {
            long n = Volatile.Read(ref _byStatus[i]);
            if (n > 0) list.Add((i, n));
        }
        return list;
    }

    /// <summary>Connections accepted and served.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);
    /// <summary>Connections closed at accept (over the global or per-client cap).</summary>
    public long Refused => Interlocked.Read(ref _refused);
    /// <summary>Connections closed because a head did not arrive in time, or idle.</summary>
    public long TimedOut => Interlocked.Read(ref _timeouts);
    /// <summary>Connections dropped because the client did not read its answer.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    /// <summary>Unexpected faults on a connection (it was closed; the server went on).</summary>
    public long Faults => Interlocked.Read(ref _errors);
    /// <summary>Connections open now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);
    int _open;

    /// <summary>Binds (a failure is reported in <see cref="Error"/> and retried) and starts the server thread.</summary>
    public void Start()
    {
        TryBind();
        _thread = new Thread(Run) { IsBackground = true, Name = "http" };
        _thread.Start();
    }

    void TryBind()
    {
        _lastBindAttemptTs = _time.GetTimestamp();
        Socket? l = null;
        try
        {
            l = new Socket(_s.Listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            l.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (_s.Listen.AddressFamily == AddressFamily.InterNetworkV6) l.DualMode = false;
            l.Bind(_s.Listen);
            l.Listen(512);
            l.Blocking = false;
            _listener = l;
            var bound = (IPEndPoint)l.LocalEndPoint!;
            if (_error is not null) _log.Information("http: listening on {Endpoint} now", bound);
            _error = null;
            _bound = bound; // last: a reader that sees the address sees no stale error
        }
        catch (SocketException ex)
        {
            l?.Dispose();
            string e = $"cannot listen on {_s.Listen}: {ex.Message} (retrying every {_s.BindRetry.TotalSeconds:0.#} s)";
            if (_error != e) _log.Error("http: {Error}", e);
            _error = e;
        }
    }

    void Run()
    {
        if (!ThreadNice.TrySet(10, out string why)) _log.Debug("http: thread priority unchanged ({Why})", why);
        while (!_stop)
        {
            try
            {
                if (_listener is null)
                {
                    if (_time.GetElapsedTime(_lastBindAttemptTs) >= _s.BindRetry) TryBind();
                    if (_listener is null) { _stopSignal.Wait(100); continue; }
                }
                Turn();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Interlocked.Increment(ref _errors);
                _log.Error(ex, "http: server loop fault (continuing)");
                _stopSignal.Wait(50);
            }
        }
        foreach (var c in _conns.Values.ToArray()) Close(c);
        _listener?.Dispose();
    }

    void Turn()
    {
        var listener = _listener!;
        _read.Clear();
        _write.Clear();
        _read.Add(listener);
        foreach (var c in _conns.Values)
        {
            if (c.OutBytes > 0) _write.Add(c.Socket);
            if (!c.CloseAfterWrite && c.OutBytes < _s.MaxStreamBacklogBytes) _read.Add(c.Socket);
        }
        Socket.Select(_read, _write.Count > 0 ? _write : null, null, PollMicros);

        foreach (var s in _read)
        {
            if (ReferenceEquals(s, listener)) { AcceptSome(listener); continue; }
            if (_conns.TryGetValue(s, out var c)) Guard(c, OnReadable);
        }
        foreach (var s in _write)
            if (_conns.TryGetValue(s, out var c)) Guard(c, Flush);
        Housekeeping();
    }

    void Guard(Connection c, Action<Connection> action)
    {
        try
        {
            action(c);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            Close(c);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _errors);
            _log.Warning(ex, "http: fault serving {Client}", c.Client);
            Close(c);
        }
    }

    void AcceptSome(Socket listener)
    {
        for (int i = 0; i < AcceptsPerTurn && listener.Poll(0, SelectMode.SelectRead); i++)
        {
            Socket s;
            try { s = listener.Accept(); }
            catch (SocketException) { return; }
            var client = (s.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
            if (_conns.Count >= _s.MaxConnections || !_limits.TryOpen(client))
            {
                Interlocked.Increment(ref _refused);
                try { s.LingerState = new LingerOption(true, 0); } catch (SocketException) { }
                s.Dispose(); // RST: a refused client costs nothing more
                continue;
            }
            s.Blocking = false;
            s.NoDelay = true;
            var c = new Connection(s, client, ArrayPool<byte>.Shared.Rent(_s.MaxHeaderBytes), _time.GetTimestamp());
            _conns[s] = c;
            Interlocked.Increment(ref _accepted);
            Volatile.Write(ref _open, _conns.Count);
        }
    }

    void OnReadable(Connection c)
    {
        int room = Math.Min(c.Rx.Length, _s.MaxHeaderBytes) - c.RxCount;
        if (room <= 0) { Respond(c, HttpResponse.Text(431, "request head too large"), keepAlive: false, head: false); return; }
        int n = c.Socket.Receive(c.Rx, c.RxCount, room, SocketFlags.None, out var err);
        if (err == SocketError.WouldBlock) return;
        if (err != SocketError.Success || n == 0) { Close(c); return; } // closed by the client
        if (c.EventStream) return; // nothing is read from a stream's client
        if (c.RxCount == 0) c.FirstByteTs = _time.GetTimestamp();
        c.RxCount += n;
        ServeBuffered(c);
    }

    void ServeBuffered(Connection c)
    {
        while (!c.CloseAfterWrite && !c.EventStream && c.RxCount > 0)
        {
            int len = HttpRequestParser.HeadLength(c.Rx.AsSpan(0, c.RxCount));
            if (len < 0)
            {
                if (c.RxCount >= _s.MaxHeaderBytes) Respond(c, HttpResponse.Text(431, "request head too large"), keepAlive: false, head: false);
                return;
            }
            var parsed = HttpRequestParser.Parse(c.Rx.AsSpan(0, len), c.Client);
            Buffer.BlockCopy(c.Rx, len, c.Rx, 0, c.RxCount - len);
            c.RxCount -= len;
            if (c.RxCount > 0) c.FirstByteTs = _time.GetTimestamp();
            Serve(c, parsed);
        }
    }

    void Serve(Connection c, HttpRequestParser.Result parsed)
    {
        if (parsed.Status != 0 || parsed.Head is null)
        {
            Respond(c, HttpResponse.Text(parsed.Status == 0 ? 400 : parsed.Status, parsed.Error), keepAlive: false, head: false);
            return;
        }
        var r = parsed.Head;
        bool keepAlive = parsed.KeepAlive && ++c.Requests < _s.MaxRequestsPerConnection;
        if (!_limits.TryRequest(c.Client))
        {
            Respond(c, HttpResponse.Text(429, "too many requests", "Retry-After: 1\r\n"), keepAlive: false, head: false);
            return;
        }
        if (r.Method is not ("GET" or "HEAD"))
        {
            Respond(c, HttpResponse.Text(405, "read-only: GET and HEAD only", "Allow: GET, HEAD\r\n"), keepAlive: false, head: false);
            return;
        }
        int denied = _access.Check(r);
        if (denied == 401) { Respond(c, HttpResponse.Text(401, "a token is required", HttpAccess.Challenge), keepAlive, head: r.Method == "HEAD"); return; }
        if (denied != 0) { Respond(c, HttpResponse.Text(denied, "use an IP address (or localhost) as host, or set http.tokenFile"), keepAlive: false, head: false); return; }
        var resp = _site.Handle(r);
        if (resp.IsEventStream && r.Method == "GET")
        {
            c.EventStream = true;
            c.EventVersion = 0;
            Respond(c, resp, keepAlive: true, head: true);
            return;
        }
        Respond(c, resp, keepAlive && !resp.IsEventStream, head: r.Method == "HEAD");
    }

    void Respond(Connection c, HttpResponse resp, bool keepAlive, bool head)
    {
        Interlocked.Increment(ref _byStatus[resp.Status is >= 100 and < 600 ? resp.Status : 500]);
        Enqueue(c, resp.Head(keepAlive));
        if (!head && resp.Body.Length > 0) Enqueue(c, resp.Body);
        if (!keepAlive) c.CloseAfterWrite = true;
        Flush(c);
    }

    void Enqueue(Connection c, byte[] buf)
    {
        if (c.OutBytes == 0) c.LastWriteTs = _time.GetTimestamp();
        c.Out.Enqueue(buf);
        c.OutBytes += buf.Length;
    }

    void Flush(Connection c)
    {
        while (c.Out.Count > 0)
        {
            var buf = c.Out.Peek();
            int len = buf.Length - c.OutOffset;
            int n = c.Socket.Send(buf, c.OutOffset, len, SocketFlags.None, out var err);
            if (err == SocketError.WouldBlock) return;
            if (err != SocketError.Success) { Close(c); return; }
            c.LastWriteTs = _time.GetTimestamp();
            c.OutBytes -= n;
            if (n < len) { c.OutOffset += n; return; }
            c.Out.Dequeue();
            c.OutOffset = 0;
        }
        if (c.CloseAfterWrite) { Close(c); return; }
        if (c.RxCount == 0) c.IdleSinceTs = _time.GetTimestamp();
    }

    void Housekeeping()
    {
        long now = _time.GetTimestamp();
        // Under pressure idle connections go first, so the slots serve clients that ask for something.
        var idleLimit = _conns.Count > _s.MaxConnections * 3 / 4 ? TimeSpan.FromSeconds(1) : _s.IdleTimeout;
        _closing.Clear();
        _scan.Clear();
        _scan.AddRange(_conns.Values);
        foreach (var c in _scan)
        {
            if (!_conns.ContainsKey(c.Socket)) continue;
            if (c.OutBytes > 0 && _time.GetElapsedTime(c.LastWriteTs, now) > _s.WriteTimeout)
            {
                Interlocked.Increment(ref _dropped);
                _closing.Add(c);
            }
            else if (c.EventStream)
            {
                if (c.OutBytes >= _s.MaxStreamBacklogBytes) { Interlocked.Increment(ref _dropped); _closing.Add(c); continue; }
                var chunk = _site.NextEvent(ref c.EventVersion);
                if (chunk is not null) { Enqueue(c, chunk); Guard(c, Flush); }
            }
            else if (c.RxCount > 0 && _time.GetElapsedTime(c.FirstByteTs, now) > _s.HeaderTimeout)
            {
                Interlocked.Increment(ref _timeouts);
                Guard(c, x => Respond(x, HttpResponse.Text(408, "the request head did not arrive in time"), keepAlive: false, head: false));
                if (_conns.ContainsKey(c.Socket)) _closing.Add(c); // do not wait for a slow client to read the 408
            }
            else if (c.RxCount == 0 && c.OutBytes == 0 && _time.GetElapsedTime(c.IdleSinceTs, now) > idleLimit)
            {
                Interlocked.Increment(ref _timeouts);
                _closing.Add(c);
            }
        }
        foreach (var c in _closing) Close(c);
    }

    void Close(Connection c)
    {
        if (!_conns.Remove(c.Socket)) return;
        _limits.Closed(c.Client);
        try { c.Socket.Dispose(); } catch (SocketException) { }
        ArrayPool<byte>.Shared.Return(c.Rx);
        c.Out.Clear();
        c.OutBytes = 0;
        c.OutOffset = 0;
        Volatile.Write(ref _open, _conns.Count);
    }

    /// <summary>Stops serving and closes every connection.</summary>
    public void Dispose()
    {
        _stop = true;
        _stopSignal.Set();
        _thread?.Join(TimeSpan.FromSeconds(5));
        _stopSignal.Dispose();
    }
}
