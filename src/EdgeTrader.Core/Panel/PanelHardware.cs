using System.Device.Gpio;
using EdgeTrader.Configuration;
using EdgeTrader.Panel.Gpio;
using Serilog;

namespace EdgeTrader.Panel;

/// <summary>
/// The panel's GPIO: a <see cref="GpioController"/> over the driver <c>panel.driver</c> names, the pin of each signal,
/// and whether edges carry the kernel's stamps. Opening finds the lines; the controller requests them.
/// </summary>
public sealed class PanelHardware : IDisposable
{
    PanelHardware(string driverName, GpioController controller, PanelPins pins, Func<string> describe)
    {
        DriverName = driverName;
        Controller = controller;
        Pins = pins;
        _describe = describe;
    }

    readonly Func<string> _describe;

    /// <summary>"gpio" or "sim".</summary>
    public string DriverName { get; }

    /// <summary>The controller every panel line goes through.</summary>
    public GpioController Controller { get; }

    /// <summary>Which pin carries which signal.</summary>
    public PanelPins Pins { get; }

    /// <summary>What was opened (chip, lines), for logs and status.</summary>
    public string Description => _describe();

    /// <summary>Raised when the driver can no longer report its inputs.</summary>
    public event Action<Exception>? Failed;

    /// <summary>
    /// Opens the driver the options name: <paramref name="driver"/> when given (the demo's and the tests' sim chip,
    /// whose pin i must be <see cref="PanelLayout.Lines"/>[i]), else gpio (EdgeTrader's uAPI v2 driver) or a new sim
    /// chip. Only an <see cref="EdgeGpioDriver"/> is taken: it reports a dead GPIO (<see cref="Failed"/>) and stamps its
    /// edges, so the emergency stop behind it fails closed. Throws <see cref="PanelException"/> with what to do.
    /// </summary>
    public static PanelHardware Open(PanelOptions o, ILogger log, GpioDriver? driver = null)
    {
        var layout = PanelLayout.From(o);
        switch (driver)
        {
            case EdgeGpioDriver own:
                return FromEdgeDriver(own is SimGpioDriver ? "sim" : OptionNames.Of(o.Driver), own, layout.ByIndex);
            case not null:
                throw new PanelException($"the panel's GPIO driver {driver.GetType().Name} is not an EdgeGpioDriver: it reports no failure and " +
                                         "stamps no edges, so its emergency stop could not fail closed (panel.driver \"gpio\" is the physical panel's)");
        }
        return o.Driver switch
        {
            PanelDriverKind.Gpio => FromEdgeDriver("gpio", UapiGpioDriver.Open(layout.Lines, o.Chip, log), layout.ByIndex),
            PanelDriverKind.Sim => FromEdgeDriver("sim", new SimGpioDriver(layout.Names), layout.ByIndex),
            PanelDriverKind.None => throw new PanelException("panel.driver \"none\" opens no panel"),
            _ => throw new ArgumentOutOfRangeException(nameof(o), o.Driver, "panel.driver"),
        };
    }

    static PanelHardware FromEdgeDriver(string name, EdgeGpioDriver d, PanelPins pins)
    {
        var hw = new PanelHardware(name, new GpioController(d), pins, () => d.Description);
        d.Failed += ex => hw.Failed?.Invoke(ex);
        return hw;
    }

    /// <summary>Closes every pin and the driver.</summary>
    public void Dispose() => Controller.Dispose();
}
