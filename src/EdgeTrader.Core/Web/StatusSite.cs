using System.Reflection;
using System.Text;
using EdgeTrader.Status;

namespace EdgeTrader.Web;

/// <summary>
/// The read-only surfaces: the page (<c>/</c> and its embedded assets), <c>/status.json</c> and <c>/events</c>
/// (server-sent events of the same object), <c>/metrics</c> and <c>/healthz</c>. Renderings are cached, so a flood
/// of requests costs socket writes, not snapshots: at most one render per <see cref="RenderInterval"/> per surface,
/// and at once after <see cref="Invalidate"/> (a breaker transition). Runs on the HTTP server's thread.
/// </summary>
public sealed class StatusSite : IHttpSite
{
    /// <summary>How long a rendering is served.</summary>
    public static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(250);
    /// <summary>Event streams get a fresh status at least this often.</summary>
    public static readonly TimeSpan StreamInterval = TimeSpan.FromSeconds(1);

    readonly Func<bool, StatusSnapshot> _snapshot;
    readonly bool _showTrading;
    readonly TimeProvider _time;
    readonly Dictionary<string, HttpResponse> _assets = new(StringComparer.Ordinal);
    readonly HttpResponse _notFound = HttpResponse.Text(404, "not found");
    readonly HttpResponse _stream = new(200, "text/event-stream; charset=utf-8", []) { IsEventStream = true };
    Cached _metrics, _health, _page;
    long _pageVersion;
    byte[]? _event;
    volatile bool _invalid;

    struct Cached
    {
        public HttpResponse? Response;
        public long Ts;
    }

    /// <summary>A site over a snapshot source (its argument: include the recent journal decisions).</summary>
    public StatusSite(Func<bool, StatusSnapshot> snapshot, bool showTrading, TimeProvider time)
    {
        _snapshot = snapshot;
        _showTrading = showTrading;
        _time = time;
        Asset("/", "index.html", "text/html; charset=utf-8");
        Asset("/app.js", "app.js", "text/javascript; charset=utf-8");
        Asset("/style.css", "style.css", "text/css; charset=utf-8");
        Asset("/favicon.svg", "favicon.svg", "image/svg+xml");
    }

    void Asset(string path, string name, string type)
    {
        using var s = typeof(StatusSite).Assembly.GetManifestResourceStream("EdgeTrader.Web.Assets." + name)
            ?? throw new InvalidOperationException($"embedded asset {name} is missing");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        _assets[path] = new HttpResponse(200, type, ms.ToArray());
    }

    /// <summary>Something changed that a viewer must see now (a breaker transition, a link): render afresh.</summary>
    public void Invalidate() => _invalid = true;

    /// <inheritdoc/>
    public HttpResponse Handle(HttpRequestHead request)
    {
        switch (request.Path)
        {
            case "/metrics": return Fresh(ref _metrics) ?? Store(ref _metrics, new HttpResponse(200, PrometheusText.ContentType, MetricsExposition.Render(_snapshot(false), _showTrading)));
            case "/healthz":
                if (Fresh(ref _health) is { } h) return h;
                var hs = _snapshot(false);
                return Store(ref _health, new HttpResponse(HealthJson.StatusCode(hs), "application/json", HealthJson.Render(hs)));
            case "/status.json": return Page();
            case "/events": return _stream;
            case "/index.html": return _assets["/"];
            default: return _assets.TryGetValue(request.Path, out var a) ? a : _notFound;
        }
    }

    /// <inheritdoc/>
    public byte[]? NextEvent(ref long version)
    {
        if (_invalid || _page.Response is null || _time.GetElapsedTime(_page.Ts) >= StreamInterval) Page();
        if (version == _pageVersion) return null;
        version = _pageVersion;
        return _event;
    }

    HttpResponse Page()
    {
        if (!_invalid && Fresh(ref _page) is { } p) return p;
        _invalid = false;
        var body = StatusJson.Render(_snapshot(true), new StatusJson.View(_showTrading, Decisions: true));
        _pageVersion++;
        var ev = new byte[body.Length + 8];
        Encoding.ASCII.GetBytes("data: ").CopyTo(ev, 0);
        body.CopyTo(ev, 6);
        ev[^2] = (byte)'\n';
        ev[^1] = (byte)'\n';
        _event = ev;
        return Store(ref _page, new HttpResponse(200, "application/json", body));
    }

    HttpResponse? Fresh(ref Cached c) =>
        c.Response is not null && _time.GetElapsedTime(c.Ts) < RenderInterval ? c.Response : null;

    HttpResponse Store(ref Cached c, HttpResponse r)
    {
        c.Response = r;
        c.Ts = _time.GetTimestamp();
        return r;
    }
}
