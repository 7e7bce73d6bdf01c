using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeTrader.Web;
using Serilog;

namespace EdgeTrader.Tests.Web;

public class HttpServerTests
{
    /// <summary>A site that answers /ok and streams numbered events on /events.</summary>
    sealed class TestSite : IHttpSite
    {
        public int Handled;
        public byte[] Event = Encoding.ASCII.GetBytes("data: {}\n\n");
        public long Version = 1;
        readonly HttpResponse _ok = new(200, "text/plain", Encoding.ASCII.GetBytes("ok"));
        readonly HttpResponse _stream = new(200, "text/event-stream", []) { IsEventStream = true };

        public HttpResponse Handle(HttpRequestHead r)
        {
            Interlocked.Increment(ref Handled);
            return r.Path switch { "/ok" => _ok, "/events" => _stream, _ => HttpResponse.Text(404, "not found") };
        }

        public byte[]? NextEvent(ref long version)
        {
            long v = Interlocked.Read(ref Version);
            if (version == v) return null;
            version = v;
            return Event;
        }
    }

    sealed class Server : IDisposable
    {
        public readonly TestSite Site = new();
        public readonly HttpServer Http;
        public Server(string? token = null, int maxConnections = 64, int rps = 1000, Func<HttpServer.Settings, HttpServer.Settings>? tune = null, int port = 0)
        {
            var s = new HttpServer.Settings(new IPEndPoint(IPAddress.Loopback, port), maxConnections, rps)
            {
                HeaderTimeout = TimeSpan.FromMilliseconds(400),
                IdleTimeout = TimeSpan.FromMilliseconds(600),
                WriteTimeout = TimeSpan.FromMilliseconds(800),
                BindRetry = TimeSpan.FromMilliseconds(100),
            };
            if (tune is not null) s = tune(s);
            Http = new HttpServer(s, Site, new HttpAccess(token), TimeProvider.System, new LoggerConfiguration().CreateLogger());
            Http.Start();
        }
        public IPEndPoint Endpoint => Http.BoundEndpoint ?? throw new InvalidOperationException("not bound");
        public RawHttp Client(IPAddress? from = null) => new(Endpoint, from);
        public void Dispose() => Http.Dispose();
    }

    [Fact]
    public void A_keep_alive_connection_serves_pipelined_requests_in_order()
    {
        using var srv = new Server();
        using var c = srv.Client();
        c.Send(RawHttp.Get("/ok") + RawHttp.Get("/nope") + RawHttp.Get("/ok"));
        Assert.Equal(200, c.Read().Status);
        Assert.Equal(404, c.Read().Status);
        var third = c.Read();
        Assert.Equal(200, third.Status);
        Assert.Equal("ok", third.Body);
        Assert.Equal("keep-alive", third.Headers["connection"]);
        Assert.Equal("nosniff", third.Headers["x-content-type-options"]);
    }

    [Fact]
    public void Head_answers_the_headers_without_the_body()
    {
        using var srv = new Server();
        using var c = srv.Client();
        c.Send("HEAD /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + RawHttp.Get("/ok"));
        var head = c.Read();
        Assert.Equal(200, head.Status);
        Assert.Equal("2", head.Headers["content-length"]);
        // The next response starts right after the head: no body bytes came in between.
        c.Send("");
        var next = c.Read();
        Assert.Equal("ok", next.Body);
    }

    [Theory]
    [InlineData("POST /engage HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n", 405)]
    [InlineData("PUT /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 405)]
    [InlineData("DELETE /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 405)]
    [InlineData("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nreset", 413)]
    [InlineData("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 413)]
    [InlineData("GET /ok HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", 505)]
    [InlineData("GET ok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400)]
    [InlineData("GET /ok HTTP/1.1\r\n\r\n", 400)]
    [InlineData("GET /ok HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400)]
    [InlineData("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n folded\r\n\r\n", 400)]
    [InlineData("GET /o\u0001k HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400)]
    [InlineData("\r\n\r\n", 400)]
    [InlineData("GARBAGE\r\n\r\n", 400)]
    public void Requests_that_are_not_a_plain_get_are_refused_and_the_connection_closes(string request, int status)
    {
        using var srv = new Server();
        using var c = srv.Client();
        c.Send(request);
        var r = c.Read();
        Assert.Equal(status, r.Status);
        Assert.Equal("close", r.Headers["connection"]);
        Assert.True(c.ClosedWithin(TimeSpan.FromSeconds(2)));
        Assert.Equal(0, srv.Site.Handled); // nothing reached the site
    }

    [Fact]
    public void A_request_target_too_long_gets_414()
    {
        using var srv = new Server();
        using var c = srv.Client();
        c.Send(RawHttp.Get("/" + new string('a', 3000)));
        Assert.Equal(414, c.Read().Status);
    }

    [Fact]
    public void A_head_larger_than_the_limit_gets_431_and_the_connection_closes()
    {
        using var srv = new Server();
        using var c = srv.Client();
        c.Send("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + new string('x', 64 * 1024) + "\r\n\r\n");
        Assert.Equal(431, c.Read().Status);
        Assert.True(c.ClosedWithin(TimeSpan.FromSeconds(2)));
        Assert.Equal(0, srv.Site.Handled);
    }

    [Fact]
    public void A_head_that_trickles_in_gets_408_at_the_header_timeout_however_steady_the_trickle()
    {
        using var srv = new Server();
        using var c = srv.Client();
        var sw = Stopwatch.StartNew();
        c.Send("GET /ok HTTP/1.1\r\n");
        int status = 0;
        // Slowloris: one byte every 50 ms, forever. The deadline counts from the first byte, not the last.
        var sender = new Thread(() =>
        {
            try { while (sw.Elapsed < TimeSpan.FromSeconds(5)) { c.Send("X"); Thread.Sleep(50); } }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
        }) { IsBackground = true };
        sender.Start();
        try { status = c.Read().Status; } catch (IOException) { }
        var took = sw.Elapsed;
        Assert.Equal(408, status);
        Assert.InRange(took.TotalMilliseconds, 350, 2000); // HeaderTimeout 400 ms, polled every 50 ms
        Assert.Equal(1, srv.Http.TimedOut);
    }

    [Fact]
    public void An_idle_keep_alive_connection_is_closed()
    {
        using var srv = new Server();
        using var c = srv.Client();
        c.Send(RawHttp.Get("/ok"));
        Assert.Equal(200, c.Read().Status);
        Assert.True(c.ClosedWithin(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void Without_the_token_no_path_answers_but_401()
    {
        using var srv = new Server(token: "0123456789abcdef-token");
        foreach (var path in new[] { "/ok", "/events", "/nope", "/metrics", "/healthz", "/" })
        {
            foreach (var auth in new[] { "", "Authorization: Bearer wrong-token-0123456789\r\n", "Authorization: Bearer 0123456789abcdef-toke\r\n",
                         "Authorization: Bearer 0123456789abcdef-token-and-more\r\n", "Authorization: Basic " + B64("admin:wrong") + "\r\n",
                         "Authorization: Basic " + B64("0123456789abcdef-token") + "\r\n", "Authorization: Basic !!!\r\n", "Authorization: Token 0123456789abcdef-token\r\n" })
            {
                using var c = srv.Client();
                c.Send(RawHttp.Get(path, auth));
                var r = c.Read();
                Assert.True(r.Status == 401, $"{path} with '{auth.Trim()}' answered {r.Status}");
                Assert.Contains("Basic", r.Headers["www-authenticate"]);
            }
        }
        Assert.Equal(0, srv.Site.Handled);
    }

    [Fact]
    public void The_token_opens_as_bearer_or_as_a_basic_password()
    {
        using var srv = new Server(token: "0123456789abcdef-token");
        using var c = srv.Client();
        c.Send(RawHttp.Get("/ok", "Authorization: Bearer 0123456789abcdef-token\r\n"));
        Assert.Equal(200, c.Read().Status);
        c.Send(RawHttp.Get("/ok", "authorization: basic " + B64("anyone:0123456789abcdef-token") + "\r\n"));
        Assert.Equal(200, c.Read().Status);
    }

    [Theory]
    [InlineData("attacker.example:9464", 421)]
    [InlineData("edge-1.local", 421)]
    [InlineData("127.0.0.1:9464", 200)]
    [InlineData("localhost:9464", 200)]
    [InlineData("[::1]:9464", 200)]
    [InlineData("192.168.1.20", 200)]
    public void Without_a_token_only_ip_literals_and_localhost_are_accepted_as_host(string host, int status)
    {
        // A page elsewhere that rebinds its own name to this address still sends its name as Host.
        using var srv = new Server();
        using var c = srv.Client();
        c.Send(RawHttp.Get("/ok", host: host));
        Assert.Equal(status, c.Read().Status);
    }

    [Fact]
    public void A_client_over_its_rate_gets_429_while_another_client_is_served()
    {
        using var srv = new Server(rps: 5); // bursts of 10
        int limited = 0;
        for (int i = 0; i < 30; i++)
        {
            using var c = srv.Client();
            c.Send(RawHttp.Get("/ok"));
            var r = c.Read();
            if (r.Status == 429) { limited++; Assert.Equal("1", r.Headers["retry-after"]); }
        }
        Assert.InRange(limited, 15, 30);
        using var other = srv.Client(IPAddress.Parse("127.0.0.2"));
        other.Send(RawHttp.Get("/ok"));
        Assert.Equal(200, other.Read().Status);
    }

    [Fact]
    public void Connections_over_the_cap_are_refused_at_accept_and_the_held_ones_still_work()
    {
        using var srv = new Server(maxConnections: 8);
        var held = Enumerable.Range(0, 8).Select(_ => srv.Client()).ToList();
        try
        {
            Assert.True(SpinWait.SpinUntil(() => srv.Http.OpenConnections == 8, 2000));
            using (var extra = srv.Client())
            {
                Assert.True(extra.ClosedWithin(TimeSpan.FromSeconds(2)));
            }
            Assert.True(srv.Http.Refused >= 1);
            held[0].Send(RawHttp.Get("/ok"));
            Assert.Equal(200, held[0].Read().Status);
        }
        finally { held.ForEach(h => h.Dispose()); }
    }

    [Fact]
    public void One_client_address_cannot_hold_every_connection()
    {
        using var srv = new Server(maxConnections: 40); // 10 per client address
        var hog = new List<RawHttp>();
        try
        {
            for (int i = 0; i < 20; i++) hog.Add(srv.Client(IPAddress.Parse("127.0.0.3")));
            Assert.True(SpinWait.SpinUntil(() => srv.Http.Refused >= 10, 2000));
            using var other = srv.Client(IPAddress.Parse("127.0.0.4"));
            other.Send(RawHttp.Get("/ok"));
            Assert.Equal(200, other.Read().Status);
        }
        finally { hog.ForEach(h => h.Dispose()); }
    }

    [Fact]
    public void An_event_stream_gets_each_new_event_and_nothing_in_between()
    {
        using var srv = new Server();
        using var c = srv.Client();
        c.Send(RawHttp.Get("/events"));
        var head = c.Read();
        Assert.Equal(200, head.Status);
        Assert.False(head.Headers.ContainsKey("content-length"));
        Assert.Equal("data: {}\n\n", c.ReadAvailable(TimeSpan.FromSeconds(2)));
        srv.Site.Event = Encoding.ASCII.GetBytes("data: {\"n\":2}\n\n");
        Interlocked.Increment(ref srv.Site.Version);
        Assert.Equal("data: {\"n\":2}\n\n", c.ReadAvailable(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void An_event_stream_client_that_does_not_read_is_dropped()
    {
        // The write timeout is out of reach: only the backlog bound can drop this client within the test.
        using var srv = new Server(tune: s => s with { MaxStreamBacklogBytes = 64 * 1024, WriteTimeout = TimeSpan.FromMinutes(5) });
        srv.Site.Event = new byte[256 * 1024];
        using var c = srv.Client();
        c.Socket.ReceiveBufferSize = 4096;
        c.Send(RawHttp.Get("/events"));
        var sw = Stopwatch.StartNew();
        // A new event every few ms; the client reads none of it.
        while (srv.Http.Dropped == 0 && sw.Elapsed < TimeSpan.FromSeconds(10))
        {
            Interlocked.Increment(ref srv.Site.Version);
            Thread.Sleep(5);
        }
        Assert.Equal(1, srv.Http.Dropped);
        Assert.True(SpinWait.SpinUntil(() => srv.Http.OpenConnections == 0, 2000)); // counted, then closed in the same turn
    }

    [Fact]
    public void A_port_in_use_is_reported_and_taken_once_it_is_free()
    {
        var blocker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        blocker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        blocker.Listen(1);
        int port = ((IPEndPoint)blocker.LocalEndPoint!).Port;
        using var srv = new Server(port: port);
        Assert.Null(srv.Http.BoundEndpoint);
        Assert.Contains($"127.0.0.1:{port}", srv.Http.Error);
        blocker.Dispose();
        Assert.True(SpinWait.SpinUntil(() => srv.Http.BoundEndpoint is not null, 3000));
        Assert.Null(srv.Http.Error);
        using var c = srv.Client();
        c.Send(RawHttp.Get("/ok"));
        Assert.Equal(200, c.Read().Status);
    }

    [Fact]
    public void A_thousand_concurrent_clients_leave_the_server_serving()
    {
        using var srv = new Server(maxConnections: 256, rps: 100_000);
        int ok = 0, refused = 0;
        Parallel.For(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 64 }, i =>
        {
            try
            {
                using var c = srv.Client(IPAddress.Parse($"127.0.{1 + i % 8}.{1 + i / 8 % 250}"));
                c.Send(RawHttp.Get("/ok"));
                if (c.Read().Status == 200) Interlocked.Increment(ref ok);
            }
            catch (Exception e) when (e is IOException or SocketException) { Interlocked.Increment(ref refused); }
        });
        Assert.Equal(1000, ok + refused);
        Assert.True(ok > 0);
        using var after = srv.Client();
        after.Send(RawHttp.Get("/ok"));
        Assert.Equal(200, after.Read().Status);
        Assert.Equal(0, srv.Http.Faults);
    }

    static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
}
