using EdgeTrader.Configuration;
using EdgeTrader.Status;
using EdgeTrader.Web;

namespace EdgeTrader.App.Daemon;

// The read-only HTTP surfaces (page, /metrics, /healthz) over the status snapshot.
public sealed partial class Appliance
{
    StatusSite? _site;

    /// <summary>The HTTP server, or null with http.enabled false. Counts engagements whatever the setting.</summary>
    HttpServer? CreateHttp()
    {
        Breaker.Subscribe(t =>
        {
            CountEngagement(t);
            _site?.Invalidate(); // viewers see a transition at once, not at the next refresh
        });
        Health.LinkChanged += (_, _) => _site?.Invalidate();
        var h = _o.Http;
        if (!h.Enabled) return null;
        HttpOptions.TryParseListen(h.Listen, out var endpoint); // validated at load
        string? token = string.IsNullOrEmpty(h.TokenFile) ? null : HttpOptions.ReadToken(h.TokenFile);
        if (token is null && !System.Net.IPAddress.IsLoopback(endpoint.Address))
            _log.Warning("http: serving {Listen} beyond loopback without http.tokenFile: anyone who can reach it reads the state and /metrics", h.Listen);
        _site = new StatusSite(Snapshot, h.ShowTrading, _time);
        return new HttpServer(new HttpServer.Settings(endpoint, h.MaxConnections, h.RequestsPerSecond), _site, new HttpAccess(token), _time, _log);
    }

    /// <summary>The page's address while the HTTP server listens ("http://127.0.0.1:9464/"), else null.</summary>
    public string? PageAddress => _http?.BoundEndpoint is { } ep ? $"http://{ep}/" : null;

    HttpReading HttpReading()
    {
        if (_http is null) return Status.HttpReading.Disabled;
        return new HttpReading(true, _http.BoundEndpoint?.ToString(), _http.Error, !string.IsNullOrEmpty(_o.Http.TokenFile), _o.Http.ShowTrading,
            _http.ResponsesByStatus(), _http.Accepted, _http.Refused, _http.TimedOut, _http.Dropped, _http.OpenConnections);
    }
}
