using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.Interop.Zmq;
using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;
using Serilog;

namespace EdgeTrader.Transports.Zmq;

/// <summary>
/// The tick thread: a SUB to the bridge, a DEALER to the gateway (unless dry-run) and an inproc wake-up socket, all
/// polled by one thread that runs the <see cref="TradingLoop"/>. That thread is the only user of the sockets and of
/// the loop, so the tick path takes no lock. Other threads only close the gates (the breaker) and wake the thread to
/// send cancel-all, which goes out before any further order.
/// </summary>
public sealed partial class ZmqTradingEngine : IOrderSink, IDisposable
{
    const int PollTimeoutMs = 50;
    const int DrainBatch = 512;

    readonly EdgeTraderOptions _o;
    readonly CircuitBreaker _breaker;
    readonly HealthMonitor _health;
    readonly TimeProvider _time;
    readonly ILogger _log;
    readonly ZmqContext _ctx;
    readonly GatewayWire _wire;
    readonly OrderIds _ids;
    readonly TradingLoop _loop;
    readonly DryRunSink? _dryRun;
    readonly string _wakeEndpoint = $"inproc://edgetrader-wake-{Guid.NewGuid():N}";
    readonly object _wakeLock = new();
    readonly ManualResetEventSlim _ready = new(false);
    readonly byte[] _rx = new byte[TickParser.MaxFrameBytes + 1];
    readonly byte[]? _gwRx; // gateway frames: open_orders answers are larger than ticks
    readonly SymbolTable _symbols;
    ZmqSocket? _wakeSender;
    ZmqSocket? _dealer;
    Thread? _thread;
    volatile bool _stop;
    Exception? _fatal;

    long _cancelRequestedGen;
    string _cancelReason = "";
    long _cancelSentGen;
    long _cancelAllSent;
    long _lastTickTs;
    long _lastGatewayTs;
    long _lastHeartbeatTs;
    long _lastHousekeepingTs;
    long _silenceBaseTs;

    /// <summary>Builds the engine; <paramref name="loopFactory"/> gets the order sink to use (this engine, or dry-run).</summary>
    public ZmqTradingEngine(EdgeTraderOptions options, CircuitBreaker breaker, HealthMonitor health, TimeProvider time,
        ILogger log, OrderIds ids, SymbolTable symbols, Func<IOrderSink, TradingLoop> loopFactory)
    {
        _o = options;
        _breaker = breaker;
        _health = health;
        _time = time;
        _log = log.ForContext<ZmqTradingEngine>();
        _ids = ids;
        _wire = new GatewayWire(symbols, ids);
        _symbols = symbols;
        _ctx = ZmqContext.Create();
        if (options.Execution.DryRun) _dryRun = new DryRunSink();
        else _gwRx = new byte[MaxGatewayFrameBytes + 1];
        _loop = loopFactory(_dryRun is not null ? _dryRun : this);
        _silenceBaseTs = time.GetTimestamp();
        TickToOrder = new LatencyHistogram(LatencyHistogram.TickPathBuckets, time.TimestampFrequency);
        breaker.Subscribe(OnBreakerTransition);
    }

    /// <summary>Tick frame received → order handed to the transport. Recorded by the tick thread (no lock); scrapes only read it.</summary>
    public LatencyHistogram TickToOrder { get; }

    /// <summary>Time since the last tick frame arrived; null before the first.</summary>
    public TimeSpan? SinceLastTick => Volatile.Read(ref _lastTickTs) is var t && t != 0 ? _time.GetElapsedTime(t) : null;

    /// <summary>The loop this engine drives (counters, positions).</summary>
    public TradingLoop Loop => _loop;

    /// <summary>cancel_all messages sent (or, in dry-run, requested).</summary>
    public long CancelAllSent => _dryRun?.CancelAllCount ?? Interlocked.Read(ref _cancelAllSent);

    /// <summary>Set when the tick thread died (the daemon then exits 1).</summary>
    public Exception? Fatal => _fatal;

    /// <summary>Starts the tick thread; returns once the sockets are connected (or throws what failed).</summary>
    public void Start()
    {
        _thread = new Thread(Run) { Name = "tick-loop", IsBackground = true };
        _thread.Start();
        _ready.Wait();
        if (_fatal is not null) throw new ZmqException("the tick loop could not start: " + _fatal.Message);
    }

    void OnBreakerTransition(BreakerTransition t)
    {
        if (t.IsNewEngagement) // a renewed engagement is a new stop: cancel_all again
        {
            _cancelReason = t.Current.Reason;
            Interlocked.Exchange(ref _cancelRequestedGen, t.Current.Generation);
            Wake();
        }
        else if (!t.Current.IsEngaged)
        {
            Interlocked.Exchange(ref _silenceBaseTs, _time.GetTimestamp()); // silence counts again from the reset
        }
    }

    void Wake()
    {
        lock (_wakeLock)
        {
            _wakeSender?.Send([1]);
        }
    }

    void Run()
    {
        Interop.NativeThread.NameCurrent("tick-loop"); // visible to ps/top (and to the VM test's freeze)
        ZmqSocket? sub = null, wake = null;
        try
        {
            sub = _ctx.Socket(LibZmq.SUB);
            sub.SetOption(LibZmq.RCVHWM, _o.Bridge.ReceiveHighWaterMark);
            sub.SetOption(LibZmq.SUBSCRIBE, ReadOnlySpan<byte>.Empty);
            sub.SetOption(LibZmq.RECONNECT_IVL, 100);
            sub.SetOption(LibZmq.RECONNECT_IVL_MAX, 2000);
            sub.Connect(_o.Bridge.Ticks);
            wake = _ctx.Socket(LibZmq.PULL);
            wake.Bind(_wakeEndpoint);
            lock (_wakeLock)
            {
                _wakeSender = _ctx.Socket(LibZmq.PUSH);
                _wakeSender.SetOption(LibZmq.SNDHWM, 16); // a full wake queue already means "wake up"
                _wakeSender.Connect(_wakeEndpoint);
            }
            ZmqPoller poller;
            if (_dryRun is null)
            {
                _dealer = _ctx.Socket(LibZmq.DEALER);
                _dealer.SetOption(LibZmq.SNDHWM, _o.Gateway.SendHighWaterMark);
                // IMMEDIATE: never queue orders for a gateway that is not connected; they would leave late.
                _dealer.SetOption(LibZmq.IMMEDIATE, 1);
                _dealer.SetOption(LibZmq.RECONNECT_IVL, 100);
                _dealer.SetOption(LibZmq.RECONNECT_IVL_MAX, 2000);
                _dealer.Connect(_o.Gateway.Endpoint);
                poller = new ZmqPoller(sub, wake, _dealer);
                _health.Set(Link.Gateway, LinkState.Connecting, $"connecting to {_o.Gateway.Endpoint}");
            }
            else
            {
                poller = new ZmqPoller(sub, wake);
                _health.Set(Link.Gateway, LinkState.Unused, "dry-run: orders are simulated");
            }
            _health.Set(Link.Bridge, LinkState.Connecting, $"waiting for ticks from {_o.Bridge.Ticks}");
            _ready.Set();
            _log.Information("tick loop running: bridge {Bridge} ({Format}), gateway {Gateway}", _o.Bridge.Ticks, _o.Bridge.Format,
                _dryRun is null ? _o.Gateway.Endpoint : "dry-run");

            while (!_stop)
            {
                if (poller.Poll(PollTimeoutMs) < 0) break;
                _health.LoopBeat();
                if (poller.IsReadable(1)) while (wake.Receive(_rx) >= 0) { }
                SendPendingCancel();
                if (poller.IsReadable(0)) DrainTicks(sub);
                if (_dealer is not null && poller.IsReadable(2)) DrainGateway(_dealer);
                Housekeeping();
            }
            SendPendingCancel();
        }
        catch (Exception ex)
        {
            _fatal = ex;
            _log.Fatal(ex, "tick loop failed");
            _breaker.Engage($"tick loop failed: {ex.Message}", BreakerSource.Startup);
        }
        finally
        {
            _ready.Set();
            lock (_wakeLock)
            {
                _wakeSender?.Dispose();
                _wakeSender = null;
            }
            if (_dealer is not null)
            {
                _dealer.Dispose();
            }
            wake?.Dispose();
            sub?.Dispose();
        }
    }

    void DrainTicks(ZmqSocket sub)
    {
        for (int i = 0; i < DrainBatch; i++)
        {
            int n = sub.Receive(_rx);
            if (n < 0) return;
            while (sub.HasMore) n = sub.Receive(_rx); // a leading topic frame is allowed: the payload is the last frame
            _lastTickTs = _time.GetTimestamp();
            if (_loop.OnPayload(_rx.AsSpan(0, Math.Min(n, _rx.Length))) == TickOutcome.OrderSent) TickToOrder.Record(_time.GetTimestamp() - _lastTickTs);
            if (Interlocked.Read(ref _cancelRequestedGen) > _cancelSentGen) SendPendingCancel();
        }
    }

    void DrainGateway(ZmqSocket dealer)
    {
        for (int i = 0; i < DrainBatch; i++)
        {
            var rx = _gwRx!;
            int n = dealer.Receive(rx);
            if (n < 0) return;
            while (dealer.HasMore) n = dealer.Receive(rx);
            _lastGatewayTs = _time.GetTimestamp();
            if (n > rx.Length) { _loop.OnUnknownGatewayMessage(); continue; }
            var m = GatewayWire.Parse(rx.AsSpan(0, n));
            long seq = 0;
            if (m.Type is GatewayMessageType.Ack or GatewayMessageType.Fill or GatewayMessageType.Reject && !_ids.TryParse(m.Id, out seq))
            {
                // Not this run's: an order of an earlier run restored at a warm start, or nothing we know.
                if (!OnRestoredOrderMessage(ref m)) _loop.OnUnknownGatewayMessage();
                continue;
            }
            if (m.Type == GatewayMessageType.OpenOrders)
            {
                OnOpenOrdersFrame(rx.AsSpan(0, n));
                continue;
            }
            switch (m.Type)
            {
                case GatewayMessageType.Ack: _loop.OnAck(seq); break;
                case GatewayMessageType.Fill: _loop.OnFill(seq, m.Qty, m.Price); break;
                case GatewayMessageType.Reject: _loop.OnReject(seq, m.Reason ?? "(no reason)"); break;
                case GatewayMessageType.Heartbeat: break;
                default: _loop.OnUnknownGatewayMessage(); break;
            }
        }
    }

    void SendPendingCancel()
    {
        long gen = Interlocked.Read(ref _cancelRequestedGen);
        if (gen <= _cancelSentGen) return;
        _cancelSentGen = gen;
        string reason = _cancelReason;
        if (_dryRun is not null)
        {
            _dryRun.CancelAll(reason, gen);
            _log.Warning("cancel-all (dry-run, nothing to cancel): generation {Generation}, {Reason}", gen, reason);
            return;
        }
        bool sent = _dealer!.Send(_wire.CancelAll(reason, gen, _time.GetUtcNow().ToUnixTimeMilliseconds()));
        if (sent) Interlocked.Increment(ref _cancelAllSent);
        _log.Warning("cancel-all {Outcome}: generation {Generation}, {Reason}", sent ? "sent" : "NOT sent (gateway not connected)", gen, reason);
    }

    void Housekeeping()
    {
        long now = _time.GetTimestamp();
        if (_time.GetElapsedTime(_lastHousekeepingTs, now).TotalMilliseconds < 20) return;
        _lastHousekeepingTs = now;

        // Bridge health.
        var sinceTick = _lastTickTs == 0 ? (TimeSpan?)null : _time.GetElapsedTime(_lastTickTs, now);
        if (sinceTick is { } st)
        {
            if (st.TotalMilliseconds >= _o.Bridge.StaleAfterMs) _health.Set(Link.Bridge, LinkState.Degraded, $"no tick for {st.TotalSeconds:0.0} s");
            else _health.Set(Link.Bridge, LinkState.Up);
        }
        else if (_time.GetElapsedTime(_silenceBaseTs, now).TotalMilliseconds >= _o.Bridge.StaleAfterMs)
        {
            _health.Set(Link.Bridge, LinkState.Degraded, $"no tick yet from {_o.Bridge.Ticks}");
        }
        long silenceFrom = Math.Max(_lastTickTs, Interlocked.Read(ref _silenceBaseTs));
        var silence = _time.GetElapsedTime(silenceFrom, now);
        if (_o.Bridge.EngageOnSilenceMs > 0 && silence.TotalMilliseconds >= _o.Bridge.EngageOnSilenceMs && !_breaker.IsEngaged)
            _breaker.Engage($"bridge silent for {silence.TotalSeconds:0.0} s", BreakerSource.Bridge);

        if (_dealer is null) return;
        // Gateway: heartbeats, health, ack timeouts.
        if (_time.GetElapsedTime(_lastHeartbeatTs, now).TotalMilliseconds >= _o.Gateway.HeartbeatMs)
        {
            _lastHeartbeatTs = now;
            _dealer.Send(_wire.Heartbeat(_time.GetUtcNow().ToUnixTimeMilliseconds()));
        }
        long gwFrom = Math.Max(_lastGatewayTs, Interlocked.Read(ref _silenceBaseTs));
        var gwSilence = _time.GetElapsedTime(gwFrom, now);
        if (_lastGatewayTs != 0 && _time.GetElapsedTime(_lastGatewayTs, now).TotalMilliseconds < _o.Gateway.StaleAfterMs)
            _health.Set(Link.Gateway, LinkState.Up);
        else if (gwSilence.TotalMilliseconds >= _o.Gateway.StaleAfterMs || _lastGatewayTs != 0)
            _health.Set(Link.Gateway, LinkState.Degraded, _lastGatewayTs == 0 ? $"no answer from {_o.Gateway.Endpoint}" : $"gateway silent for {_time.GetElapsedTime(_lastGatewayTs, now).TotalSeconds:0.0} s");
        if (_o.Gateway.EngageOnSilenceMs > 0 && gwSilence.TotalMilliseconds >= _o.Gateway.EngageOnSilenceMs && !_breaker.IsEngaged)
            _breaker.Engage($"gateway silent for {gwSilence.TotalSeconds:0.0} s", BreakerSource.Gateway);
        _loop.FlagAckTimeouts(TimeSpan.FromMilliseconds(_o.Gateway.AckTimeoutMs));
        PumpReconciliation(now);
    }

    /// <inheritdoc/>
    public bool TrySend(in Order order) => _dealer!.Send(_wire.Order(in order));

    /// <inheritdoc/>
    public void CancelAll(string reason, long generation)
    {
        _cancelReason = reason;
        Interlocked.Exchange(ref _cancelRequestedGen, generation);
        Wake();
    }

    /// <summary>Stops the tick thread (sending a pending cancel-all first) and closes the sockets.</summary>
    public void Dispose()
    {
        _stop = true;
        Wake();
        if (_thread is not null && !_thread.Join(TimeSpan.FromSeconds(5))) _ctx.Shutdown();
        _thread?.Join();
        _ctx.Dispose();
        _ready.Dispose();
    }
}
