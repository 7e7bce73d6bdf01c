using System.Globalization;
using System.Net;

namespace EdgeTrader.Configuration;

/// <summary>
/// The read-only HTTP surfaces: <c>/metrics</c> (Prometheus), the status page at <c>/</c>, <c>/healthz</c>. Nothing
/// served over HTTP can engage, reset or change anything.
/// </summary>
public sealed record HttpOptions
{
    /// <summary>False: no HTTP listener at all.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>IP address and port to listen on; loopback by default. Port 0 takes any free port (status shows it).</summary>
    public string Listen { get; set; } = "127.0.0.1:9464";
    /// <summary>
    /// File whose first line is a bearer token (at least 16 characters). When set, the page, /metrics and /healthz answer
    /// only requests that carry it ("Authorization: Bearer TOKEN", or Basic auth with the token as password, which
    /// browsers prompt for). Dedicated to these read-only surfaces: no other credential opens them.
    /// </summary>
    public string TokenFile { get; set; } = "";
    /// <summary>True: the page, /status.json and /metrics also show positions and P&amp;L (off by default: the HTTP surfaces
    /// are for the state, not the book; one token opens them all).</summary>
    public bool ShowTrading { get; set; }
    /// <summary>Open connections served at once; more are closed at accept.</summary>
    public int MaxConnections { get; set; } = 256;
    /// <summary>Requests per second one client address may make (bursts of twice that); more get 429.</summary>
    public int RequestsPerSecond { get; set; } = 20;

    /// <summary>Shortest token accepted.</summary>
    public const int MinTokenLength = 16;

    /// <summary>Parses <see cref="Listen"/>: an IP literal and a port, "[v6]:port" for IPv6.</summary>
    public static bool TryParseListen(string? value, out IPEndPoint endpoint)
    {
        endpoint = new IPEndPoint(IPAddress.Loopback, 0);
        if (string.IsNullOrWhiteSpace(value)) return false;
        int colon = value.LastIndexOf(':');
        if (colon <= 0) return false;
        var host = value[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        else if (host.Contains(':')) return false; // IPv6 needs brackets
        if (!IPAddress.TryParse(host, out var ip)) return false;
        if (!int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535) return false;
        endpoint = new IPEndPoint(ip, port);
        return true;
    }

    /// <summary>The token in <see cref="TokenFile"/>: its first line, trimmed.</summary>
    public static string ReadToken(string path)
    {
        using var r = new StreamReader(path);
        return (r.ReadLine() ?? "").Trim();
    }

    /// <summary>Checks the http section; every message names its key.</summary>
    public static void Validate(HttpOptions h, Action<string, string> err)
    {
        if (!h.Enabled) return;
        if (!TryParseListen(h.Listen, out _))
            err("http.listen", $"'{h.Listen}' is not an IP address and port (e.g. 127.0.0.1:9464, [::1]:9464, 0.0.0.0:9464)");
        if (h.MaxConnections is < 1 or > 10_000) err("http.maxConnections", $"must be 1-10000 (is {h.MaxConnections})");
        if (h.RequestsPerSecond is < 1 or > 100_000) err("http.requestsPerSecond", $"must be 1-100000 (is {h.RequestsPerSecond})");
        if (!string.IsNullOrEmpty(h.TokenFile))
        {
            string token;
            try { token = ReadToken(h.TokenFile); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                err("http.tokenFile", $"file '{h.TokenFile}' cannot be read ({ex.Message})");
                return;
            }
            if (token.Length < MinTokenLength) err("http.tokenFile", $"the token in '{h.TokenFile}' is shorter than {MinTokenLength} characters");
            else if (token.Any(c => c <= ' ' || c > '~')) err("http.tokenFile", "the token must be printable ASCII without spaces");
        }
    }
}
