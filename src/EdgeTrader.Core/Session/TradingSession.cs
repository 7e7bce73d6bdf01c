using System.Text;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;
using EdgeTrader.Trading.Strategies;
using EdgeTrader.Transports;
using Serilog;

namespace EdgeTrader.Session;

/// <summary>The parts of the trading loop a session drives (all owned by the tick thread once it runs).</summary>
/// <param name="Parser">Tick format and symbols.</param>
/// <param name="Strategy">The configured strategy.</param>
/// <param name="Risk">Pre-trade and post-trade limits.</param>
/// <param name="Book">Positions and the day's counters.</param>
/// <param name="Day">The trading day every daily rule shares.</param>
/// <param name="MaxTickAgeMs">The freshness bound (risk.maxTickAgeMs; 0 = none).</param>
/// <param name="Limits">The other rules' bounds (ticks from the future, price band, check timeout); null: the defaults.</param>
/// <param name="Clock">The wall-clock rules (steps, synchronisation), evaluated on housekeeping turns; null: not watched.</param>
public sealed record LoopParts(TickParser Parser, IStrategy Strategy, IRiskChecks Risk, PositionBook Book, TradingDay Day, int MaxTickAgeMs, LoopLimits? Limits = null,
    ClockWatch? Clock = null);

/// <summary>
/// One trading session: the <see cref="TradingLoop"/> on the tick thread and every rule around it, on the injected
/// <see cref="TimeProvider"/>:
/// <list type="bullet">
/// <item>the order route, decided once: a gateway link means live orders, none means dry-run (<see cref="DryRunSink"/>);</item>
/// <item>cancel_all on every engagement, out before any further order (<see cref="CancelAllSchedule"/>);</item>
/// <item>the ticks' intake, with conflation under overload (<see cref="TickIntake"/>);</item>
/// <item>reply routing: this run's orders by seq, orders restored at a warm start by id;</item>
/// <item>the bridge's and the gateway's silence rules (<see cref="SilenceRule"/>), heartbeats, ack timeouts;</item>
/// <item>warm-start restore and reconciliation (<see cref="Reconciliation"/>; TradingSession.Restore.cs).</item>
/// </list>
/// The transport only polls, reads and writes. A tick flows one way: transport → session → loop → sink → link.
/// The tick thread is the only user of the transport's feed and link and of the loop, so the tick path takes no lock;
/// other threads only close the gates (the breaker) and wake the thread (<see cref="OnBreakerTransition"/>).
/// </summary>
public sealed partial class TradingSession : IDisposable
{
    /// <summary>How long the tick thread waits for input before a housekeeping turn.</summary>
    public const int PollTimeoutMs = 50;

    /// <summary>Housekeeping (silence, heartbeats, ack timeouts, reconciliation, the day) runs at most this often.</summary>
    public static readonly TimeSpan HousekeepingInterval = TimeSpan.FromMilliseconds(20);

    const int GatewayDrainBatch = 512;

    readonly BridgeOptions _bridge;
    readonly GatewayOptions _gateway;
    readonly ITradingTransport _transport;
    readonly IGatewayLink? _link;
    readonly CircuitBreaker _breaker;
    readonly HealthMonitor _health;
    readonly IDecisionLog _log;
    readonly OrderIds _ids;
    readonly SymbolTable _symbols;
    readonly TimeProvider _time;
    readonly ILogger _logger;
    readonly GatewayWire _wire;
    readonly CancelAllSchedule _cancels;
    readonly TickIntake _intake;
    readonly SilenceRule _bridgeSilence;
    readonly SilenceRule _gatewaySilence;
    readonly byte[] _gwRx = new byte[GatewayWire.MaxFrameBytes + 1];
    readonly List<GatewayOrderReport> _reportScratch = [];
    readonly ManualResetEventSlim _ready = new(false);
    readonly FaultBoard? _faults;
    bool _gatewayReturned;
    Thread? _thread;
    volatile bool _stop;
    Exception? _fatal;
    long _lastHeartbeatTs;
    long _lastHousekeepingTs;
    readonly ClockWatch? _clock;

    /// <summary>
    /// A session over <paramref name="transport"/>: orders go to its gateway link, or, when it has none, are
    /// simulated (dry-run). The caller subscribes <see cref="OnBreakerTransition"/> to the breaker.
    /// </summary>
    public TradingSession(BridgeOptions bridge, GatewayOptions gateway, ITradingTransport transport, LoopParts parts,
        CircuitBreaker breaker, HealthMonitor health, IDecisionLog log, OrderIds ids, TimeProvider time, ILogger logger, FaultBoard? faults = null)
    {
        _faults = faults;
        _bridge = bridge;
        _gateway = gateway;
        _transport = transport;
        _link = transport.Gateway;
        _breaker = breaker;
        _health = health;
        _log = log;
        _ids = ids;
        _symbols = parts.Parser.Symbols;
        _time = time;
        _logger = logger.ForContext<TradingSession>();
        _wire = new GatewayWire(_symbols, ids);
        // The one place dry-run is decided: no gateway link, no orders leave.
        IOrderSink route = _link is null ? new DryRunSink() : new GatewayOrderSink(_link, _wire);
        _cancels = new CancelAllSchedule(route, time, _logger, $"{ids.Node}-{ids.Run}-ca");
        Loop = new TradingLoop(breaker, parts.Parser, parts.Strategy, parts.Risk, parts.Book, new CancelFirstSink(route, _cancels), log, parts.Day, time, parts.MaxTickAgeMs, parts.Limits)
        {
            DetailIds = ids,
        };
        Loop.Anomaly += (code, detail) => _logger.Error("anomaly {Code}: {Detail}", AnomalyCodes.Code(code), detail);
        _clock = parts.Clock;
        TickToOrder = new LatencyHistogram(LatencyHistogram.TickPathBuckets, time.TimestampFrequency);
        _intake = new TickIntake(_symbols.Count, TickToOrder, time);
        long start = time.GetTimestamp();
        var (ticksEp, gatewayEp) = transport.Endpoints;
        _bridgeSilence = new SilenceRule(Link.Bridge, BreakerSource.Bridge, "bridge", "no tick for", $"no tick yet from {ticksEp}", bridge.StaleAfterMs, bridge.EngageOnSilenceMs, start);
        _gatewaySilence = new SilenceRule(Link.Gateway, BreakerSource.Gateway, "gateway", "gateway silent for", $"no answer from {gatewayEp}", gateway.StaleAfterMs, gateway.EngageOnSilenceMs, start);
    }

    /// <summary>The loop this session drives (counters, positions, recovery report).</summary>
    public TradingLoop Loop { get; }

    /// <summary>Tick payload read → order handed to the transport. Recorded by the tick thread (no lock); scrapes only read it.</summary>
    public LatencyHistogram TickToOrder { get; }

    /// <summary>Time since the last tick payload of any kind was read; null before the first.</summary>
    public TimeSpan? SinceLastTick => _intake.LastFrameTimestamp is var t && t != 0 ? _time.GetElapsedTime(t) : null;

    /// <summary>cancel_all messages sent, resends included (in dry-run: requested).</summary>
    public long CancelAllSent => _cancels.Sent;

    /// <summary>The latest cancel_all and its confirmation (any thread).</summary>
    public CancelAllReading CancelAll => _cancels.Reading;

    /// <summary>Set when the tick thread died (the daemon then exits 1).</summary>
    public Exception? Fatal => _fatal;

    /// <summary>
    /// The breaker changed (any thread): a new engagement (from SAFE, or a renewal: a new stop) asks for cancel_all
    /// and wakes the tick thread to send it; a reset restarts the silence clocks.
    /// </summary>
    public void OnBreakerTransition(BreakerTransition t)
    {
        if (t.IsNewEngagement)
        {
            _cancels.Request(t.Current.Reason, t.Current.Generation);
            _transport.Wake();
        }
        else if (!t.Current.IsEngaged)
        {
            _cancels.OnReset();
            long now = _time.GetTimestamp();
            _bridgeSilence.Rebase(now);
            _gatewaySilence.Rebase(now);
        }
    }

    /// <summary>Opens the transport on this thread and sets the links' first state (<see cref="Start"/> does it on the tick thread).</summary>
    public void Open()
    {
        _transport.Open();
        var (ticksEp, gatewayEp) = _transport.Endpoints;
        if (_link is null) _health.Set(Link.Gateway, LinkState.Unused, "dry-run: orders are simulated");
        else _health.Set(Link.Gateway, LinkState.Connecting, $"connecting to {gatewayEp}");
        _health.Set(Link.Bridge, LinkState.Connecting, $"waiting for ticks from {ticksEp}");
        // A start on an ENGAGED latch (a crash, a restart while stopped) cannot know whether the last run's cancel_all
        // was confirmed: it asks again, first thing, and keeps asking until the gateway reports on it.
        if (_breaker.State is { IsEngaged: true } engaged) _cancels.Request($"start-up while ENGAGED: {engaged.Reason}", engaged.Generation);
    }

    /// <summary>Starts the tick thread; returns once the transport is open, or throws what made opening it fail (the transport's own exception).</summary>
    public void Start()
    {
        _thread = new Thread(Run) { Name = "tick-loop", IsBackground = true };
        _thread.Start();
        _ready.Wait();
        if (_fatal is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_fatal);
    }

    void Run()
    {
        Interop.NativeThread.NameCurrent("tick-loop"); // visible to ps/top (and to the VM test's freeze)
        try
        {
            Open();
            _ready.Set();
            var (ticksEp, gatewayEp) = _transport.Endpoints;
            _logger.Information("tick loop running: bridge {Bridge} ({Format}), gateway {Gateway}", ticksEp, _bridge.Format, gatewayEp ?? "dry-run");
            while (!_stop && RunTurn(PollTimeoutMs)) { }
            StopCancelling();
        }
        catch (Exception ex)
        {
            _fatal = ex;
            _logger.Fatal(ex, "tick loop failed");
            _breaker.Engage($"tick loop failed: {ex.Message}", BreakerSource.Startup);
        }
        finally
        {
            _ready.Set();
        }
    }

    /// <summary>
    /// One turn of the tick thread: wait up to <paramref name="timeoutMs"/> for input; beat; send a waiting
    /// cancel_all; drain ticks, then gateway frames; housekeeping when due. False when the transport was shut down.
    /// </summary>
    public bool RunTurn(int timeoutMs)
    {
        var ready = _transport.Wait(timeoutMs);
        if ((ready & Readiness.Closed) != 0) return false;
        _health.LoopBeat();
        if (_cancels.Pending) _cancels.Flush();
        if ((ready & Readiness.Ticks) != 0)
        {
            _intake.Drain(_transport.Ticks, Loop, _cancels, out bool heard);
            if (heard) _bridgeSilence.Heard(_time.GetTimestamp());
        }
        if (_link is not null && (ready & Readiness.Gateway) != 0) DrainGateway(_link);
        Housekeeping();
        return true;
    }

    void DrainGateway(IGatewayLink link)
    {
        for (int i = 0; i < GatewayDrainBatch; i++)
        {
            int n = link.TryReceive(_gwRx);
            if (n < 0) return;
            if (OnGatewayFrame(n > _gwRx.Length ? default : _gwRx.AsSpan(0, n), tooLarge: n > _gwRx.Length))
            {
                long now = _time.GetTimestamp();
                if (_gatewaySilence.IsSilent(now, _time)) _gatewayReturned = true; // it may have lost what it was sent meanwhile
                _gatewaySilence.Heard(now);
            }
        }
    }

    /// <summary>One frame from the gateway; true when it was a valid message (life), whatever it said.</summary>
    bool OnGatewayFrame(ReadOnlySpan<byte> frame, bool tooLarge)
    {
        if (tooLarge)
        {
            Loop.OnUnknownGatewayMessage();
            return false;
        }
        var m = GatewayWire.Parse(frame);
        switch (m.Type)
        {
            case GatewayMessageType.Unknown:
                Loop.OnUnknownGatewayMessage();
                return false;
            case GatewayMessageType.Heartbeat:
                return true;
            case GatewayMessageType.Ack:
            case GatewayMessageType.Fill:
            case GatewayMessageType.Reject:
                Route(ref m);
                return true;
            case GatewayMessageType.OpenOrders:
                return OnOpenOrdersFrame(frame);
            case GatewayMessageType.CancelAllReport:
                return OnCancelAllReportFrame(frame);
            default:
                throw new InvalidOperationException($"gateway message type {m.Type} has no route");
        }
    }

    /// <summary>Reply routing: an id of this run goes to its order by seq; any other id may be an order restored at a warm start.</summary>
    void Route(ref GatewayMessage m)
    {
        if (_ids.TryParse(m.Id, out long seq))
        {
            switch (m.Type)
            {
                case GatewayMessageType.Ack: Loop.OnAck(seq); break;
                case GatewayMessageType.Fill:
                    long fills = Loop.Counters.Fills; // the field: no tuple on the fill path
                    Loop.OnFill(seq, m.Qty, m.Price, m.Side);
                    if (Loop.Counters.Fills != fills) _cancels.OnFillBooked();
                    break;
                case GatewayMessageType.Reject: Loop.OnReject(seq, m.Reason ?? "(no reason)"); break;
                default: throw new InvalidOperationException($"gateway message type {m.Type} is not an order reply");
            }
            return;
        }
        if (!RouteRestored(ref m)) Loop.OnUnknownGatewayMessage();
    }

    bool RouteRestored(ref GatewayMessage m)
    {
        if (Loop.RestoredCount == 0 && !Loop.RemembersEndedRestored) return false;
        string id = Encoding.UTF8.GetString(m.Id);
        return m.Type switch
        {
            GatewayMessageType.Ack => Loop.OnRestoredAck(id),
            GatewayMessageType.Fill => Loop.OnRestoredFill(id, m.Qty, m.Price, m.Side),
            GatewayMessageType.Reject => Loop.OnRestoredReject(id, m.Reason ?? "(no reason)"),
            _ => throw new InvalidOperationException($"gateway message type {m.Type} is not an order reply"),
        };
    }

    /// <summary>The rules that run on time rather than on input. Public for tests that drive the session turn by turn.</summary>
    public void Housekeeping()
    {
        long now = _time.GetTimestamp();
        if (_lastHousekeepingTs != 0 && _time.GetElapsedTime(_lastHousekeepingTs, now) < HousekeepingInterval) return;
        _lastHousekeepingTs = now;
        _clock?.Evaluate(Loop);
        Loop.RollDay(_time.GetUtcNow());
        _bridgeSilence.Evaluate(now, _time, _health, _breaker);
        // A broken price band: the feed is not trusted until the band re-anchors at the new level.
        if (Loop.Band.AnyBroken) _health.Set(Link.Bridge, LinkState.Degraded, "price band broken: re-anchoring at the new level (risk.priceBand)");
        if (_link is null) return;
        if (_lastHeartbeatTs == 0 || _time.GetElapsedTime(_lastHeartbeatTs, now).TotalMilliseconds >= _gateway.HeartbeatMs)
        {
            _lastHeartbeatTs = now;
            _link.TrySend(_wire.Heartbeat(_time.GetUtcNow().ToUnixTimeMilliseconds()));
        }
        _gatewaySilence.Evaluate(now, _time, _health, _breaker);
        ResendCancelAll(now);
        Loop.FlagAckTimeouts(TimeSpan.FromMilliseconds(_gateway.AckTimeoutMs));
        PumpReconciliation(now, _link);
    }

    /// <summary>Stops the tick thread (a waiting cancel_all goes out first) and closes the transport.</summary>
    public void Dispose()
    {
        _stop = true;
        _transport.Wake();
        // The tick thread's last act may wait gateway.shutdownLingerMs for a cancel_all's report.
        if (_thread is not null && !_thread.Join(TimeSpan.FromMilliseconds(_gateway.ShutdownLingerMs) + TimeSpan.FromSeconds(5))) _transport.Shutdown();
        _thread?.Join();
        _transport.Dispose();
        _ready.Dispose();
    }
}
