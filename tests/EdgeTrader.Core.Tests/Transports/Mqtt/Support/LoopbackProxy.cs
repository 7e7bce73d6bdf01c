using System.Net;
using System.Net.Sockets;

namespace EdgeTrader.Tests.Transports.Mqtt.Support;

/// <summary>
/// A TCP forwarder on a free 127.0.0.1 port in front of a broker, to break the path the way networks break it:
/// <see cref="CutAll"/> resets every connection (both ends see it end, without DISCONNECT), <see cref="Freeze"/> stops
/// forwarding while keeping every socket open (a silent broker, a half-open link).
/// </summary>
internal sealed class LoopbackProxy : IDisposable
{
    readonly TcpListener _listener;
    readonly int _targetPort;
    readonly object _lock = new();
    readonly List<(Socket Client, Socket Upstream)> _pairs = [];
    readonly CancellationTokenSource _stop = new();
    volatile TaskCompletionSource _thawed = Thawed();
    int _accepted;

    LoopbackProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoop();
    }

    /// <summary>Where nodes connect.</summary>
    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Forwards 127.0.0.1:<see cref="Port"/> to 127.0.0.1:<paramref name="targetPort"/>.</summary>
    public static LoopbackProxy Start(int targetPort) => new(targetPort);

    static TaskCompletionSource Thawed()
    {
        var t = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        t.SetResult();
        return t;
    }

    /// <summary>Resets every open connection (RST to both ends); new connections are accepted as before.</summary>
    public void CutAll()
    {
        List<(Socket, Socket)> pairs;
        lock (_lock)
        {
            pairs = [.. _pairs];
            _pairs.Clear();
        }
        foreach (var (a, b) in pairs)
        {
            Abort(a);
            Abort(b);
        }
    }

    static void Abort(Socket s)
    {
        try
        {
            s.LingerState = new LingerOption(true, 0);
            s.Close();
        }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    /// <summary>Stops forwarding in both directions; sockets stay open, bytes wait in the kernel.</summary>
    public void Freeze() => _thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Forwards again.</summary>
    public void Thaw() => _thawed.TrySetResult();

    async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            }
            catch (Exception)
            {
                client.Close();
                upstream.Dispose();
                continue;
            }
            lock (_lock) _pairs.Add((client, upstream));
            _ = Pump(client, upstream);
            _ = Pump(upstream, client);
        }
    }

    async Task Pump(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                await _thawed.Task.WaitAsync(_stop.Token);
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0) break;
                await _thawed.Task.WaitAsync(_stop.Token);
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception)
        {
            // A cut or a reset on one side resets the other, as a broken path would.
            Abort(to);
            Abort(from);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        CutAll();
    }
}
