using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EdgeTrader.Health;
using EdgeTrader.Interop.Zmq;

namespace EdgeTrader.App.SimBridge;

/// <summary>Settings of the simulated MT5 bridge and execution gateway.</summary>
public sealed record SimBridgeOptions
{
    public required string TicksEndpoint { get; init; }
    public required string GatewayEndpoint { get; init; }
    /// <summary>Ticks per second over all symbols; 0 = as fast as possible.</summary>
    public double Rate { get; init; } = 1000;
    public string[] Symbols { get; init; } = ["EURUSD"];
    /// <summary>"json" or "dwx".</summary>
    public string Format { get; init; } = "json";
    /// <summary>Share of orders rejected instead of filled.</summary>
    public double RejectRatio { get; init; }
    /// <summary>Stop publishing after this many ticks; 0 = no limit.</summary>
    public long Count { get; init; }
    /// <summary>Random seed (reproducible walks).</summary>
    public int Seed { get; init; } = 42;
    /// <summary>When false the gateway says nothing at all: no answers, no heartbeats of its own (ack timeouts, silence).</summary>
    public bool Answer { get; init; } = true;
    /// <summary>First seq minus one (a restarted bridge that continues, or skips, its numbering).</summary>
    public long StartSeq { get; init; }
    /// <summary>
    /// Publish only once a subscriber's subscription arrived (XPUB) and the gateway heard from the subject, so no tick
    /// is lost to the slow joiner and no order to a DEALER that is not connected yet.
    /// </summary>
    public bool WaitForSubscriber { get; init; }
    /// <summary>True: orders are acknowledged and left working (never filled) until a cancel_all cancels them.</summary>
    public bool HoldOrders { get; init; }
    /// <summary>How the gateway answers a cancel_all: "accept" (a cancel_all_report listing what it cancelled), "reject", or "none" (no report).</summary>
    public string CancelReport { get; init; } = "accept";
    /// <summary>What the bridge publishes: "ticks", "silent" (nothing), "garbage" (frames that are no tick), "stale" (ticks stamped a minute old).</summary>
    public string Feed { get; init; } = "ticks";
}

/// <summary>
/// A stand-alone simulated MT5 bridge (PUB: random-walk ticks with seq and time) and execution gateway (ROUTER: ack and
/// fill at the order price, optional rejects, heartbeats), over real ZeroMQ sockets. It stamps each tick's send time
/// by seq, so the gateway side measures tick → order latency on one clock.
/// </summary>
public sealed class SimBridgeServer : IDisposable
{
    const int LatencyRing = 1 << 20;
    readonly SimBridgeOptions _o;
    readonly ZmqContext _ctx;
    readonly long[] _sendTs = new long[LatencyRing];
    readonly Thread _pub;
    readonly Thread _gw;
    readonly ManualResetEventSlim _bound = new(false);
    volatile bool _stop;
    Exception? _error;

    long _ticksSent;
    long _orders;
    long _cancelAll;
    long _cancelReports;
    long _cancelledOrders;
    string? _lastCancelRequestId;
    long _heartbeats;
    long _badFrames;
    long _lastOrderTimeMs;
    long _ordersAfterMark;
    long _markMs = long.MaxValue;
    long _firstOrderTs;
    long _lastOrderTs;

    /// <summary>tick → order latency at the gateway, microseconds.</summary>
    public LatencyRecorder Latency { get; } = new(1 << 20);

    /// <summary>Binds both sockets and starts publishing and serving.</summary>
    public SimBridgeServer(SimBridgeOptions options)
    {
        _o = options;
        _ctx = ZmqContext.Create();
        _gw = new Thread(GatewayLoop) { IsBackground = true, Name = "sim-gateway" };
        _pub = new Thread(PublishLoop) { IsBackground = true, Name = "sim-bridge" };
        _gw.Start();
        _bound.Wait();
        if (_error is not null) throw _error;
        _bound.Reset();
        _pub.Start();
        _bound.Wait();
        if (_error is not null) throw _error;
    }

    public long TicksSent => Interlocked.Read(ref _ticksSent);
    public long Orders => Interlocked.Read(ref _orders);
    public long CancelAll => Interlocked.Read(ref _cancelAll);
    /// <summary>cancel_all_report frames sent.</summary>
    public long CancelReports => Interlocked.Read(ref _cancelReports);
    /// <summary>Orders a cancel_all cancelled.</summary>
    public long CancelledOrders => Interlocked.Read(ref _cancelledOrders);
    public long Heartbeats => Interlocked.Read(ref _heartbeats);
    public long BadFrames => Interlocked.Read(ref _badFrames);
    /// <summary>Orders whose own time stamp is later than <see cref="Mark"/>'s time.</summary>
    public long OrdersStampedAfterMark => Interlocked.Read(ref _ordersAfterMark);
    /// <summary>True once the publisher sent its <see cref="SimBridgeOptions.Count"/> ticks.</summary>
    public bool PublishingDone { get; private set; }

    /// <summary>Time since the last order arrived (or since start when none did).</summary>
    public TimeSpan SinceLastOrder => Interlocked.Read(ref _lastOrderTs) == 0 ? TimeSpan.MaxValue : Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastOrderTs));

    /// <summary>Remembers a moment (epoch ms); orders stamped after it are counted separately.</summary>
    public void Mark(long epochMs) => Interlocked.Exchange(ref _markMs, epochMs);

    void PublishLoop()
    {
        try
        {
            using var pub = _ctx.Socket(LibZmq.XPUB); // sends like PUB, and tells us when a subscriber is in
            pub.SetOption(LibZmq.SNDHWM, 0);
            pub.Bind(_o.TicksEndpoint);
            _bound.Set();
            var sub = new byte[256];
            if (_o.WaitForSubscriber)
            {
                pub.SetOption(LibZmq.RCVTIMEO, 100);
                while (!_stop && pub.Receive(sub, dontWait: false) < 1) { }
                // And the order side: the subject's first message (a heartbeat) shows its DEALER is connected too.
                while (!_stop && Interlocked.Read(ref _heartbeats) + Interlocked.Read(ref _orders) == 0) Thread.Sleep(1);
            }
            var rnd = new Random(_o.Seed);
            var mids = _o.Symbols.Select(s => s.Contains("JPY") ? 150.0 : 1.1).ToArray();
            var symbols = _o.Symbols.Select(Encoding.UTF8.GetBytes).ToArray();
            var buf = new byte[256];
            long seq = _o.StartSeq, first = _o.StartSeq;
            var sw = Stopwatch.StartNew();
            double interval = _o.Rate > 0 ? 1.0 / _o.Rate : 0;
            while (!_stop && (_o.Count == 0 || seq - first < _o.Count))
            {
                if (interval > 0)
                {
                    double due = (seq - first) * interval;
                    double ahead = due - sw.Elapsed.TotalSeconds;
                    if (ahead > 0.002) { Thread.Sleep(1); continue; }
                    if (ahead > 0) { Thread.SpinWait(20); continue; }
                }
                seq++;
                int i = (int)(seq % symbols.Length);
                double mid = mids[i] * (1 + (rnd.NextDouble() - 0.5) * 2e-4);
                mids[i] = mid;
                double spread = mid * 5e-5;
                int n = _o.Feed switch
                {
                    "silent" => -1,
                    "garbage" => Encoding.UTF8.GetBytes($"not a tick #{seq} \u0001", buf),
                    _ => Format(buf, symbols[i], Math.Round(mid - spread / 2, 5), Math.Round(mid + spread / 2, 5), seq),
                };
                if (n < 0) { Thread.Sleep(20); continue; } // silent: bound, subscribed to, and saying nothing
                _sendTs[seq & (LatencyRing - 1)] = Stopwatch.GetTimestamp();
                pub.Send(buf.AsSpan(0, n), dontWait: false);
                Interlocked.Increment(ref _ticksSent);
            }
            PublishingDone = true;
            // Keep the socket open until stopped: closing it (linger 0) would drop ticks still queued for a slow subscriber.
            while (!_stop) Thread.Sleep(20);
        }
        catch (Exception ex)
        {
            _error = ex;
            _bound.Set();
        }
    }

    int Format(byte[] buf, byte[] symbol, double bid, double ask, long seq)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (_o.Format == "dwx")
        {
            return Encoding.UTF8.GetBytes($"{Encoding.UTF8.GetString(symbol)}:|:{bid.ToString("F5", inv)};{ask.ToString("F5", inv)}", buf);
        }
        var span = buf.AsSpan();
        int n = 0;
        void Put(ReadOnlySpan<byte> s, Span<byte> d, ref int k) { s.CopyTo(d[k..]); k += s.Length; }
        Put("{\"symbol\":\""u8, span, ref n);
        Put(symbol, span, ref n);
        Put("\",\"bid\":"u8, span, ref n);
        bid.TryFormat(span[n..], out int w, "R", inv); n += w;
        Put(",\"ask\":"u8, span, ref n);
        ask.TryFormat(span[n..], out w, "R", inv); n += w;
        Put(",\"time\":"u8, span, ref n);
        long stamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (_o.Feed == "stale" ? 60_000 : 0);
        stamp.TryFormat(span[n..], out w, default, inv); n += w;
        Put(",\"seq\":"u8, span, ref n);
        seq.TryFormat(span[n..], out w, default, inv); n += w;
        Put("}"u8, span, ref n);
        return n;
    }

    void GatewayLoop()
    {
        try
        {
            using var router = _ctx.Socket(LibZmq.ROUTER);
            router.SetOption(LibZmq.SNDHWM, 0);
            router.SetOption(LibZmq.RCVHWM, 0);
            router.Bind(_o.GatewayEndpoint);
            _bound.Set();
            var poller = new ZmqPoller(router);
            var identity = new byte[256];
            var frame = new byte[1 << 16];
            var reply = new byte[512];
            var rnd = new Random(_o.Seed + 1);
            long lastBeat = Stopwatch.GetTimestamp();
            byte[]? lastPeer = null;
            while (!_stop)
            {
                if (poller.Poll(50) < 0) break;
                if (_o.Answer && lastPeer is not null && Stopwatch.GetElapsedTime(lastBeat).TotalMilliseconds >= 500) // a silent gateway says nothing at all
                {
                    lastBeat = Stopwatch.GetTimestamp();
                    router.Send(lastPeer, more: true);
                    router.Send("{\"type\":\"heartbeat\"}"u8);
                }
                if (!poller.IsReadable(0)) continue;
                for (int k = 0; k < 1024; k++)
                {
                    int idLen = router.Receive(identity);
                    if (idLen < 0) break;
                    if (!router.HasMore) { Interlocked.Increment(ref _badFrames); continue; }
                    int n = router.Receive(frame);
                    while (router.HasMore) n = router.Receive(frame);
                    long now = Stopwatch.GetTimestamp();
                    var id = identity.AsSpan(0, Math.Min(idLen, identity.Length));
                    if (lastPeer is null || !id.SequenceEqual(lastPeer)) lastPeer = id.ToArray();
                    if (n < 0 || n > frame.Length) { Interlocked.Increment(ref _badFrames); continue; }
                    Handle(router, id, frame.AsSpan(0, n), reply, rnd, now);
                }
            }
        }
        catch (Exception ex)
        {
            _error = ex;
            _bound.Set();
        }
    }

    void Handle(ZmqSocket router, ReadOnlySpan<byte> peer, ReadOnlySpan<byte> msg, byte[] reply, Random rnd, long nowTs)
    {
        string? type = null, id = null, requestId = null, node = null, symbol = null, side = null;
        long tickSeq = 0, timeMs = 0;
        long? since = null;
        List<string>? ids = null;
        double qty = 0, price = 0;
        try
        {
            var r = new Utf8JsonReader(msg);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) { Interlocked.Increment(ref _badFrames); return; }
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("type"u8)) { r.Read(); type = r.GetString(); }
                else if (r.ValueTextEquals("id"u8)) { r.Read(); id = r.GetString(); }
                else if (r.ValueTextEquals("tickSeq"u8)) { r.Read(); tickSeq = r.GetInt64(); }
                else if (r.ValueTextEquals("time"u8)) { r.Read(); timeMs = r.GetInt64(); }
                else if (r.ValueTextEquals("qty"u8)) { r.Read(); qty = r.GetDouble(); }
                else if (r.ValueTextEquals("price"u8)) { r.Read(); price = r.GetDouble(); }
                else if (r.ValueTextEquals("symbol"u8)) { r.Read(); symbol = r.GetString(); }
                else if (r.ValueTextEquals("side"u8)) { r.Read(); side = r.GetString(); }
                else if (r.ValueTextEquals("requestId"u8)) { r.Read(); requestId = r.GetString(); }
                else if (r.ValueTextEquals("node"u8)) { r.Read(); node = r.GetString(); }
                else if (r.ValueTextEquals("since"u8)) { r.Read(); since = r.GetInt64(); }
                else if (r.ValueTextEquals("ids"u8))
                {
                    r.Read();
                    ids = [];
                    while (r.Read() && r.TokenType == JsonTokenType.String) ids.Add(r.GetString()!);
                }
                else { r.Read(); r.Skip(); }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            Interlocked.Increment(ref _badFrames);
            return;
        }
        switch (type)
        {
            case "order":
                if (Interlocked.Increment(ref _orders) == 1) _firstOrderTs = nowTs;
                Interlocked.Exchange(ref _lastOrderTs, nowTs);
                if (tickSeq > 0) Latency.Add(Stopwatch.GetElapsedTime(_sendTs[tickSeq & (LatencyRing - 1)], nowTs).TotalMicroseconds);
                if (timeMs > Interlocked.Read(ref _markMs)) Interlocked.Increment(ref _ordersAfterMark);
                if (timeMs > Interlocked.Read(ref _lastOrderTimeMs)) Interlocked.Exchange(ref _lastOrderTimeMs, timeMs); // one writer thread
                var known = id is null ? null : Remember(id, symbol, side, qty, timeMs);
                if (!_o.Answer || id is null || known is null) return;
                var inv = System.Globalization.CultureInfo.InvariantCulture;
                router.Send(peer, more: true);
                router.Send(Encoding.UTF8.GetBytes($"{{\"type\":\"ack\",\"id\":\"{id}\"}}"));
                if (_o.HoldOrders) break; // working at the gateway until cancelled
                router.Send(peer, more: true);
                if (_o.RejectRatio > 0 && rnd.NextDouble() < _o.RejectRatio)
                {
                    known.State = "rejected";
                    router.Send(Encoding.UTF8.GetBytes($"{{\"type\":\"reject\",\"id\":\"{id}\",\"reason\":\"simulated reject\"}}"));
                }
                else
                {
                    (known.State, known.Filled, known.AvgPrice) = ("filled", qty, price);
                    router.Send(Encoding.UTF8.GetBytes($"{{\"type\":\"fill\",\"id\":\"{id}\",\"qty\":{qty.ToString("R", inv)},\"price\":{price.ToString("R", inv)}}}"));
                }
                break;
            case "cancel_all":
                Interlocked.Increment(ref _cancelAll);
                if (requestId is not null) Volatile.Write(ref _lastCancelRequestId, requestId);
                if (_o.CancelReport == "reject")
                {
                    if (!_o.Answer || requestId is null) return;
                    SendCancelReport(router, peer, requestId, accepted: false, [], last: true);
                    break;
                }
                var cancelled = new List<string>();
                foreach (var (oid, o) in _known) if (o.State == "open") { o.State = "cancelled"; cancelled.Add(oid); }
                Interlocked.Add(ref _cancelledOrders, cancelled.Count);
                if (!_o.Answer || requestId is null || _o.CancelReport == "none") return;
                // In parts of at most 200 ids, as a venue's mass-cancel report may come.
                int parts = Math.Max(1, (cancelled.Count + 199) / 200);
                for (int f = 0; f < parts; f++) SendCancelReport(router, peer, requestId, accepted: true, cancelled.Skip(f * 200).Take(200).ToList(), last: f == parts - 1);
                break;
            case "open_orders":
                Interlocked.Increment(ref _openOrdersRequests);
                if (!_o.Answer || requestId is null) return;
                AnswerOpenOrders(router, peer, requestId, node, since, ids ?? []);
                break;
            case "heartbeat":
                Interlocked.Increment(ref _heartbeats);
                if (!_o.Answer) return;
                router.Send(peer, more: true);
                router.Send("{\"type\":\"heartbeat\"}"u8);
                break;
            default:
                Interlocked.Increment(ref _badFrames);
                break;
        }
    }

    // The gateway's memory of orders (gateway thread only), for open_orders answers; the oldest are forgotten past the cap.
    const int KnownCap = 1 << 20;
    sealed class KnownOrder
    {
        public required string Symbol;
        public required string Side;
        public double Qty;
        public double Filled;
        public double AvgPrice;
        public long TimeMs;
        public string State = "open";
    }
    readonly Dictionary<string, KnownOrder> _known = new(StringComparer.Ordinal);
    readonly Queue<string> _knownAge = new();
    long _duplicateIds;
    long _openOrdersRequests;

    /// <summary>Orders whose id had been seen before (a resent order): must stay 0.</summary>
    public long DuplicateOrderIds => Interlocked.Read(ref _duplicateIds);

    KnownOrder? Remember(string id, string? symbol, string? side, double qty, long timeMs)
    {
        if (_known.ContainsKey(id))
        {
            Interlocked.Increment(ref _duplicateIds);
            return null; // never filled twice
        }
        if (_knownAge.Count >= KnownCap) _known.Remove(_knownAge.Dequeue());
        var k = new KnownOrder { Symbol = symbol ?? "", Side = side ?? "", Qty = qty, TimeMs = timeMs };
        _known[id] = k;
        _knownAge.Enqueue(id);
        return k;
    }

    /// <summary>
    /// open_orders: the listed ids it knows, plus (with "since") every order of the node stamped at or after it and
    /// every order of the node still open; in frames of at most 200 orders, the last with "last":true.
    /// </summary>
    void AnswerOpenOrders(ZmqSocket router, ReadOnlySpan<byte> peer, string requestId, string? node, long? since, List<string> ids)
    {
        var pick = new Dictionary<string, KnownOrder>(StringComparer.Ordinal);
        foreach (var id in ids) if (_known.TryGetValue(id, out var k)) pick[id] = k;
        if (since is { } s && node is not null)
        {
            string prefix = node + "-";
            foreach (var (id, k) in _known)
            {
                if (id.StartsWith(prefix, StringComparison.Ordinal) && (k.TimeMs >= s || k.State == "open")) pick[id] = k;
            }
        }
        var all = pick.ToList();
        int frames = Math.Max(1, (all.Count + 199) / 200);
        for (int f = 0; f < frames; f++)
        {
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
            {
                w.WriteStartObject();
                w.WriteString("type", "open_orders");
                w.WriteString("requestId", requestId);
                w.WriteStartArray("orders");
                foreach (var (id, k) in all.Skip(f * 200).Take(200))
                {
                    w.WriteStartObject();
                    w.WriteString("id", id);
                    w.WriteString("symbol", k.Symbol);
                    w.WriteString("side", k.Side);
                    w.WriteNumber("qty", k.Qty);
                    w.WriteNumber("filledQty", k.Filled);
                    if (k.Filled > 0) w.WriteNumber("avgPrice", k.AvgPrice);
                    w.WriteString("state", k.State);
                    w.WriteNumber("time", k.TimeMs);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteBoolean("last", f == frames - 1);
                w.WriteEndObject();
            }
            router.Send(peer, more: true);
            router.Send(ms.ToArray());
        }
    }

    void SendCancelReport(ZmqSocket router, ReadOnlySpan<byte> peer, string requestId, bool accepted, List<string> ids, bool last)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("type", "cancel_all_report");
            w.WriteString("requestId", requestId);
            w.WriteString("status", accepted ? "accepted" : "rejected");
            if (!accepted) w.WriteString("reason", "simulated rejection");
            w.WriteNumber("affected", ids.Count);
            w.WriteStartArray("ids");
            foreach (var id in ids) w.WriteStringValue(id);
            w.WriteEndArray();
            w.WriteBoolean("last", last);
            w.WriteEndObject();
        }
        router.Send(peer, more: true);
        router.Send(ms.ToArray());
        Interlocked.Increment(ref _cancelReports);
    }

    /// <summary>A JSON summary line (for scripts and the demo).</summary>
    public string SummaryJson()
    {
        var lat = Latency.Sorted();
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("ticksSent", TicksSent);
            w.WriteNumber("orders", Orders);
            w.WriteNumber("cancelAll", CancelAll);
            w.WriteNumber("cancelReports", CancelReports);
            w.WriteNumber("cancelledOrders", CancelledOrders);
            if (Volatile.Read(ref _lastCancelRequestId) is { } lastCancel) w.WriteString("lastCancelRequestId", lastCancel);
            w.WriteNumber("heartbeats", Heartbeats);
            w.WriteNumber("badFrames", BadFrames);
            w.WriteNumber("duplicateOrderIds", DuplicateOrderIds);
            w.WriteNumber("openOrdersRequests", Interlocked.Read(ref _openOrdersRequests));
            w.WriteNumber("ordersStampedAfterMark", OrdersStampedAfterMark);
            w.WriteNumber("lastOrderTimeMs", Interlocked.Read(ref _lastOrderTimeMs));
            double window = Orders > 1 ? Stopwatch.GetElapsedTime(_firstOrderTs, Interlocked.Read(ref _lastOrderTs)).TotalSeconds : 0;
            w.WriteNumber("orderWindowSeconds", Math.Round(window, 4));
            w.WriteNumber("ordersPerSecond", window > 0 ? Math.Round((Orders - 1) / window) : 0);
            w.WriteStartObject("latencyUs");
            w.WriteNumber("count", lat.Length);
            if (lat.Length > 0)
            {
                w.WriteNumber("p50", Math.Round(LatencyRecorder.Percentile(lat, 50), 1));
                w.WriteNumber("p99", Math.Round(LatencyRecorder.Percentile(lat, 99), 1));
                w.WriteNumber("p999", Math.Round(LatencyRecorder.Percentile(lat, 99.9), 1));
                w.WriteNumber("max", Math.Round(lat[^1], 1));
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Stops both threads and closes the sockets.</summary>
    public void Dispose()
    {
        _stop = true;
        _pub.Join(TimeSpan.FromSeconds(2));
        _gw.Join(TimeSpan.FromSeconds(2));
        _ctx.Dispose();
        _bound.Dispose();
    }
}
