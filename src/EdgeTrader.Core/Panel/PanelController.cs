using System.Device.Gpio;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Panel.Gpio;
using EdgeTrader.Panel.Rules;
using Serilog;

namespace EdgeTrader.Panel;

/// <summary>
/// The panel's safety semantics on a <see cref="GpioController"/>, whatever the driver under it:
/// <list type="bullet">
/// <item>an open emergency-stop channel (pressed, or its wire cut) engages at once, source button, and vetoes every
/// reset while open; with two channels, either one engages, and a disagreement longer than <c>panel.discrepancyMs</c>,
/// or a stop in which only one channel was seen open, is a fault until both are seen open;</item>
/// <item>the reset button resets on its <b>release</b> after a hold of <c>panel.resetHoldMs</c> to
/// <c>panel.resetMaxHoldMs</c>, once the release has stayed released for max(<c>panel.debounceMs</c>, 20 ms) and the
/// line still reads released (a press inside that time cancels it); held longer it is a stuck-button fault until seen
/// released;</item>
/// <item>the trip relay is energised only while SAFE and the tick loop beats (de-energise to trip), and with EDM its
/// feedback contact must follow within <c>panel.edmSettleMs</c>, else a fault;</item>
/// <item>lamps: a 300 ms lamp test, then red steady = ENGAGED, green 1 Hz = SAFE and the loop beats, amber steady = a
/// link degraded, amber flashing = a fault (any fault on the <see cref="FaultBoard"/> refuses resets); a buzzer sounds
/// 250 ms of every second while ENGAGED;</item>
/// <item><see cref="Dispose"/> leaves every output off: a dark panel and an open relay mean nothing is watching.</item>
/// </list>
/// Inputs arrive on the driver's thread, timers on the <see cref="TimeProvider"/>'s; one lock orders them. The breaker
/// is never called while that lock is held (its interlock and observer calls come back into this class).
/// </summary>
public sealed class PanelController : IResetInterlock, IDisposable
{
    /// <summary>Lamp-test duration at start.</summary>
    public static readonly TimeSpan LampTest = TimeSpan.FromMilliseconds(300);
    /// <summary>Refresh period of lamps, relay and buzzer (also how soon a frozen loop opens the relay past its window).</summary>
    public static readonly TimeSpan LedPeriod = TimeSpan.FromMilliseconds(50);
    /// <summary>The buzzer's pattern while ENGAGED: this long on in every <see cref="BuzzerPeriodMs"/>.</summary>
    public const int BuzzerOnMs = 250, BuzzerPeriodMs = 1000;
    /// <summary>Amber's half period while a fault is active (flashing, as against steady for a degraded link).</summary>
    public const int FaultFlashHalfPeriodMs = 200;

    readonly PanelHardware _hw;
    readonly GpioController _gpio;
    readonly PanelPins _pins;
    readonly CircuitBreaker _breaker;
    readonly HealthMonitor _health;
    readonly FaultBoard _faults;
    readonly TimeProvider _time;
    readonly ILogger _log;
    readonly PinMode _inputMode;
    readonly object _gate = new();
    readonly EmergencyStopChannels _estop;
    readonly ResetButton _reset;
    readonly TripRelay _relay;
    readonly Iot.Device.Buzzer.Buzzer? _buzzer;
    readonly ActiveBuzzerChannel? _buzzerChannel;
    readonly string _discrepancyText, _oneChannelText, _stuckText;
    readonly bool[] _ledState = new bool[3];
    readonly bool[] _ledKnown = new bool[3];
    long _startTimestamp;
    long _engagedSinceMs = -1;
    ITimer? _ledTimer;
    volatile bool _estopActive = true; // unknown = active: an unread panel never lets a reset through
    volatile bool _failed;
    bool _started;
    bool _disposed;

    /// <summary>Button edge → gates closed, in microseconds, for every engagement the button made (bounded ring).</summary>
    public LatencyRecorder EngageLatency { get; } = new(4096);

    /// <summary>Wires the panel to the breaker (as a reset interlock and an observer); <see cref="Start"/> opens the lines.</summary>
    public PanelController(PanelHardware hardware, CircuitBreaker breaker, HealthMonitor health, FaultBoard faults, PanelOptions options, TimeProvider time, ILogger log)
    {
        _hw = hardware;
        _gpio = hardware.Controller;
        _pins = hardware.Pins;
        _breaker = breaker;
        _health = health;
        _faults = faults;
        _time = time;
        _log = log.ForContext<PanelController>();
        _inputMode = options.Bias switch
        {
            PanelBias.AsIs => PinMode.Input,
            PanelBias.PullUp => PinMode.InputPullUp,
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Bias, "panel.bias"),
        };
        _estop = new EmergencyStopChannels(_pins.EmergencyStopB >= 0, TimeSpan.FromMilliseconds(options.DiscrepancyMs), time, OnDiscrepancyTimer);
        _reset = new ResetButton(TimeSpan.FromMilliseconds(options.ResetHoldMs), TimeSpan.FromMilliseconds(options.ResetMaxHoldMs),
            ResetButton.SettleFor(options.DebounceMs), time, OnResetMaxTimer, OnResetSettled);
        _relay = new TripRelay(_pins.Edm >= 0, TimeSpan.FromMilliseconds(options.EdmSettleMs), time, OnEdmTimer);
        if (_pins.Buzzer >= 0)
        {
            _buzzerChannel = new ActiveBuzzerChannel(_gpio, _pins.Buzzer);
            _buzzer = new Iot.Device.Buzzer.Buzzer(_buzzerChannel);
        }
        _discrepancyText = $"emergency-stop channels {options.EmergencyStopLine} and {options.EmergencyStopLineB} disagreed for more than {options.DiscrepancyMs} ms: " +
                           "check the contacts and the wiring; cleared once both channels are seen open";
        _oneChannelText = $"an emergency stop was seen on one channel only ({options.EmergencyStopLine} and {options.EmergencyStopLineB} did not both open before both closed again): " +
                          "the other channel's contact may be welded or bridged; cleared once both channels are seen open";
        _stuckText = $"reset button ({options.ResetLine}) held longer than {options.ResetMaxHoldMs} ms: stuck or shorted; cleared once it is seen released";
        breaker.AddResetInterlock(this);
        breaker.Subscribe(OnBreakerTransition);
        hardware.Failed += OnHardwareFailed;
    }

    /// <summary>The GPIO under the panel.</summary>
    public PanelHardware Hardware => _hw;

    /// <summary>What a lamp shows now (as last written).</summary>
    public bool LedIsOn(PanelLed led) { lock (_gate) return _ledState[(int)led]; }

    /// <summary>The inputs and outputs as the panel sees them now.</summary>
    public PanelSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new PanelSnapshot(
                _estopActive, _estop.IsOpen(0), _estop.Dual ? _estop.IsOpen(1) : null, _reset.Held,
                _pins.Trip >= 0 ? _relay.Commanded : null, _relay.HasEdm ? _relay.Feedback : null,
                _buzzerChannel?.Sounding, _ledState[0], _ledState[1], _ledState[2]);
        }
    }

    /// <summary>
    /// Requests the lines (outputs off, inputs with both edges), reads the inputs, engages if a stop is already open,
    /// runs the lamp test and starts the refresh. A reset button already held is never a reset (its press was not seen).
    /// </summary>
    public void Start()
    {
        long startNs;
        lock (_gate)
        {
            if (_started || _disposed) throw new InvalidOperationException("the panel is already started or disposed");
            foreach (var pin in new[] { _pins.Green, _pins.Red, _pins.Amber, _pins.Trip, _pins.Buzzer })
                if (pin >= 0) _gpio.OpenPin(pin, PinMode.Output, PinValue.Low);
            // Callbacks first, then the reads: an edge in between is either in the read or arrives after it (and an
            // edge that repeats a level already known is ignored).
            OpenInput(_pins.EmergencyStop, OnEStopA);
            if (_pins.EmergencyStopB >= 0) OpenInput(_pins.EmergencyStopB, OnEStopB);
            OpenInput(_pins.Reset, OnReset);
            if (_pins.Edm >= 0) OpenInput(_pins.Edm, OnEdm);
            _estop.OnLevel(0, _gpio.Read(_pins.EmergencyStop) == PinValue.High);
            if (_estop.Dual) _estop.OnLevel(1, _gpio.Read(_pins.EmergencyStopB) == PinValue.High);
            _estopActive = _estop.Active || _failed;
            bool resetHeld = _gpio.Read(_pins.Reset) == PinValue.Low;
            _reset.Initial(resetHeld);
            if (_relay.HasEdm) _relay.OnFeedback(_gpio.Read(_pins.Edm) == PinValue.High);
            startNs = MonotonicClock.NowNs();
            _startTimestamp = _time.GetTimestamp();
            _started = true;
            WriteLed(PanelLed.Green, true);
            WriteLed(PanelLed.Red, true);
            WriteLed(PanelLed.Amber, true);
            _log.Information("panel: {Description}; emergency stop {EStop}, reset {Reset}", _hw.Description,
                _estop.Active ? "OPEN (stop demanded)" : "closed", resetHeld ? "held (ignored until released and pressed again)" : "released");
        }
        if (_estopActive) EngageFromButton(startNs, press: false); // found open at start: a state, not a new press
        _ledTimer = _time.CreateTimer(_ => Refresh(), null, LampTest, LedPeriod);
    }

    void OpenInput(int pin, PinChangeEventHandler handler)
    {
        _gpio.OpenPin(pin, _inputMode);
        _gpio.RegisterCallbackForPinValueChangedEvent(pin, PinEventTypes.Rising | PinEventTypes.Falling, handler);
    }

    /// <inheritdoc/>
    public string? WhyResetIsRefused() =>
        _estopActive
            ? _failed
                ? "the panel's GPIO failed: its emergency stop cannot be read (restart the appliance once the cause is fixed)"
                : "the emergency-stop button is pressed or its wire is broken: release it (and check the wiring) before resetting"
            : null;

    static long EdgeNs(PinValueChangedEventArgs e) => e is GpioEdgeEventArgs k ? k.TimestampNs : MonotonicClock.NowNs();

    void OnEStopA(object sender, PinValueChangedEventArgs e) => OnEStop(0, e);
    void OnEStopB(object sender, PinValueChangedEventArgs e) => OnEStop(1, e);

    void OnEStop(int channel, PinValueChangedEventArgs e)
    {
        bool open = e.ChangeType == PinEventTypes.Rising;
        // First, before any lock: the gates close on the first open channel. Only the stop becoming active is a press
        // (a new stop for the cluster); the second channel of the same press, or a repeated edge, only keeps it engaged.
        if (open) EngageFromButton(EdgeNs(e), press: !_estopActive);
        lock (_gate)
        {
            bool hadDiscrepancy = _estop.Discrepancy;
            if (_disposed || !_estop.OnLevel(channel, open)) return;
            _estopActive = _estop.Active || _failed;
            if (open) _reset.Cancel();
            if (!_estop.Discrepancy) _faults.Clear(PanelFaults.EStopDiscrepancy);
            else if (!hadDiscrepancy)
            {
                _faults.Raise(PanelFaults.EStopDiscrepancy, _oneChannelText);
                _log.Error("{Fault}: {Detail}", PanelFaults.EStopDiscrepancy, _oneChannelText);
            }
            if (!_estop.Active) _log.Information("emergency stop closed again; the breaker stays ENGAGED until reset");
        }
    }

    void OnDiscrepancyTimer()
    {
        lock (_gate)
        {
            if (_disposed || !_estop.DiscrepancyElapsed()) return;
            _faults.Raise(PanelFaults.EStopDiscrepancy, _discrepancyText);
            _log.Error("{Fault}: {Detail}", PanelFaults.EStopDiscrepancy, _discrepancyText);
        }
    }

    void OnReset(object sender, PinValueChangedEventArgs e)
    {
        bool held = e.ChangeType == PinEventTypes.Falling;
        ResetVerdict verdict;
        TimeSpan hold;
        string? refusal;
        lock (_gate)
        {
            if (_disposed || !_started) return;
            bool wasStuck = _reset.Stuck;
            verdict = _reset.OnLevel(held, EdgeNs(e));
            if (held && _estop.Active)
            {
                _reset.Cancel();
                _log.Warning("reset button pressed while the emergency stop is open: this press will not reset");
            }
            if (wasStuck && !_reset.Stuck) _faults.Clear(PanelFaults.ResetStuck);
            hold = _reset.LastHold;
            refusal = _reset.LastRefusal;
        }
        // How long the edge took from the kernel's stamp to here: a loaded box shows it in the log.
        double lagMs = (MonotonicClock.NowNs() - EdgeNs(e)) / 1e6;
        if (held) _log.Information("reset button pressed (edge delivered after {LagMs:0.0} ms)", lagMs);
        else if (verdict == ResetVerdict.Settling)
            _log.Information("reset button released after a {HoldMs:0} ms hold (edge delivered after {LagMs:0.0} ms): resets if it stays released", hold.TotalMilliseconds, lagMs);
        else _log.Information("reset button released (edge delivered after {LagMs:0.0} ms): no reset ({Why})", lagMs, refusal ?? "");
    }

    void OnResetSettled()
    {
        ResetVerdict verdict;
        TimeSpan hold;
        string? refusal = null;
        lock (_gate)
        {
            if (_disposed || !_reset.Settling) return; // cancelled by a press or the emergency stop
            verdict = _reset.SettleElapsed(ReadResetReleased());
            hold = _reset.LastHold;
            if (verdict != ResetVerdict.Reset && !_reset.Settling) refusal = _reset.LastRefusal;
        }
        if (verdict != ResetVerdict.Reset)
        {
            if (refusal is not null) _log.Warning("reset button: no reset ({Why})", refusal);
            return;
        }
        var r = _breaker.Reset($"reset button released after a {hold.TotalMilliseconds:0} ms hold", BreakerSource.Button);
        if (!r.Done) _log.Warning("panel reset refused: {Reason}", r.RefusedBecause);
        Refresh();
    }

    // The re-read after the settle time: a line that cannot be read counts as held (no reset).
    bool ReadResetReleased()
    {
        try
        {
            return _gpio.Read(_pins.Reset) == PinValue.High;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            _log.Error("cannot read the reset button: {Error}", ex.Message);
            return false;
        }
    }

    void OnResetMaxTimer()
    {
        lock (_gate)
        {
            if (_disposed || !_reset.MaxElapsed()) return;
            _faults.Raise(PanelFaults.ResetStuck, _stuckText);
            _log.Error("{Fault}: {Detail}", PanelFaults.ResetStuck, _stuckText);
        }
    }

    void OnEdm(object sender, PinValueChangedEventArgs e)
    {
        lock (_gate)
        {
            if (_disposed) return;
            _relay.OnFeedback(e.ChangeType == PinEventTypes.Rising);
            if (!_relay.Mismatch) _faults.Clear(PanelFaults.EdmMismatch);
        }
    }

    void OnEdmTimer()
    {
        lock (_gate)
        {
            if (_disposed || !_relay.SettleElapsed()) return;
            string detail = $"trip relay commanded {(_relay.Commanded ? "on" : "off")} but its feedback contact reads {(_relay.Feedback ? "energised" : "released")}: " +
                            "a welded contact, a relay that does not pull in, or a cut feedback wire; cleared when the feedback matches";
            _faults.Raise(PanelFaults.EdmMismatch, detail);
            _log.Error("{Fault}: {Detail}", PanelFaults.EdmMismatch, detail);
        }
    }

    void OnHardwareFailed(Exception ex)
    {
        _failed = true;
        _estopActive = true;
        _faults.Raise(PanelFaults.GpioFailed, $"the panel's GPIO failed ({ex.Message}): its inputs cannot be read");
        EngageFromButton(MonotonicClock.NowNs());
    }

    void OnBreakerTransition(BreakerTransition t)
    {
        // On the engaging thread, right after the gates closed: the relay opens now, not at the next refresh.
        if (t.Current.IsEngaged) Refresh();
    }

    void EngageFromButton(long edgeMonotonicNs, bool press = true)
    {
        bool wasEngaged = _breaker.IsEngaged;
        string reason = _failed ? "the panel's GPIO failed: treated as an emergency stop" : "emergency stop pressed or its wire broken";
        // A press is a stop for the cluster (renews an engagement); a stop found held at start only keeps it engaged,
        // so restarting an engaged node with a broken wire does not stop its peers again.
        if (press) _breaker.Command(reason, BreakerSource.Button);
        else _breaker.Engage(reason, BreakerSource.Button);
        long closedNs = MonotonicClock.ToNs(_breaker.LastGatesClosedTimestamp); // stamped inside Engage, before persisting and notifying
        if (!wasEngaged) EngageLatency.Add((closedNs - edgeMonotonicNs) / 1000.0);
    }

    void Refresh()
    {
        lock (_gate)
        {
            if (_disposed || !_started) return;
            long ms = (long)_time.GetElapsedTime(_startTimestamp).TotalMilliseconds;
            if (ms < LampTest.TotalMilliseconds) return;
            bool engaged = _breaker.IsEngaged;
            bool alive = _health.LoopAlive;
            if (_pins.Trip >= 0 && _relay.Command(!engaged && alive && !_failed))
                Drive(_pins.Trip, _relay.Commanded, "trip relay");
            WriteLed(PanelLed.Red, engaged);
            WriteLed(PanelLed.Green, !engaged && alive && (ms / 500) % 2 == 0);
            bool fault = _faults.Any || !_breaker.LatchSaved; // an unsaved latch refuses resets: a fault too
            WriteLed(PanelLed.Amber, fault ? (ms / FaultFlashHalfPeriodMs) % 2 == 0 : _health.AnyDegraded);
            if (_buzzer is not null)
            {
                // The pattern starts with the engagement: the first beep is at once.
                if (engaged && _engagedSinceMs < 0) _engagedSinceMs = ms;
                else if (!engaged) _engagedSinceMs = -1;
                bool sound = engaged && (ms - _engagedSinceMs) % BuzzerPeriodMs < BuzzerOnMs;
                if (sound != _buzzerChannel!.Sounding)
                {
                    try
                    {
                        if (sound) _buzzer.StartPlaying(_buzzerChannel.Frequency);
                        else _buzzer.StopPlaying();
                    }
                    catch (Exception ex) when (ex is IOException or InvalidOperationException)
                    {
                        _log.Error("cannot drive the buzzer: {Error}", ex.Message);
                    }
                }
            }
        }
    }

    void Drive(int pin, bool high, string what)
    {
        try
        {
            _gpio.Write(pin, high ? PinValue.High : PinValue.Low);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            _log.Error("cannot drive the {What}: {Error}", what, ex.Message);
        }
    }

    void WriteLed(PanelLed led, bool on)
    {
        int i = (int)led;
        if (_ledKnown[i] && _ledState[i] == on) return;
        int pin = led switch { PanelLed.Green => _pins.Green, PanelLed.Red => _pins.Red, PanelLed.Amber => _pins.Amber, _ => throw new ArgumentOutOfRangeException(nameof(led)) };
        try
        {
            _gpio.Write(pin, on ? PinValue.High : PinValue.Low);
            _ledState[i] = on;
            _ledKnown[i] = true;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            _log.Error("cannot drive the {Led} lamp: {Error}", led.ToString(), ex.Message);
        }
    }

    /// <summary>Switches every output off (lamps, relay, buzzer), stops the timers and closes the lines.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _ledTimer?.Dispose();
            if (_started)
            {
                if (_pins.Trip >= 0) { _relay.Command(false); Drive(_pins.Trip, false, "trip relay"); }
                if (_buzzerChannel is { Sounding: true }) _buzzer!.StopPlaying();
                WriteLed(PanelLed.Green, false);
                WriteLed(PanelLed.Amber, false);
                WriteLed(PanelLed.Red, false);
            }
            _disposed = true;
        }
        _reset.Dispose();
        _estop.Dispose();
        _relay.Dispose();
        _hw.Dispose();
    }
}

/// <summary>The panel as it is now (status).</summary>
/// <param name="EmergencyStop">A stop is demanded (any channel open, or the GPIO failed).</param>
/// <param name="ChannelA">The first channel is open.</param>
/// <param name="ChannelB">The second channel is open (null: one channel).</param>
/// <param name="ResetHeld">The reset button is held.</param>
/// <param name="Trip">The trip relay is commanded on (null: none fitted).</param>
/// <param name="Edm">The relay's feedback reads energised (null: no EDM).</param>
/// <param name="Buzzer">The buzzer sounds (null: none fitted).</param>
/// <param name="Green">Green lamp lit.</param>
/// <param name="Red">Red lamp lit.</param>
/// <param name="Amber">Amber lamp lit.</param>
public sealed record PanelSnapshot(bool EmergencyStop, bool ChannelA, bool? ChannelB, bool ResetHeld, bool? Trip, bool? Edm, bool? Buzzer, bool Green, bool Red, bool Amber);
