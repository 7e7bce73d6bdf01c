using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Serilog;

namespace EdgeTrader.Control;

/// <summary>A request on the control socket: one JSON line <c>{"command":"status|engage|reset","reason":"..."}</c>.</summary>
/// <param name="Command">status, engage or reset.</param>
/// <param name="Reason">Free text for engage/reset.</param>
public sealed record ControlRequest(string Command, string? Reason);

/// <summary>
/// The local control socket (Unix stream socket, mode 0660: the service's group may operate it). One JSON request
/// line in, one JSON response line out, then the connection closes. Requests are served one at a time on its own
/// thread, so a slow client cannot touch the tick path.
/// </summary>
public sealed class ControlServer : IDisposable
{
    const int MaxRequestBytes = 4096;
    readonly string _path;
    readonly Func<ControlRequest, string> _handler;
    readonly ILogger _log;
    readonly Socket _listener;
    readonly Thread _thread;
    volatile bool _stopping;

    /// <summary>Binds <paramref name="path"/> (replacing a stale socket file) and starts serving.</summary>
    public ControlServer(string path, Func<ControlRequest, string> handler, ILogger log)
    {
        _path = path;
        _handler = handler;
        _log = log.ForContext<ControlServer>();
        var dir = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        if (File.Exists(path)) ThrowIfLive(path);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        _listener.Listen(16);
        _thread = new Thread(Serve) { IsBackground = true, Name = "control" };
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

    void Serve()
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
            using (client)
            {
                try
                {
                    client.ReceiveTimeout = 2000;
                    client.SendTimeout = 2000;
                    var request = ReadLine(client);
                    string response = request is null
                        ? Error("the request must be one JSON line {\"command\":\"status|engage|reset\"}")
                        : Parse(request) is { } req ? _handler(req) : Error("unreadable request");
                    client.Send(Encoding.UTF8.GetBytes(response + "\n"));
                }
                catch (Exception ex) when (ex is SocketException or IOException)
                {
                    _log.Debug("control client went away: {Error}", ex.Message);
                }
            }
        }
    }

    static string? ReadLine(Socket s)
    {
        var buf = new byte[MaxRequestBytes];
        int n = 0;
        while (n < buf.Length)
        {
            int r = s.Receive(buf, n, buf.Length - n, SocketFlags.None);
            if (r == 0) break;
            int nl = Array.IndexOf(buf, (byte)'\n', n, r);
            n += r;
            if (nl >= 0) { n = nl; break; }
        }
        return n == 0 ? null : Encoding.UTF8.GetString(buf, 0, n);
    }

    static ControlRequest? Parse(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            if (!doc.RootElement.TryGetProperty("command", out var c) || c.ValueKind != JsonValueKind.String) return null;
            string? reason = doc.RootElement.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            return new ControlRequest(c.GetString()!, reason);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A JSON error response line.</summary>
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

    /// <summary>Stops serving and removes the socket file.</summary>
    public void Dispose()
    {
        _stopping = true;
        try { _listener.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
        _listener.Dispose();
        _thread.Join(TimeSpan.FromSeconds(2));
        try { File.Delete(_path); } catch (IOException) { }
    }
}

/// <summary>The CLI side of the control socket.</summary>
public static class ControlClient
{
    /// <summary>Sends one request and returns the response line; throws <see cref="SocketException"/> when no daemon answers.</summary>
    public static string Call(string socketPath, ControlRequest request, TimeSpan timeout)
    {
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        s.SendTimeout = (int)timeout.TotalMilliseconds;
        s.Connect(new UnixDomainSocketEndPoint(socketPath));
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("command", request.Command);
            if (request.Reason is not null) w.WriteString("reason", request.Reason);
            w.WriteEndObject();
        }
        ms.WriteByte((byte)'\n');
        s.Send(ms.ToArray());
        var buf = new byte[1 << 16];
        int n = 0;
        while (n < buf.Length)
        {
            int r = s.Receive(buf, n, buf.Length - n, SocketFlags.None);
            if (r == 0) break;
            n += r;
            if (buf.AsSpan(0, n).IndexOf((byte)'\n') >= 0) break;
        }
        return Encoding.UTF8.GetString(buf, 0, n).TrimEnd('\n');
    }
}
