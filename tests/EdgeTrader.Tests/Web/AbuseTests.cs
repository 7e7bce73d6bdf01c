using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeTrader.Tests.Cli;

namespace EdgeTrader.Tests.Web;

/// <summary>
/// The page and /metrics under abuse while the daemon trades: a thousand concurrent connections without the token,
/// slow heads, huge heads, unknown paths, wrong tokens. Measured against a quiet phase of the same run: the tick
/// loop's tick → order latency (the daemon's own histogram) and engage round trips over the control socket.
/// </summary>
public class AbuseTests
{
    const int Concurrent = 1000;
    static readonly TimeSpan FloodFor = TimeSpan.FromSeconds(6);

    [Fact]
    public void Abuse_of_the_http_surfaces_leaves_the_tick_loop_engage_and_the_token_intact()
    {
        var (tokenPath, token) = WebSupport.TokenFile(Directory.CreateTempSubdirectory("et-token-").FullName);
        string ticks = $"tcp://127.0.0.1:{Bin.FreePort()}", gw = $"tcp://127.0.0.1:{Bin.FreePort()}";
        using var d = new Daemon(ticks, gw, dryRun: false, node: "abuse-e2e",
            http: $"{{ \"listen\": \"127.0.0.1:0\", \"tokenFile\": \"{tokenPath}\" }}");
        var sim = Bin.Start("sim-bridge", "--ticks", ticks, "--gateway", gw, "--rate", "1000");
        var report = new StringBuilder();
        try
        {
            d.Start();
            var ep = IPEndPoint.Parse(d.HttpBase()["http://".Length..]);
            using var http = WebSupport.Client(token);
            Assert.True(Bin.WaitFor(() => d.Status().GetProperty("counters").GetProperty("fills").GetInt64() > 200, TimeSpan.FromSeconds(20)), "not trading");

            // Quiet phase.
            var h0 = TickToOrder(http, ep);
            var quietEngage = EngageCycles(d.Socket, 15);
            Thread.Sleep(2000); // pacing: the quiet phase trades a while after its cycles
            var h1 = TickToOrder(http, ep);
            long fillsBefore = d.Status().GetProperty("counters").GetProperty("fills").GetInt64();

            // Flood phase: abusers on their own addresses, the measurements on the control socket and the token.
            var unauthorized = new ConcurrentBag<int>();
            var outcome = new ConcurrentDictionary<string, int>();
            var stop = new CancellationTokenSource(FloodFor);
            var abusers = new[]
            {
                new Thread(() => ThousandConcurrent(ep, unauthorized, outcome, stop.Token)),
                new Thread(() => Slowloris(ep, outcome, stop.Token)),
                new Thread(() => HugeHeads(ep, unauthorized, outcome, stop.Token)),
                new Thread(() => WrongTokensAndUnknownPaths(ep, token, unauthorized, outcome, stop.Token)),
            };
            double loadBefore = LoadAverage();
            foreach (var t in abusers) t.Start();
            var floodEngage = EngageCycles(d.Socket, 15, spreadOver: FloodFor - TimeSpan.FromSeconds(1));
            foreach (var t in abusers) t.Join();
            double loadAfter = LoadAverage();
            var h2 = TickToOrder(http, ep);

            // The daemon is alive, trading, and still serves the token holder.
            Assert.False(d.Process!.HasExited, "the daemon died");
            var s = d.Status();
            Assert.True(s.GetProperty("loopAlive").GetBoolean());
            Assert.True(s.GetProperty("counters").GetProperty("fills").GetInt64() > fillsBefore, "no fills during the flood");
            Assert.Equal("SAFE", s.GetProperty("state").GetString());
            Assert.Contains("edgetrader_breaker_engaged 0", WebSupport.GetString(http, d.HttpBase() + "/metrics")); // throws unless 200

            // Nothing guarded answered without the token.
            var statuses = unauthorized.ToArray();
            Assert.DoesNotContain(200, statuses);
            Assert.Contains(401, statuses);
            Assert.All(statuses, st => Assert.Contains(st, new[] { 400, 401, 408, 429, 431 }));

            var quietTick = Diff(h0, h1);
            var floodTick = Diff(h1, h2);
            report.AppendLine(CultureInfo.InvariantCulture, $"load average before/after the flood: {loadBefore:0.00} / {loadAfter:0.00} ({Environment.ProcessorCount} CPUs)");
            report.AppendLine(CultureInfo.InvariantCulture, $"flood: {string.Join(", ", outcome.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}");
            report.AppendLine(CultureInfo.InvariantCulture, $"tick->order quiet: {quietTick.Count} orders, p50 <= {quietTick.P50 * 1e6:0} us, p99 <= {quietTick.P99 * 1e6:0} us");
            report.AppendLine(CultureInfo.InvariantCulture, $"tick->order flood: {floodTick.Count} orders, p50 <= {floodTick.P50 * 1e6:0} us, p99 <= {floodTick.P99 * 1e6:0} us");
            report.AppendLine(CultureInfo.InvariantCulture, $"engage round trip quiet: p50 {WebSupport.Percentile(quietEngage, 50):0.00} ms, max {quietEngage.Max():0.00} ms");
            report.AppendLine(CultureInfo.InvariantCulture, $"engage round trip flood: p50 {WebSupport.Percentile(floodEngage, 50):0.00} ms, max {floodEngage.Max():0.00} ms");
            File.WriteAllText(Path.Combine(WebSupport.ArtifactsDir, "abuse.txt"), report.ToString());

            // Margins from this run's own quiet phase (the machine is shared: absolute numbers vary run to run).
            Assert.True(floodTick.Count > 0, "no orders during the flood\n" + report);
            Assert.True(floodTick.P50 <= Math.Max(4 * quietTick.P50, quietTick.P50 + 0.001), "tick->order p50 under the flood\n" + report);
            double quietEngageP50 = WebSupport.Percentile(quietEngage, 50), floodEngageP50 = WebSupport.Percentile(floodEngage, 50);
            // +50 ms: on two cores the flood's own client competes with the daemon for the CPU (seen: quiet 4.9 ms, flood 36 ms
            // at load 8-25); an attack that worked would cost the 2 s request deadline or more.
            Assert.True(floodEngageP50 <= Math.Max(4 * quietEngageP50, quietEngageP50 + 50), "engage under the flood\n" + report);
            // A hang, not noise: on the shared disk a single fsync of breaker.json was seen at 0.8 s (load average 44).
            Assert.True(floodEngage.Max() < 5000, "an engage took 5 s or more under the flood\n" + report);
        }
        finally
        {
            Bin.Terminate(sim);
            sim.WaitForExit(5000);
            if (report.Length > 0) Console.WriteLine(report);
        }
    }

    // 1,000 connections opened at once from 16 addresses, each asking for /metrics without the token.
    static void ThousandConcurrent(IPEndPoint ep, ConcurrentBag<int> unauthorized, ConcurrentDictionary<string, int> outcome, CancellationToken stop)
    {
        var socks = new List<Socket>();
        for (int i = 0; i < Concurrent; i++)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 3000, SendTimeout = 3000 };
            try
            {
                s.Bind(new IPEndPoint(IPAddress.Parse($"127.0.2.{1 + i % 16}"), 0));
                s.Connect(ep);
                socks.Add(s);
            }
            catch (SocketException) { Count(outcome, "connect refused"); s.Dispose(); }
        }
        foreach (var s in socks) Send(s, $"GET /metrics HTTP/1.1\r\nHost: {ep}\r\n\r\n", outcome);
        foreach (var s in socks) { Collect(s, unauthorized, outcome); s.Dispose(); }
        // Then keep hammering until the flood ends, one request per connection.
        while (!stop.IsCancellationRequested)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 3000 };
            try
            {
                s.Bind(new IPEndPoint(IPAddress.Parse("127.0.2.99"), 0));
                s.Connect(ep);
                Send(s, $"GET /healthz HTTP/1.1\r\nHost: {ep}\r\n\r\n", outcome);
                Collect(s, unauthorized, outcome);
            }
            catch (SocketException) { Count(outcome, "connect refused"); }
        }
    }

    // Heads that trickle in a byte at a time, reconnecting when the server gives up on them.
    static void Slowloris(IPEndPoint ep, ConcurrentDictionary<string, int> outcome, CancellationToken stop)
    {
        var socks = new Socket?[200];
        while (!stop.IsCancellationRequested)
        {
            for (int i = 0; i < socks.Length; i++)
            {
                try
                {
                    if (socks[i] is null)
                    {
                        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                        s.Bind(new IPEndPoint(IPAddress.Parse($"127.0.3.{1 + i % 50}"), 0));
                        s.Connect(ep);
                        s.Send("GET /metrics HTTP/1.1\r\n"u8);
                        socks[i] = s;
                        Count(outcome, "slowloris opened");
                    }
                    else socks[i]!.Send("X"u8);
                }
                catch (SocketException)
                {
                    socks[i]?.Dispose();
                    socks[i] = null;
                    Count(outcome, "slowloris cut off");
                }
            }
            stop.WaitHandle.WaitOne(200);
        }
        foreach (var s in socks) s?.Dispose();
    }

    static void HugeHeads(IPEndPoint ep, ConcurrentBag<int> unauthorized, ConcurrentDictionary<string, int> outcome, CancellationToken stop)
    {
        var big = $"GET /metrics HTTP/1.1\r\nHost: {ep}\r\nX-Pad: {new string('x', 256 * 1024)}\r\n\r\n";
        while (!stop.IsCancellationRequested)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 3000, SendTimeout = 3000 };
            try
            {
                s.Bind(new IPEndPoint(IPAddress.Parse("127.0.4.1"), 0));
                s.Connect(ep);
                Send(s, big, outcome);
                Collect(s, unauthorized, outcome);
            }
            catch (SocketException) { Count(outcome, "connect refused"); }
            stop.WaitHandle.WaitOne(20);
        }
    }

    static void WrongTokensAndUnknownPaths(IPEndPoint ep, string token, ConcurrentBag<int> unauthorized, ConcurrentDictionary<string, int> outcome, CancellationToken stop)
    {
        string[] wrong = ["Bearer " + token[..^1], "Bearer " + token + "x", "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("admin:admin")), "Bearer ", token];
        string[] paths = ["/", "/metrics", "/healthz", "/status.json", "/events", "/reset", "/engage", "/../../etc/passwd"];
        int i = 0;
        while (!stop.IsCancellationRequested)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 3000 };
            try
            {
                s.Bind(new IPEndPoint(IPAddress.Parse($"127.0.5.{1 + i % 20}"), 0));
                s.Connect(ep);
                Send(s, $"GET {paths[i % paths.Length]} HTTP/1.1\r\nHost: {ep}\r\nAuthorization: {wrong[i % wrong.Length]}\r\n\r\n", outcome);
                Collect(s, unauthorized, outcome);
            }
            catch (SocketException) { Count(outcome, "connect refused"); }
            i++;
        }
    }

    static void Send(Socket s, string request, ConcurrentDictionary<string, int> outcome)
    {
        try { s.Send(Encoding.ASCII.GetBytes(request)); }
        catch (SocketException) { Count(outcome, "send reset"); }
    }

    static void Collect(Socket s, ConcurrentBag<int> statuses, ConcurrentDictionary<string, int> outcome)
    {
        var buf = new byte[512];
        try
        {
            int n = s.Receive(buf);
            if (n == 0) { Count(outcome, "closed without answer"); return; }
            var line = Encoding.ASCII.GetString(buf, 0, n);
            int status = int.Parse(line.AsSpan(9, 3), CultureInfo.InvariantCulture);
            statuses.Add(status);
            Count(outcome, status.ToString(CultureInfo.InvariantCulture));
        }
        catch (SocketException ex) { Count(outcome, ex.SocketErrorCode == SocketError.TimedOut ? "no answer in 3 s" : "reset"); }
    }

    static void Count(ConcurrentDictionary<string, int> d, string key) => d.AddOrUpdate(key, 1, (_, v) => v + 1);

    /// <summary>Engage/reset cycles over the control socket; the engage round trips in ms.</summary>
    static List<double> EngageCycles(string socket, int n, TimeSpan? spreadOver = null)
    {
        var ms = new List<double>();
        var pause = spreadOver is { } t ? t / n : TimeSpan.FromMilliseconds(50);
        for (int i = 0; i < n; i++)
        {
            var (reply, took) = WebSupport.Control(socket, "engage", $"abuse test cycle {i}");
            Assert.True(reply.TryGetProperty("state", out var state) && state.GetString() == "ENGAGED", $"engage answered {reply}");
            ms.Add(took);
            var (r2, _) = WebSupport.Control(socket, "reset", "abuse test");
            Assert.True(r2.TryGetProperty("state", out var safe) && safe.GetString() == "SAFE", $"reset answered {r2}");
            Thread.Sleep(pause); // pacing the cycles across the phase, not synchronisation
        }
        return ms;
    }

    /// <summary>The daemon's tick → order histogram (cumulative buckets by bound).</summary>
    static SortedDictionary<double, long> TickToOrder(HttpClient http, IPEndPoint ep)
    {
        var text = WebSupport.GetString(http, $"http://{ep}/metrics");
        var buckets = new SortedDictionary<double, long>();
        foreach (var line in text.Split('\n'))
        {
            const string prefix = "edgetrader_tick_to_order_seconds_bucket{le=\"";
            if (!line.StartsWith(prefix, StringComparison.Ordinal)) continue;
            int q = line.IndexOf('"', prefix.Length);
            var le = line[prefix.Length..q];
            buckets[le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture)] = long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }
        return buckets;
    }

    static (long Count, double P50, double P99) Diff(SortedDictionary<double, long> a, SortedDictionary<double, long> b)
    {
        var d = b.ToDictionary(kv => kv.Key, kv => kv.Value - a.GetValueOrDefault(kv.Key));
        long total = d[double.PositiveInfinity];
        double Q(double q) => total == 0 ? double.NaN : d.OrderBy(kv => kv.Key).First(kv => kv.Value >= Math.Ceiling(q * total)).Key;
        return (total, Q(0.5), Q(0.99));
    }

    static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}
