using System.Diagnostics;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using Serilog;

namespace EdgeTrader.Panel;

/// <summary>
/// The panel's safety semantics, whatever the driver: an active emergency stop engages (source button) and vetoes
/// every reset while it stays active; the reset button resets only when held for <see cref="PanelOptions.ResetHoldMs"/>
/// without a release while the emergency stop is released; the lamps show SAFE-and-alive (green 1 Hz), ENGAGED (red),
/// degraded (amber), after a 300 ms lamp test. On <see cref="Dispose"/> every lamp is switched off: a dark panel means
/// no process is watching.
/// </summary>
public sealed class PanelController : IResetInterlock, IDisposable
{
    /// <summary>Lamp-test duration at start.</summary>
    public static readonly TimeSpan LampTest = TimeSpan.FromMilliseconds(300);
    /// <summary>LED refresh period (a quarter of the 1 Hz blink's half period would be finer than a person can see).</summary>
    public static readonly TimeSpan LedPeriod = TimeSpan.FromMilliseconds(50);

    readonly IPanelDriver _driver;
    readonly CircuitBreaker _breaker;
    readonly HealthMonitor _health;
    readonly TimeProvider _time;
    readonly TimeSpan _resetHold;
    readonly ILogger _log;
    readonly object _gate = new();
    readonly long _startTimestamp;
    ITimer? _ledTimer;
    ITimer? _holdTimer;
    long _holdGeneration;
    bool _disposed;
    readonly bool[] _ledState = new bool[3];
    readonly bool[] _ledKnown = new bool[3];

    /// <summary>Button edge → gates closed, in microseconds, for every engagement the button made (bounded ring).</summary>
    public LatencyRecorder EngageLatency { get; } = new(4096);

    /// <summary>Wires <paramref name="driver"/> to the breaker; call <see cref="Start"/> to open the hardware.</summary>
    public PanelController(IPanelDriver driver, CircuitBreaker breaker, HealthMonitor health, PanelOptions options, TimeProvider time, ILogger log)
    {
        _driver = driver;
        _breaker = breaker;
        _health = health;
        _time = time;
        _resetHold = TimeSpan.FromMilliseconds(options.ResetHoldMs);
        _log = log.ForContext<PanelController>();
        _startTimestamp = time.GetTimestamp();
        breaker.AddResetInterlock(this);
        _driver.InputChanged += OnInput;
    }

    /// <summary>The driver in use.</summary>
    public IPanelDriver Driver => _driver;

    /// <summary>What a lamp shows now (as last written).</summary>
    public bool LedIsOn(PanelLed led) { lock (_gate) return _ledState[(int)led]; }

    /// <summary>Opens the driver (which reports an already-pressed stop), runs the lamp test, starts the LED refresh.</summary>
    public void Start()
    {
        _driver.Start();
        if (_driver.IsActive(PanelInput.EmergencyStop))
            EngageFromButton(Stopwatch.GetTimestamp(), press: false); // found held at start: a state, not a new press
        lock (_gate)
        {
            WriteLed(PanelLed.Green, true);
            WriteLed(PanelLed.Red, true);
            WriteLed(PanelLed.Amber, true);
        }
        _ledTimer = _time.CreateTimer(_ => RefreshLeds(), null, LampTest, LedPeriod);
    }

    /// <inheritdoc/>
    public string? WhyResetIsRefused() =>
        _driver.IsActive(PanelInput.EmergencyStop)
            ? "the emergency-stop button is pressed or its wire is broken: release it (and check the wiring) before resetting"
            : null;

    void OnInput(PanelInputEvent e)
    {
        if (e.Input == PanelInput.EmergencyStop)
        {
            if (e.Active) EngageFromButton(e.MonotonicNs);
            else _log.Information("emergency stop released; the breaker stays ENGAGED until reset");
            return;
        }
        lock (_gate)
        {
            _holdGeneration++;
            _holdTimer?.Dispose();
            _holdTimer = null;
            if (!e.Active || _disposed) return;
            if (_driver.IsActive(PanelInput.EmergencyStop))
            {
                _log.Warning("reset button pressed while the emergency stop is active: refused");
                return;
            }
            long myHold = _holdGeneration;
            _holdTimer = _time.CreateTimer(_ => OnHoldElapsed(myHold), null, _resetHold, Timeout.InfiniteTimeSpan);
        }
    }

    void OnHoldElapsed(long hold)
    {
        lock (_gate)
        {
            if (hold != _holdGeneration || _disposed) return; // released (or pressed again) in the meantime
            if (!_driver.IsActive(PanelInput.Reset)) return;
        }
        var r = _breaker.Reset($"reset button held {_resetHold.TotalMilliseconds:0} ms", BreakerSource.Button);
        if (r.Done) _log.Information("breaker reset from the panel");
        else _log.Warning("panel reset refused: {Reason}", r.RefusedBecause);
        RefreshLeds();
    }

    void EngageFromButton(long edgeMonotonicNs, bool press = true)
    {
        bool wasEngaged = _breaker.IsEngaged;
        const string Reason = "emergency stop pressed or its wire broken";
        // A press is a stop for the cluster (renews an engagement); a stop found held at start only keeps it engaged,
        // so restarting an engaged node with a broken wire does not stop its peers again.
        if (press) _breaker.Command(Reason, BreakerSource.Button);
        else _breaker.Engage(Reason, BreakerSource.Button);
        long t = _breaker.LastGatesClosedTimestamp; // stamped inside Engage, before persisting and notifying
        long closedNs = Stopwatch.Frequency == 1_000_000_000 ? t : (long)(t * (1e9 / Stopwatch.Frequency));
        if (!wasEngaged) EngageLatency.Add((closedNs - edgeMonotonicNs) / 1000.0);
        RefreshLeds();
    }

    /// <summary>CLOCK_MONOTONIC in ns: on Linux, Stopwatch ticks are CLOCK_MONOTONIC nanoseconds.</summary>
    internal static long MonotonicNs() =>
        Stopwatch.Frequency == 1_000_000_000 ? Stopwatch.GetTimestamp() : (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    void RefreshLeds()
    {
        lock (_gate)
        {
            if (_disposed) return;
            var elapsed = _time.GetElapsedTime(_startTimestamp);
            if (elapsed < LampTest) return;
            bool engaged = _breaker.IsEngaged;
            bool blinkPhase = ((long)elapsed.TotalMilliseconds / 500) % 2 == 0;
            WriteLed(PanelLed.Red, engaged);
            WriteLed(PanelLed.Green, !engaged && _health.LoopAlive && blinkPhase);
            WriteLed(PanelLed.Amber, _health.AnyDegraded || !_breaker.LatchSaved); // an unsaved latch is a fault too
        }
    }

    void WriteLed(PanelLed led, bool on)
    {
        int i = (int)led;
        if (_ledKnown[i] && _ledState[i] == on) return;
        try
        {
            _driver.SetLed(led, on);
            _ledState[i] = on;
            _ledKnown[i] = true;
        }
        catch (Exception ex)
        {
            _log.Error(ex, "cannot drive the {Led} lamp", led.ToString());
        }
    }

    /// <summary>Stops the lamps (all off) and the hold timer; releases the driver.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _ledTimer?.Dispose();
            _holdTimer?.Dispose();
            WriteLed(PanelLed.Green, false);
            WriteLed(PanelLed.Amber, false);
            WriteLed(PanelLed.Red, false);
            _disposed = true;
        }
        _driver.InputChanged -= OnInput;
        _driver.Dispose();
    }
}
