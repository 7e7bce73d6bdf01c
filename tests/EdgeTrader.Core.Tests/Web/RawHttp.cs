using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeTrader.Tests.Web;

/// <summary>A raw HTTP/1.1 client over a real socket: sends exactly the bytes a test writes, reads responses.</summary>
internal sealed class RawHttp : IDisposable
{
    readonly Socket _s;
    readonly byte[] _buf = new byte[1 << 20];
    int _have;

    public RawHttp(IPEndPoint server, IPAddress? from = null)
    {
        _s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 5000, SendTimeout = 5000 };
        if (from is not null) _s.Bind(new IPEndPoint(from, 0));
        _s.Connect(server);
    }

    public Socket Socket => _s;

    public void Send(string text) => _s.Send(Encoding.ASCII.GetBytes(text));

    public void Send(byte[] bytes) => _s.Send(bytes);

    public static string Get(string path, string? extra = null, string host = "127.0.0.1") =>
        $"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n";

    /// <summary>One response: status, headers (lower-case names), body (by Content-Length; none for a stream).</summary>
    public (int Status, Dictionary<string, string> Headers, string Body) Read()
    {
        int headEnd;
        while ((headEnd = IndexOf("\r\n\r\n"u8)) < 0) Fill();
        var head = Encoding.ASCII.GetString(_buf, 0, headEnd);
        var lines = head.Split("\r\n");
        int status = int.Parse(lines[0].Split(' ')[1]);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var l in lines.Skip(1))
        {
            int c = l.IndexOf(':');
            var name = l[..c].Trim();
            headers[name] = headers.TryGetValue(name, out var prev) ? prev + ", " + l[(c + 1)..].Trim() : l[(c + 1)..].Trim();
        }
        int start = headEnd + 4;
        int len = headers.TryGetValue("content-length", out var cl) ? int.Parse(cl) : 0;
        while (_have < start + len) Fill();
        var body = Encoding.UTF8.GetString(_buf, start, len);
        Consume(start + len);
        return (status, headers, body);
    }

    /// <summary>Reads until the peer closes; returns what came (true) or false when it stayed open past the timeout.</summary>
    public bool ClosedWithin(TimeSpan timeout)
    {
        _s.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        try
        {
            while (true)
            {
                int n = _s.Receive(_buf, _have, _buf.Length - _have, SocketFlags.None);
                if (n == 0) return true;
                _have += n;
                if (_have == _buf.Length) _have = 0;
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut) { return false; }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset) { return true; }
    }

    /// <summary>Bytes received after the last complete response (an event stream's data).</summary>
    public string ReadAvailable(TimeSpan wait)
    {
        _s.ReceiveTimeout = (int)wait.TotalMilliseconds;
        try { Fill(); } catch (SocketException) { }
        var s = Encoding.UTF8.GetString(_buf, 0, _have);
        _have = 0;
        return s;
    }

    void Fill()
    {
        int n = _s.Receive(_buf, _have, _buf.Length - _have, SocketFlags.None);
        if (n == 0) throw new IOException("closed by the server");
        _have += n;
    }

    int IndexOf(ReadOnlySpan<byte> needle) => _buf.AsSpan(0, _have).IndexOf(needle);

    void Consume(int n)
    {
        Buffer.BlockCopy(_buf, n, _buf, 0, _have - n);
        _have -= n;
    }

    public void Dispose() => _s.Dispose();
}
