using EdgeTrader.Configuration;

namespace EdgeTrader.Panel.Gpio;

/// <summary>
/// A simulated panel on a <see cref="SimGpioDriver"/>, wired as hw/README.md wires the real one: the emergency stop's
/// NC contacts close to ground (line low = closed), the reset button is released (pull-up, line high), and the trip
/// relay's feedback contact follows the relay as a healthy relay's would (<see cref="RelayFollows"/>: false = welded).
/// The demo's keys and the tests press its buttons and read its lamps.
/// </summary>
public sealed class SimPanel
{
    readonly object _lock = new();
    bool _relayFollows = true;

    /// <summary>A panel for <paramref name="options"/>' lines, idle: stop closed, reset released; edges stamped from <paramref name="clock"/>.</summary>
    public SimPanel(PanelOptions options, TimeProvider? clock = null)
    {
        var layout = PanelLayout.From(options);
        Pins = layout.ByIndex;
        Driver = new SimGpioDriver(layout.Names, clock);
        Driver.SetInput(Pins.Reset, true);
        Driver.LineChanged += (pin, high) =>
        {
            if (pin == Pins.Trip && Pins.Edm >= 0 && RelayFollows) Driver.SetInput(Pins.Edm, high);
        };
    }

    /// <summary>The chip (pass it to <see cref="PanelHardware.Open"/>).</summary>
    public SimGpioDriver Driver { get; }

    /// <summary>Which pin is which.</summary>
    public PanelPins Pins { get; }

    /// <summary>The feedback contact follows the relay (a healthy relay); false = it stays where it is (welded or stuck).</summary>
    public bool RelayFollows
    {
        get { lock (_lock) return _relayFollows; }
        set
        {
            lock (_lock) _relayFollows = value;
            if (value && Pins.Edm >= 0 && Pins.Trip >= 0) Driver.SetInput(Pins.Edm, Driver.LineLevel(Pins.Trip));
        }
    }

    /// <summary>Presses (true) or releases the emergency stop: every channel opens or closes.</summary>
    public void EmergencyStop(bool pressed)
    {
        Driver.SetInput(Pins.EmergencyStop, pressed);
        if (Pins.EmergencyStopB >= 0) Driver.SetInput(Pins.EmergencyStopB, pressed);
    }

    /// <summary>Opens (true) or closes one channel only (0 = A, 1 = B): a cut wire, or a contact that does not follow.</summary>
    public void Channel(int channel, bool open) => Driver.SetInput(channel == 0 ? Pins.EmergencyStop : Pins.EmergencyStopB, open);

    /// <summary>True while any emergency-stop channel is open.</summary>
    public bool EmergencyStopPressed =>
        Driver.LineLevel(Pins.EmergencyStop) || (Pins.EmergencyStopB >= 0 && Driver.LineLevel(Pins.EmergencyStopB));

    /// <summary>Holds (true) or releases the reset button.</summary>
    public void Reset(bool held) => Driver.SetInput(Pins.Reset, !held);

    /// <summary>Sets the relay's feedback contact by hand (with <see cref="RelayFollows"/> false).</summary>
    public void Feedback(bool energised) => Driver.SetInput(Pins.Edm, energised);

    /// <summary>What a lamp shows.</summary>
    public bool Lamp(PanelLed led) => Driver.LineLevel(led switch { PanelLed.Green => Pins.Green, PanelLed.Red => Pins.Red, _ => Pins.Amber });

    /// <summary>The trip relay's coil is energised.</summary>
    public bool Relay => Driver.LineLevel(Pins.Trip);

    /// <summary>The buzzer sounds.</summary>
    public bool Buzzer => Driver.LineLevel(Pins.Buzzer);
}
