using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace EdgeTrader.Web;

/// <summary>
/// Who may read: an optional bearer token (dedicated to the read-only surfaces), compared in constant time and
/// accepted as <c>Authorization: Bearer TOKEN</c> or as the password of Basic auth (what a browser prompts for;
/// any user name). Without a token, only IP literals and <c>localhost</c> are accepted as Host, so a web page
/// elsewhere cannot read the surfaces through DNS rebinding.
/// </summary>
public sealed class HttpAccess
{
    readonly byte[]? _token;

    /// <summary>The header a 401 carries: browsers prompt for Basic, scrapers send Bearer.</summary>
    public const string Challenge = "WWW-Authenticate: Basic realm=\"edgetrader\", charset=\"UTF-8\"\r\nWWW-Authenticate: Bearer realm=\"edgetrader\"\r\n";

    /// <summary>Access with an optional token (null or empty: open, subject to the Host rule).</summary>
    public HttpAccess(string? token)
    {
        _token = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes(token);
    }

    /// <summary>True when a token guards the surfaces.</summary>
    public bool TokenRequired => _token is not null;

    /// <summary>0 when the request may be answered; otherwise the status to answer instead (401, 421).</summary>
    public int Check(HttpRequestHead r)
    {
        if (_token is not null) return HasToken(r.Authorization) ? 0 : 401;
        return IsLiteralHost(r.Host) ? 0 : 421;
    }

    bool HasToken(string? authorization)
    {
        if (authorization is null || _token is null) return false;
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Same(Encoding.UTF8.GetBytes(authorization[7..].Trim()));
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            Span<byte> decoded = stackalloc byte[512];
            var b64 = authorization[6..].Trim();
            if (b64.Length > 680 || !Convert.TryFromBase64String(b64, decoded, out int n)) return false;
            int colon = decoded[..n].IndexOf((byte)':');
            return colon >= 0 && Same(decoded[(colon + 1)..n]);
        }
        return false;
    }

    bool Same(ReadOnlySpan<byte> presented) =>
        presented.Length == _token!.Length && CryptographicOperations.FixedTimeEquals(presented, _token);

    /// <summary>True for a Host header that names an IP address or localhost (with or without a port), or none (HTTP/1.0).</summary>
    public static bool IsLiteralHost(string? host)
    {
        if (host is null) return true;
        string h = host;
        if (h.StartsWith('['))
        {
            int close = h.IndexOf(']');
            return close > 0 && IPAddress.TryParse(h[1..close], out _) && (close == h.Length - 1 || h[close + 1] == ':');
        }
        int colon = h.LastIndexOf(':');
        if (colon >= 0) h = h[..colon];
        return h.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(h, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
    }
}

/// <summary>
/// Per-client-address limits: a token bucket of requests (rate per second, bursts of twice that) and a cap on open
/// connections. Used by the server's one thread only.
/// </summary>
public sealed class ClientLimits(int requestsPerSecond, int connectionsPerClient, TimeProvider time)
{
    const int MaxTracked = 4096;
    readonly Dictionary<IPAddress, Bucket> _buckets = [];
    readonly Dictionary<IPAddress, int> _connections = [];
    readonly double _burst = 2.0 * requestsPerSecond;

    sealed class Bucket
    {
        public double Tokens;
        public long Ts;
    }

    /// <summary>Takes one request token; false when the client is over its rate.</summary>
    public bool TryRequest(IPAddress client)
    {
        long now = time.GetTimestamp();
        if (!_buckets.TryGetValue(client, out var b))
        {
            if (_buckets.Count >= MaxTracked) _buckets.Clear(); // a flood of addresses forgets, it does not grow
            b = new Bucket { Tokens = _burst, Ts = now };
            _buckets[client] = b;
        }
        b.Tokens = Math.Min(_burst, b.Tokens + time.GetElapsedTime(b.Ts, now).TotalSeconds * requestsPerSecond);
        b.Ts = now;
        if (b.Tokens < 1) return false;
        b.Tokens -= 1;
        return true;
    }

    /// <summary>Counts a new connection; false (not counted) when the client already has its maximum.</summary>
    public bool TryOpen(IPAddress client)
    {
        _connections.TryGetValue(client, out int n);
        if (n >= connectionsPerClient) return false;
        _connections[client] = n + 1;
        return true;
    }

    /// <summary>A connection counted by <see cref="TryOpen"/> closed.</summary>
    public void Closed(IPAddress client)
    {
        if (!_connections.TryGetValue(client, out int n)) return;
        if (n <= 1) _connections.Remove(client); else _connections[client] = n - 1;
    }
}
