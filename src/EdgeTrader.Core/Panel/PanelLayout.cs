using EdgeTrader.Configuration;
using EdgeTrader.Panel.Gpio;

namespace EdgeTrader.Panel;

/// <summary>
/// Which pin of the panel's <see cref="System.Device.Gpio.GpioController"/> carries which signal; -1 = not fitted.
/// Pin i is the i-th line of <see cref="PanelLayout.Lines"/> (EdgeTrader's drivers, gpio and sim, take the lines in
/// that order).
/// </summary>
public sealed record PanelPins(int EmergencyStop, int Reset, int Green, int Red, int Amber,
    int EmergencyStopB = -1, int Trip = -1, int Edm = -1, int Buzzer = -1);

/// <summary>The configured lines, in pin order, with the key that names each (for messages) and its kernel debounce.</summary>
public sealed class PanelLayout
{
    PanelLayout(IReadOnlyList<GpioLineSpec> lines, PanelPins byIndex)
    {
        Lines = lines;
        ByIndex = byIndex;
    }

    /// <summary>Every fitted line: the five of every panel, then the optional ones that are configured.</summary>
    public IReadOnlyList<GpioLineSpec> Lines { get; }

    /// <summary>The pins when pin i is <see cref="Lines"/>[i].</summary>
    public PanelPins ByIndex { get; }

    /// <summary>The names of <see cref="Lines"/> (a sim chip's lines).</summary>
    public IReadOnlyList<string> Names => Lines.Select(l => l.Name).ToArray();

    /// <summary>The layout the options describe.</summary>
    public static PanelLayout From(PanelOptions o)
    {
        uint debounce = (uint)Math.Max(0, o.DebounceMs) * 1000;
        var lines = new List<GpioLineSpec>
        {
            new(o.EmergencyStopLine, "panel.emergencyStopLine", debounce),
            new(o.ResetLine, "panel.resetLine", debounce),
            new(o.GreenLedLine, "panel.greenLedLine"),
            new(o.RedLedLine, "panel.redLedLine"),
            new(o.AmberLedLine, "panel.amberLedLine"),
        };
        int Optional(string name, string key, uint db)
        {
            if (string.IsNullOrEmpty(name)) return -1;
            lines.Add(new GpioLineSpec(name, key, db));
            return lines.Count - 1;
        }
        int b = Optional(o.EmergencyStopLineB, "panel.emergencyStopLineB", debounce);
        int trip = Optional(o.TripLine, "panel.tripLine", 0);
        int edm = Optional(o.EdmLine, "panel.edmLine", debounce);
        int buzzer = Optional(o.BuzzerLine, "panel.buzzerLine", 0);
        return new PanelLayout(lines, new PanelPins(0, 1, 2, 3, 4, b, trip, edm, buzzer));
    }
}
