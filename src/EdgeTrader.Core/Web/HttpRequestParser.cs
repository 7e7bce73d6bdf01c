using System.Net;
using System.Text;

namespace EdgeTrader.Web;

/// <summary>
/// Parses one HTTP/1.x request head (request line and headers, up to the blank line), strictly: what it does not
/// understand is refused with a status code, never guessed at. Requests with a body are refused (nothing here takes
/// input), so request smuggling through Content-Length/Transfer-Encoding has nothing to work with.
/// </summary>
public static class HttpRequestParser
{
    /// <summary>Longest request target.</summary>
    public const int MaxTargetBytes = 2048;
    /// <summary>Most header lines.</summary>
    public const int MaxHeaders = 64;

    /// <summary>The outcome of parsing one head.</summary>
    /// <param name="Status">0 when the request can be served, else the error status to answer (and close).</param>
    /// <param name="Head">The request, when Status is 0.</param>
    /// <param name="KeepAlive">Whether the client allows the connection to stay open.</param>
    /// <param name="Error">Why, when Status is not 0.</param>
    public readonly record struct Result(int Status, HttpRequestHead? Head, bool KeepAlive, string Error);

    /// <summary>Index just past the blank line that ends a head in <paramref name="buffer"/>, or -1 while incomplete.</summary>
    public static int HeadLength(ReadOnlySpan<byte> buffer)
    {
        int i = buffer.IndexOf("\r\n\r\n"u8);
        return i < 0 ? -1 : i + 4;
    }

    /// <summary>Parses a complete head (as delimited by <see cref="HeadLength"/>).</summary>
    public static Result Parse(ReadOnlySpan<byte> head, IPAddress client)
    {
        int lineEnd = head.IndexOf("\r\n"u8);
        if (lineEnd <= 0) return Fail(400, "empty request line");
        var line = head[..lineEnd];

        int sp1 = line.IndexOf((byte)' ');
        if (sp1 <= 0 || sp1 > 16) return Fail(400, "malformed request line");
        var method = line[..sp1];
        foreach (byte b in method) if (b is < (byte)'A' or > (byte)'Z') return Fail(400, "malformed method");
        var rest = line[(sp1 + 1)..];
        int sp2 = rest.IndexOf((byte)' ');
        if (sp2 <= 0) return Fail(400, "malformed request line");
        var target = rest[..sp2];
        var version = rest[(sp2 + 1)..];
        if (target.Length > MaxTargetBytes) return Fail(414, "request target too long");
        bool http11;
        if (version.SequenceEqual("HTTP/1.1"u8)) http11 = true;
        else if (version.SequenceEqual("HTTP/1.0"u8)) http11 = false;
        else if (version.StartsWith("HTTP/"u8)) return Fail(505, "only HTTP/1.0 and HTTP/1.1");
        else return Fail(400, "malformed request line");
        if (target.Length == 0 || target[0] != (byte)'/') return Fail(400, "the target must be a path");
        foreach (byte b in target) if (b <= 0x20 || b >= 0x7F) return Fail(400, "invalid character in the target");

        string? host = null, auth = null;
        bool keepAlive = http11;
        int headers = 0;
        var pos = lineEnd + 2;
        while (pos < head.Length)
        {
            var remaining = head[pos..];
            int end = remaining.IndexOf("\r\n"u8);
            if (end < 0) return Fail(400, "unterminated header line");
            if (end == 0) break; // blank line: end of head
            var h = remaining[..end];
            pos += end + 2;
            if (++headers > MaxHeaders) return Fail(431, "too many header lines");
            if (h[0] is (byte)' ' or (byte)'\t') return Fail(400, "folded header lines are not accepted");
            int colon = h.IndexOf((byte)':');
            if (colon <= 0) return Fail(400, "malformed header line");
            var name = h[..colon];
            foreach (byte b in name) if (!IsTokenChar(b)) return Fail(400, "malformed header name");
            var value = Trim(h[(colon + 1)..]);
            foreach (byte b in value) if ((b < 0x20 && b != (byte)'\t') || b == 0x7F) return Fail(400, "control character in a header value");

            if (Is(name, "host"u8))
            {
                if (host is not null) return Fail(400, "two Host headers");
                host = Encoding.ASCII.GetString(value);
            }
            else if (Is(name, "authorization"u8))
            {
                if (auth is not null) return Fail(400, "two Authorization headers");
                auth = Encoding.ASCII.GetString(value);
            }
            else if (Is(name, "content-length"u8))
            {
                if (!value.SequenceEqual("0"u8)) return Fail(413, "requests with a body are not accepted");
            }
            else if (Is(name, "transfer-encoding"u8)) return Fail(413, "requests with a body are not accepted");
            else if (Is(name, "connection"u8))
            {
                if (ContainsToken(value, "close"u8)) keepAlive = false;
                else if (ContainsToken(value, "keep-alive"u8)) keepAlive = true;
            }
        }
        if (http11 && host is null) return Fail(400, "HTTP/1.1 requires a Host header");

        string targetText = Encoding.ASCII.GetString(target);
        int q = targetText.IndexOf('?');
        string path = q < 0 ? targetText : targetText[..q];
        string query = q < 0 ? "" : targetText[(q + 1)..];
        string m = method.SequenceEqual("GET"u8) ? "GET" : method.SequenceEqual("HEAD"u8) ? "HEAD" : Encoding.ASCII.GetString(method);
        return new Result(0, new HttpRequestHead(m, path, query, host, auth, client), keepAlive, "");
    }

    static Result Fail(int status, string why) => new(status, null, false, why);

    static bool IsTokenChar(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+'
            or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~';

    static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        int a = 0, b = s.Length;
        while (a < b && s[a] is (byte)' ' or (byte)'\t') a++;
        while (b > a && s[b - 1] is (byte)' ' or (byte)'\t') b--;
        return s[a..b];
    }

    static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> lower)
    {
        if (name.Length != lower.Length) return false;
        for (int i = 0; i < name.Length; i++)
        {
            byte c = name[i];
            if (c is >= (byte)'A' and <= (byte)'Z') c = (byte)(c | 0x20);
            if (c != lower[i]) return false;
        }
        return true;
    }

    static bool ContainsToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> lowerToken)
    {
        foreach (var range in value.Split((byte)','))
            if (Is(Trim(value[range]), lowerToken)) return true;
        return false;
    }
}
