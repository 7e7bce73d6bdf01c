using System.Net.Sockets;
using System.Text;

namespace EdgeTrader.Control;

/// <summary>The CLI side of the control socket.</summary>
public static class ControlClient
{
    const int MaxAnswerBytes = 4 << 20;

    /// <summary>Sends one request and returns the answer line; throws <see cref="SocketException"/> when no daemon answers in time.</summary>
    public static string Call(string socketPath, ControlRequest request, TimeSpan timeout)
    {
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        s.SendTimeout = (int)timeout.TotalMilliseconds;
        s.Connect(new UnixDomainSocketEndPoint(socketPath));
        s.Send(request.ToLine());
        var buf = new byte[64 * 1024];
        int n = 0;
        while (true)
        {
            if (n == buf.Length)
            {
                if (buf.Length >= MaxAnswerBytes) break;
                Array.Resize(ref buf, buf.Length * 2);
            }
            int r = s.Receive(buf, n, buf.Length - n, SocketFlags.None);
            if (r == 0) break;
            n += r;
            if (buf.AsSpan(n - r, r).IndexOf((byte)'\n') >= 0) break;
        }
        return Encoding.UTF8.GetString(buf, 0, n).TrimEnd('\n');
    }
}
