namespace EdgeTrader.Panel.Drivers;

/// <summary>
/// In-process panel: the demo's keys and the tests press and release buttons with <see cref="Set"/>, and read the
/// lamps back with <see cref="Led"/>. No debounce is needed: a simulated contact does not bounce.
/// </summary>
public sealed class SimPanelDriver : IPanelDriver
{
    readonly bool[] _inputs = new bool[2];
    readonly bool[] _leds = new bool[3];
    readonly object _lock = new();

    /// <inheritdoc/>
    public string Name => "sim";
    /// <inheritdoc/>
    public string Description => "simulated panel (in process)";
    /// <inheritdoc/>
    public event Action<PanelInputEvent>? InputChanged;
    /// <summary>Raised when a lamp changes (for drawing it).</summary>
    public event Action<PanelLed, bool>? LedChanged;

    /// <inheritdoc/>
    public bool IsActive(PanelInput input) { lock (_lock) return _inputs[(int)input]; }

    /// <summary>Presses (<paramref name="active"/> true) or releases an input; raises the edge event.</summary>
    public void Set(PanelInput input, bool active)
    {
        lock (_lock)
        {
            if (_inputs[(int)input] == active) return;
            _inputs[(int)input] = active;
        }
        InputChanged?.Invoke(new PanelInputEvent(input, active, PanelController.MonotonicNs()));
    }

    /// <summary>What a lamp shows.</summary>
    public bool Led(PanelLed led) { lock (_lock) return _leds[(int)led]; }

    /// <inheritdoc/>
    public void SetLed(PanelLed led, bool on)
    {
        lock (_lock) _leds[(int)led] = on;
        LedChanged?.Invoke(led, on);
    }

    /// <inheritdoc/>
    public void Start() { }

    /// <inheritdoc/>
    public void Dispose() { }
}
