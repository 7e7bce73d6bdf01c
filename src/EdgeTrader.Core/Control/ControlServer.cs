using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Serilog;

namespace EdgeTrader.Control;

/// <summary>
/// The local control socket (Unix stream socket, mode 0660: the service's group may operate it). One JSON request
/// line in, one JSON answer line out, then the connection closes.
/// </summary>
/// <remarks>
/// No client can hold up another, so none can delay an engage: clients are served concurrently; each connection has
/// one deadline (<see cref="RequestDeadline"/>) from accept to a complete request, however it trickles its bytes; at most
/// <see cref="MaxClients"/> connections are open, and a new one closes the oldest instead of waiting for it. Reads
/// are asynchronous (an idle connection holds no thread); the handler runs on a pool thread, off the accept thread,
/// and may be called concurrently; an exception in it is an error answer. The deadline is the client's, never the
/// daemon's: bytes already in the socket are read even when this server got to them late (a starved pool), and a
/// request that was read is answered with what was done however long the handler took (an engage whose state file
/// took 3 s to fsync is still answered ENGAGED, not "no request"); the answer's own send is bounded by
/// <see cref="AnswerDeadline"/>.
/// Nothing here touches the tick path.
/// </remarks>
public sealed class ControlServer : IDisposable
{
    /// <summary>Longest request line read; a longer one is refused (the CLI cuts reasons so its requests stay far below).</summary>
    public const int MaxRequestBytes = 64 * 1024;
    /// <summary>Connections served at once; one more closes the oldest.</summary>
    public const int MaxClients = 64;
    /// <summary>Time from accept to answer a connection gets; a request not complete by then is refused and closed.</summary>
    public static readonly TimeSpan RequestDeadline = TimeSpan.FromSeconds(2);
    /// <summary>Time the answer's send may take once the request was handled; a client that does not read is then closed.</summary>
    public static readonly TimeSpan AnswerDeadline = TimeSpan.FromSeconds(2);

    readonly string _path;
    readonly Func<ControlRequest, string> _handler;
    readonly ILogger _log;
    readonly TimeProvider _time;
    readonly Socket _listener;
    readonly Thread _thread;
    readonly LinkedList<Connection> _open = new(); // in accept order, under _gate
    readonly object _gate = new();
    volatile bool _stopping;

    /// <summary>One client: its socket, its deadline, and why it was cut short.</summary>
    sealed class Connection(Socket socket, CancellationTokenSource deadline)
    {
        public readonly Socket Socket = socket;
        public readonly CancellationTokenSource Deadline = deadline;
        public LinkedListNode<Connection>? Node;
        public volatile bool Evicted;

        /// <summary>Ends its wait for bytes: evicted or stopping (no answer), not its deadline (an error answer).</summary>
        public void Evict()
        {
            Evicted = true;
            // Off the calling (accept) thread: the evicted read's cancellation must not run on it, or the newest
            // client, the one that made room, would wait for it (the first exception of a process costs ~0.5 s).
            try { _ = Deadline.CancelAsync(); } catch (ObjectDisposedException) { } // it finished meanwhile
        }
    }

    /// <summary>Binds <paramref name="path"/> (replacing a stale socket file) and starts serving.</summary>
    /// <param name="path">Socket path.</param>
    /// <param name="handler">Answers one request; called concurrently.</param>
    /// <param name="log">Log.</param>
    /// <param name="time">Clock of the request deadlines.</param>
    public ControlServer(string path, Func<ControlRequest, string> handler, ILogger log, TimeProvider? time = null)
    {
        _path = path;
        _handler = handler;
        _log = log.ForContext<ControlServer>();
        _time = time ?? TimeProvider.System;
        var dir = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        if (File.Exists(path)) ThrowIfLive(path);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        _listener.Listen(512); // a burst of clients waits in the kernel's queue while the accept thread hands them off
        _thread = new Thread(AcceptLoop) { IsBackground = true, Name = "control" };
        _thread.Start();
    }

    static void ThrowIfLive(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path); // stale file of a dead daemon
            return;
        }
        throw new IOException($"another daemon is serving the control socket {path}");
    }

    void AcceptLoop()
    {
        while (!_stopping)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (Exception) when (_stopping)
            {
                return;
            }
            catch (SocketException ex)
            {
                _log.Warning("control socket accept failed: {Error}", ex.Message);
                continue;
            }
            var c = new Connection(client, new CancellationTokenSource(RequestDeadline, _time));
            Connection? oldest = null;
            lock (_gate)
            {
                if (_open.Count >= MaxClients)
                {
                    oldest = _open.First!.Value;
                    _open.RemoveFirst();
                    oldest.Node = null;
                }
                c.Node = _open.AddLast(c);
            }
            if (oldest is not null)
            {
                oldest.Evict();
                _log.Debug("control socket: {Max} clients open, closed the oldest", MaxClients);
            }
            // Reads wait in the socket engine, not on a thread: an idle or trickling client costs no thread, and the
            // accept loop is back at accept() at once.
            _ = ServeAsync(c);
        }
    }

    async Task ServeAsync(Connection c)
    {
        await Task.Yield(); // off the accept thread
        var token = c.Deadline.Token;
        try
        {
            string answer;
            var (line, problem) = await ReadLineAsync(c.Socket, token).ConfigureAwait(false);
            if (problem is not null) answer = Error(problem);
            else if (ControlRequest.TryParse(line, out string error) is not { } request) answer = Error(error);
            else answer = await HandleOnItsOwnThread(request).ConfigureAwait(false);
            await SendAnswerAsync(c, answer).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!c.Evicted && !_stopping)
        {
            // The deadline: say so (best effort, without waiting: the client may not read), then close.
            try
            {
                c.Socket.Blocking = false;
                c.Socket.Send(Encoding.UTF8.GetBytes(Error($"no complete request within the {RequestDeadline.TotalMilliseconds:0} ms deadline") + "\n"), SocketFlags.None, out _);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException) { }
            _log.Debug("control client cut at the request deadline");
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            _log.Debug("control client went away: {Error}", ex.Message);
        }
        finally
        {
            lock (_gate)
            {
                if (c.Node is not null) _open.Remove(c.Node);
                c.Node = null;
            }
            c.Socket.Dispose();
            c.Deadline.Dispose();
        }
    }

    /// <summary>Sends the answer under its own bound: the request deadline may have passed while the handler worked.</summary>
    async Task SendAnswerAsync(Connection c, string answer)
    {
        using var bound = new CancellationTokenSource(AnswerDeadline, _time);
        using var evicted = CancellationTokenSource.CreateLinkedTokenSource(bound.Token);
        using (c.Deadline.Token.Register(() => { if (c.Evicted || _stopping) evicted.Cancel(); }))
        {
            try
            {
                await c.Socket.SendAsync(Encoding.UTF8.GetBytes(answer + "\n"), SocketFlags.None, evicted.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (bound.IsCancellationRequested)
            {
                _log.Debug("control client did not read its answer within {Ms} ms", AnswerDeadline.TotalMilliseconds);
            }
        }
    }

    // A handler may block (engage and reset take the breaker's lock); on the shared pool a few blocked calls would
    // starve everything else that runs there, this server's reads included. Its own thread cannot.
    Task<string> HandleOnItsOwnThread(ControlRequest request)
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() => done.SetResult(Handle(request))) { IsBackground = true, Name = "control-command" }.Start();
        return done.Task;
    }

    string Handle(ControlRequest request)
    {
        try
        {
            return _handler(request);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _log.Error(ex, "control command {Command} failed", request.Command);
            return Error($"{request.Command} failed: {ex.Message}");
        }
    }

    /// <summary>The bytes up to the first newline (or the end of the stream); or why there is no request.</summary>
    internal static async ValueTask<(ReadOnlyMemory<byte> Line, string? Problem)> ReadLineAsync(Socket s, CancellationToken token)
    {
        var buf = new byte[4096];
        int n = 0;
        while (true)
        {
            if (n == buf.Length)
            {
                if (buf.Length > MaxRequestBytes) return (default, $"request longer than {MaxRequestBytes} bytes: nothing was done");
                Array.Resize(ref buf, Math.Min(buf.Length * 2, MaxRequestBytes + 1));
            }
            // What is already in the socket is read whatever the deadline says: only waiting for bytes is bounded.
            int r = s.Available > 0 && ReadyNow(s, buf.AsSpan(n), out int got) ? got
                : await s.ReceiveAsync(buf.AsMemory(n), SocketFlags.None, token).ConfigureAwait(false);
            if (r == 0) break;
            int nl = Array.IndexOf(buf, (byte)'\n', n, r);
            n += r;
            if (nl >= 0)
            {
                n = nl;
                break;
            }
        }
        if (n > MaxRequestBytes) return (default, $"request longer than {MaxRequestBytes} bytes: nothing was done");
        if (n == 0) return (default, "the request must be one JSON line {\"command\":\"status|engage|reset\"}");
        return (buf.AsMemory(0, n), null);
    }

    // Bytes are available, so this receive returns at once with (some of) them.
    static bool ReadyNow(Socket s, Span<byte> into, out int got)
    {
        got = s.Receive(into, SocketFlags.None, out SocketError e);
        return e == SocketError.Success;
    }

    /// <summary>A JSON error answer line.</summary>
    public static string Error(string message)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", false);
            w.WriteString("error", message);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Stops accepting, closes open connections and removes the socket file.</summary>
    public void Dispose()
    {
        _stopping = true;
        try { _listener.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
        _listener.Dispose();
        _thread.Join(TimeSpan.FromSeconds(2));
        Connection[] open;
        lock (_gate) open = [.. _open];
        foreach (var c in open) c.Evict();
        try { File.Delete(_path); } catch (IOException) { }
    }
}
