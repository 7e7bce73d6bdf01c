namespace EdgeTrader.Panel;

/// <summary>The panel's two inputs.</summary>
public enum PanelInput
{
    /// <summary>Latching emergency stop, normally closed to ground: active = pressed or wire broken.</summary>
    EmergencyStop,
    /// <summary>Momentary reset button: active = held.</summary>
    Reset,
}

/// <summary>The panel's three lamps.</summary>
public enum PanelLed
{
    /// <summary>Blinks at 1 Hz while SAFE and healthy.</summary>
    Green,
    /// <summary>Steady while ENGAGED.</summary>
    Red,
    /// <summary>Steady while a link is degraded.</summary>
    Amber,
}

/// <summary>An input changed level.</summary>
/// <param name="Input">Which input.</param>
/// <param name="Active">True = stop demanded (emergency stop) or held (reset).</param>
/// <param name="MonotonicNs">When the edge happened, CLOCK_MONOTONIC nanoseconds (the kernel's event stamp for GPIO).</param>
public readonly record struct PanelInputEvent(PanelInput Input, bool Active, long MonotonicNs);

/// <summary>
/// Small contract a panel driver fulfils (gpio = Linux GPIO uAPI v2, sim = in process, none). Drivers only translate
/// levels; the safety semantics (engage, refuse reset, hold time, LED patterns) live in <see cref="PanelController"/>.
/// </summary>
public interface IPanelDriver : IDisposable
{
    /// <summary>"gpio", "sim" or "none".</summary>
    string Name { get; }

    /// <summary>Human description of what was opened (chip, lines), for logs and status.</summary>
    string Description { get; }

    /// <summary>Current level of an input as the driver last read it (active = stop demanded / held).</summary>
    bool IsActive(PanelInput input);

    /// <summary>
    /// Raised on every debounced edge, from the driver's own thread. Handlers must be quick. A driver raises it for
    /// the initial level too when that level is active (so a pressed button at start engages).
    /// </summary>
    event Action<PanelInputEvent>? InputChanged;

    /// <summary>Drives a lamp. Must not block for long (called from the panel's LED timer).</summary>
    void SetLed(PanelLed led, bool on);

    /// <summary>Opens the hardware and starts delivering events. Throws <see cref="PanelException"/> with an operator-readable message.</summary>
    void Start();
}

/// <summary>A panel could not be opened or driven; the message says what to do (wrong line name, busy line, permissions).</summary>
public sealed class PanelException(string message, Exception? inner = null) : Exception(message, inner);
