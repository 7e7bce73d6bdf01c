using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeTrader.Configuration;

/// <summary>
/// The ZeroMQ endpoints the daemon can connect to: <c>tcp://host:port</c> (host a name, an IPv4 address or an
/// [IPv6] address; port 1-65535) and <c>ipc://path</c> (a Unix socket path, or <c>@name</c> for an abstract one).
/// Stricter than libzmq, which also takes port 0, ports above 65535 and an empty host, and then never connects.
/// <c>inproc://</c> is refused: it cannot reach a bridge or gateway in another process.
/// </summary>
public static class ZmqEndpoint
{
    /// <summary>Bytes of sun_path a Unix socket path may use (108 with the terminating NUL).</summary>
    public const int MaxIpcPathBytes = 107;

    /// <summary>Null when <paramref name="endpoint"/> is usable; otherwise why not.</summary>
    public static string? Problem(string? endpoint)
    {
        const string forms = "tcp://host:port (port 1-65535) or ipc:///path";
        if (string.IsNullOrEmpty(endpoint)) return $"is empty; a ZeroMQ endpoint is {forms}";
        string bad = $"'{endpoint}' is not a ZeroMQ endpoint the daemon can connect to ({forms})";
        if (endpoint.StartsWith("tcp://", StringComparison.Ordinal)) return Tcp(endpoint["tcp://".Length..]) is { } why ? $"{bad}: {why}" : null;
        if (endpoint.StartsWith("ipc://", StringComparison.Ordinal)) return Ipc(endpoint["ipc://".Length..]) is { } why ? $"{bad}: {why}" : null;
        if (endpoint.StartsWith("inproc://", StringComparison.Ordinal)) return $"{bad}: inproc:// cannot reach another process";
        return bad;
    }

    /// <summary>
    /// Null when NetMQ (<c>bridge.transport</c> "netmq") reaches <paramref name="endpoint"/> (already valid by
    /// <see cref="Problem"/>) as libzmq would; otherwise why not. NetMQ's ipc:// is TCP to a loopback port derived
    /// from the path, never the Unix socket a libzmq peer binds (and possibly some other local service's port); and it
    /// resolves a host name once, at connect, reconnecting to that address for ever, where libzmq resolves again at
    /// every reconnect. So only tcp:// to an IP address means the same thing to both.
    /// </summary>
    public static string? NetMqProblem(string endpoint)
    {
        const string fix = "use tcp://<IP address>:port, or bridge.transport \"libzmq\"";
        if (endpoint.StartsWith("ipc://", StringComparison.Ordinal))
            return $"'{endpoint}': with bridge.transport \"netmq\" ipc:// is TCP to a loopback port derived from the path, never the Unix socket a libzmq peer binds; {fix}";
        string rest = endpoint["tcp://".Length..];
        string host = rest[..rest.LastIndexOf(':')];
        if (host.StartsWith('[')) host = host[1..^1];
        return IPAddress.TryParse(host, out _) ? null
            : $"'{endpoint}': with bridge.transport \"netmq\" the host name '{host}' would be resolved once, at start, and that address used for every reconnect; {fix}";
    }

    static string? Tcp(string rest)
    {
        int colon = rest.LastIndexOf(':');
        if (colon < 0) return "no port";
        string host = rest[..colon], port = rest[(colon + 1)..];
        if (port.Length == 0 || port.Length > 5 || !port.All(char.IsAsciiDigit)) return $"port '{port}' is not a number 1-65535";
        int p = int.Parse(port, NumberStyles.None, CultureInfo.InvariantCulture);
        if (p is < 1 or > 65535) return $"port {p} is not 1-65535";
        if (host.Length == 0) return "no host";
        if (host.StartsWith('['))
        {
            if (!host.EndsWith(']')) return $"host '{host}' lacks its closing ']'";
            return IPAddress.TryParse(host[1..^1], out var a) && a.AddressFamily == AddressFamily.InterNetworkV6 ? null : $"'{host}' is not an IPv6 address";
        }
        if (host.Contains(':')) return $"an IPv6 host goes in brackets, e.g. tcp://[::1]:{p}";
        return HostName(host) ? null : $"host '{host}' is not a host name or an IPv4 address";
    }

    // RFC 1123 names; an IPv4 address is one of them syntactically, but its parts must be 0-255.
    static bool HostName(string host)
    {
        if (host.Length > 253) return false;
        var labels = host.Split('.');
        if (labels.All(l => l.Length > 0 && l.All(char.IsAsciiDigit)))
            return labels.Length == 4 && labels.All(l => l.Length <= 3 && int.Parse(l, CultureInfo.InvariantCulture) <= 255);
        return labels.All(l => l.Length is > 0 and <= 63 && l[0] != '-' && l[^1] != '-' && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
    }

    static string? Ipc(string path)
    {
        if (path.Length == 0 || path == "@") return "no path";
        if (path.Contains('\0')) return "the path holds a NUL";
        int bytes = Encoding.UTF8.GetByteCount(path);
        return bytes > MaxIpcPathBytes ? $"the path is {bytes} bytes; a Unix socket path may have {MaxIpcPathBytes}" : null;
    }
}
