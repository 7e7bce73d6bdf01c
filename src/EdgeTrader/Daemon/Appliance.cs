using System.Text;
using System.Text.Json;
using EdgeTrader.Configuration;
using EdgeTrader.Control;
using EdgeTrader.Health;
using EdgeTrader.Journal;
using EdgeTrader.KillSwitch;
using EdgeTrader.Panel;
using EdgeTrader.Persistence;
using EdgeTrader.Session;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;
using EdgeTrader.Trading.Strategies;
using EdgeTrader.Transports.Mqtt;
using EdgeTrader.Transports;
using Serilog;

namespace EdgeTrader.App.Daemon;

/// <summary>
/// The daemon's composition: breaker (restored from disk), journal, trading session (tick path), panel, MQTT mirror
/// and control socket.
/// Storage that cannot be written leaves the breaker ENGAGED (the appliance never trades on state it cannot save).
/// </summary>
public sealed partial class Appliance : IDisposable
{
    readonly EdgeTraderOptions _o;
    readonly ILogger _log;
    readonly TimeProvider _time;
    readonly DateTimeOffset _startedAt;
    readonly long _startTs;
    readonly SymbolTable _symbols;
    readonly OrderIds _ids;
    readonly DecisionJournal _journal;
    readonly TradingSession _session;
    readonly ITimer _checkWatch;
    readonly PanelController? _panel;
    readonly MqttMirror? _mirror;
    readonly ControlServer _control;
    readonly Web.HttpServer? _http;
    readonly StateDirectory _stateDir;

    /// <summary>The kill switch.</summary>
    public CircuitBreaker Breaker { get; }
    /// <summary>Links and loop liveness.</summary>
    public HealthMonitor Health { get; }
    /// <summary>The trading session (loop, counters).</summary>
    public TradingSession Session => _session;
    /// <summary>The panel, when configured.</summary>
    public PanelController? Panel => _panel;
    /// <summary>Active faults (panel wiring, relay feedback, an unsaved latch, anything that cannot vouch for itself): each refuses resets.</summary>
    public FaultBoard Faults { get; }
    /// <summary>The fault code of a breaker latch that could not be saved.</summary>
    public const string LatchNotSaved = "LATCH_NOT_SAVED";
    /// <summary>Effective options.</summary>
    public EdgeTraderOptions Options => _o;

    Appliance(EdgeTraderOptions o, ILogger log, TimeProvider time, System.Device.Gpio.GpioDriver? panelDriver, bool cold, StartUnwind unwind)
    {
        _o = o;
        _log = log;
        _time = time;
        _startedAt = time.GetUtcNow();
        _startTs = time.GetTimestamp();
        _symbols = new SymbolTable(o.Strategy.Symbols);
        Health = new HealthMonitor(time);
        Faults = new FaultBoard(time);

        // State first: one daemon per state directory (locked before anything in it is read or written), and the
        // breaker back as it was before anything can trade (Persistence.StateDirectory has the start-up policy).
        _stateDir = StateDirectory.Open(o.StateDir);
        string? storageProblem = _stateDir.NotWritable;
        BreakerStartup startup;
        try
        {
            startup = _stateDir.LoadBreaker(o.Node, _startedAt);
        }
        catch
        {
            _stateDir.Dispose();
            throw;
        }
        var initial = startup.Initial;
        if (startup.Problem is not null) _log.Error("starting ENGAGED: {Problem}", startup.Problem);
        Breaker = new CircuitBreaker(initial, time, startup.Store, initialSaved: startup.Saved);
        Breaker.AddResetInterlock(startup.Store);
        Breaker.AddResetInterlock(Faults);
        Breaker.SubscribeLatchSaved(problem =>
        {
            if (problem is not null) _log.Error("KILL SWITCH LATCH NOT SAVED (resets refused until it is; retrying): {Problem}", problem);
            else _log.Warning("kill switch latch saved again");
            if (problem is not null) Faults.Raise(LatchNotSaved, problem); // amber, and listed in status
            else Faults.Clear(LatchNotSaved);
        });
        if (!Breaker.LatchSaved) Faults.Raise(LatchNotSaved, Breaker.LatchProblem ?? "the breaker state is not saved");
        if (!Breaker.LatchSaved) _log.Error("KILL SWITCH LATCH NOT SAVED (resets refused until it is; retrying): {Problem}", Breaker.LatchProblem);
        _log.Information("breaker restored: {State} engagement {Engagement} ({Reason}, source {Source})",
            BreakerNames.Of(initial.Position), initial.Engagement?.ToString() ?? "none", initial.Reason, BreakerNames.Of(initial.Source));

        long run;
        try { run = RunCounter.Next(o.StateDir); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            run = time.GetUtcNow().ToUnixTimeSeconds(); // still unique per start; the breaker is already engaged by the storage check
            _log.Error("cannot persist the run counter ({Error}); using {Run}", ex.Message, run);
        }
        _ids = new OrderIds(o.Node, run);

        var sessions = new TradingSessions(o.Risk);
        var day = new TradingDay(sessions.Zone, _startedAt); // "today" of the book, the journal's files and the restore
        var book = new PositionBook(_symbols.Count, o.Risk.ContractSize);
        // Read (and repair a torn tail of) the journal before anything appends to it.
        var restored = JournalRestore.Load(o.StateDir, o.Node, _symbols, o.Risk.ContractSize, day.Current, repairTornTails: storageProblem is null);
        day.AdvanceTo(restored.Day); // a clock behind the journal's latest day: that day is kept (the day never goes back)
        var journalRule = new JournalFailureRule(Breaker); // a journal that cannot be written engages; resets refused meanwhile
        _journal = new DecisionJournal(o.StateDir, _symbols, _ids, day, time,
            journalRule.OnFailure, checkpoints: restored.CreateCheckpointer(o.StateDir, TimeSpan.FromSeconds(10)));
        journalRule.Guard(_journal);
        _journal.Start($"run {run}, breaker {BreakerNames.Of(initial.Position)} gen {initial.Generation}{(cold ? ", --cold" : "")}");
        unwind.Journal = _journal;
        unwind.StateDir = _stateDir;

        Breaker.Subscribe(t =>
        {
            _journal.Breaker(t);
            var c = t.Current;
            if (c.IsEngaged) _log.Warning("KILL SWITCH ENGAGED{Renewed:l}: engagement {Engagement}, source {Source}, reason {Reason}",
                t.Previous.IsEngaged ? " (renewed)" : "", c.Engagement?.ToString(), BreakerNames.Of(c.Source), c.Reason);
            else _log.Warning("kill switch reset to SAFE by {Source}: {Reason}", BreakerNames.Of(c.Source), c.Reason);
        });

        // The tick path. Dry-run is decided here, once: no gateway link, so no order can leave.
        var transport = ZmqTransports.Create(o.Bridge, o.Execution.DryRun ? null : o.Gateway);
        _log.Information("ZeroMQ transport: {Transport}", ZmqTransports.Describe(o.Bridge.Transport));
        var parts = new LoopParts(
            new TickParser(_symbols, o.Bridge.Format switch
            {
                BridgeFormat.Json => TickFormat.Json,
                BridgeFormat.Dwx => TickFormat.Dwx,
                _ => throw new ArgumentOutOfRangeException(nameof(o), o.Bridge.Format, "bridge.format"),
            }),
            StrategyFactory.Create(o.Strategy, _symbols),
            new PreTradeRisk(o.Risk, sessions, book, time.TimestampFrequency),
            book, day, o.Risk.MaxTickAgeMs, LoopLimits.From(o.Risk), new ClockWatch(o.Clock, Box.Clock, Health, time));
        _session = new TradingSession(o.Bridge, o.Gateway, transport, parts, Breaker, Health, _journal, _ids, time, log, Faults);
        Breaker.Subscribe(_session.OnBreakerTransition); // engagement → cancel_all; reset → silence counts again
        // A check that hangs engages while it still runs (off the tick thread, a quarter of the timeout apart at most).
        _checkWatch = new CheckWatchdog(_session.Loop, Breaker, time, o.Risk.CheckTimeoutMs)
            .Start(TimeSpan.FromMilliseconds(Math.Clamp(o.Risk.CheckTimeoutMs / 4, 5, 250)));
        // Positions, the day's counters, and orders left in flight (warm start; --cold discards them).
        _session.Restore(restored, cold);

        if (o.Panel.Driver != PanelDriverKind.None || panelDriver is not null)
            _panel = new PanelController(PanelHardware.Open(o.Panel, log, panelDriver), Breaker, Health, Faults, o.Panel, time, log);

        if (o.Mqtt.Enabled) _mirror = new MqttMirror(o.Mqtt, o.Node, Breaker, Health, time, log);
        else Health.Set(Link.Mqtt, LinkState.Unused, "mqtt.enabled is false");

        _control = new ControlServer(o.Control.Socket, HandleControl, log);
        _http = CreateHttp();
    }

    /// <summary>Starts everything; throws (after cleaning up) when a part cannot start.</summary>
    /// <remarks><paramref name="cold"/> (run --cold): orders restored as in flight are discarded instead of reconciled; the breaker state is kept.</remarks>
    public static Appliance Start(EdgeTraderOptions o, ILogger log, TimeProvider? time = null, System.Device.Gpio.GpioDriver? panelDriver = null, bool cold = false)
    {
        var unwind = new StartUnwind();
        Appliance a;
        try
        {
            a = new Appliance(o, log, time ?? TimeProvider.System, panelDriver, cold, unwind);
        }
        catch
        {
            // A part that cannot be built after the journal opened: the journal has its start line and gets its stop
            // line too, so the next start is not a crash recovery.
            unwind.Journal?.Stop("start failed");
            unwind.Journal?.Dispose();
            unwind.StateDir?.Dispose(); // the state directory's lock, for a start in this process that follows
            throw;
        }
        try
        {
            a._panel?.Start();
            a._session.Start();
            a._http?.Start();
            try
            {
                a._mirror?.Start();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Mirroring is a second path to the cluster, not a precondition to trade; its loss is shown as degraded.
                log.Error("MQTT mirror cannot start: {Error}", ex.Message);
                a.Health.Set(Link.Mqtt, LinkState.Degraded, ex.Message);
            }
            return a;
        }
        catch
        {
            a.Dispose();
            throw;
        }
    }

    /// <summary>What a constructor that throws leaves to close.</summary>
    sealed class StartUnwind
    {
        public DecisionJournal? Journal;
        public StateDirectory? StateDir;
    }

    /// <summary>Why the daemon must stop, when a part died (the tick loop); null while running.</summary>
    public Exception? Fatal => _session.Fatal;

    /// <summary>Stops in order: control socket, tick loop (a pending cancel-all goes out), mirror, panel (lamps off), journal (committed).</summary>
    public void Dispose()
    {
        _http?.Dispose();
        _control.Dispose();
        _checkWatch.Dispose();
        _session.Dispose();
        _mirror?.Dispose();
        _panel?.Dispose();
        _journal.Stop("shutdown"); // the last line of a clean run: the next start need not look for lost orders
        _journal.Dispose();
        _stateDir.Dispose();
    }
}
