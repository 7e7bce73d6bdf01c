using System.Globalization;
using System.Net;
using System.Text;

namespace EdgeTrader.Web;

/// <summary>The head of one request, as the server parsed it (bodies are refused).</summary>
/// <param name="Method">GET or HEAD (others never reach a site).</param>
/// <param name="Path">The path, without the query.</param>
/// <param name="Query">The query without '?', or empty.</param>
/// <param name="Host">The Host header, when sent.</param>
/// <param name="Authorization">The Authorization header, when sent.</param>
/// <param name="Client">The peer's address.</param>
public sealed record HttpRequestHead(string Method, string Path, string Query, string? Host, string? Authorization, IPAddress Client);

/// <summary>
/// A response: status, type and a body that is never copied (sites hand out cached byte arrays, shared by every
/// connection that sends it). An event stream keeps the connection and is fed by <see cref="IHttpSite.NextEvent"/>.
/// </summary>
public sealed class HttpResponse
{
    readonly byte[]?[] _heads = new byte[]?[4];

    /// <summary>A response with a body.</summary>
    public HttpResponse(int status, string contentType, byte[] body, string? extraHeaders = null)
    {
        Status = status;
        ContentType = contentType;
        Body = body;
        ExtraHeaders = extraHeaders;
    }

    /// <summary>Status code.</summary>
    public int Status { get; }
    /// <summary>Content-Type.</summary>
    public string ContentType { get; }
    /// <summary>The body (sent as is; empty for an event stream's head).</summary>
    public byte[] Body { get; }
    /// <summary>More header lines, each ending in CRLF.</summary>
    public string? ExtraHeaders { get; }
    /// <summary>True for <c>text/event-stream</c>: the connection stays open and events follow.</summary>
    public bool IsEventStream { get; init; }

    /// <summary>A plain-text response (errors).</summary>
    public static HttpResponse Text(int status, string text, string? extraHeaders = null) =>
        new(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text + "\n"), extraHeaders);

    /// <summary>The status line and headers, built once per response object and keep-alive choice.</summary>
    internal byte[] Head(bool keepAlive)
    {
        int k = keepAlive ? 1 : 0;
        var h = Volatile.Read(ref _heads[k]);
        if (h is not null) return h;
        var sb = new StringBuilder(384);
        sb.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {Status} {Reason(Status)}\r\n");
        sb.Append("Content-Type: ").Append(ContentType).Append("\r\n");
        if (IsEventStream) sb.Append("Cache-Control: no-store\r\nX-Accel-Buffering: no\r\n");
        else sb.Append(CultureInfo.InvariantCulture, $"Content-Length: {Body.Length}\r\nCache-Control: no-store\r\n");
        sb.Append("X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n");
        sb.Append("Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'\r\n");
        if (ExtraHeaders is not null) sb.Append(ExtraHeaders);
        sb.Append(keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
        sb.Append("\r\n");
        h = Encoding.ASCII.GetBytes(sb.ToString());
        Volatile.Write(ref _heads[k], h);
        return h;
    }

    /// <summary>The reason phrase of the codes this server uses.</summary>
    public static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        421 => "Misdirected Request",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    };
}

/// <summary>What the server serves: it routes and answers; the server owns sockets, limits and timeouts.</summary>
public interface IHttpSite
{
    /// <summary>Answers one request on the server's thread; must be quick (serve cached renderings).</summary>
    HttpResponse Handle(HttpRequestHead request);

    /// <summary>
    /// The next event for an event stream that has seen <paramref name="version"/>: a chunk to send and the new
    /// version, or null when nothing is new. Called on the server's thread for every open stream each turn.
    /// </summary>
    byte[]? NextEvent(ref long version);
}
