using System.Device.Gpio;
using System.Device.Gpio.Drivers;
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

    /// <summary>"gpio", "libgpiod", "sysfs" or "sim".</summary>
    public string DriverName { get; }

    /// <summary>The controller every panel line goes through.</summary>
    public GpioController Controller { get; }

    /// <summary>Which pin carries which signal.</summary>
    public PanelPins Pins { get; }

    /// <summary>What was opened (chip, lines), for logs and status.</summary>
    public string Description => _describe();

    /// <summary>Raised when the driver can no longer report its inputs (EdgeTrader's drivers only).</summary>
    public event Action<Exception>? Failed;

    /// <summary>
    /// Opens the driver the options name: <paramref name="driver"/> when given (the demo's and the tests' sim chip,
    /// whose pin i must be <see cref="PanelLayout.Lines"/>[i]), else gpio (EdgeTrader's uAPI v2 driver), libgpiod or
    /// sysfs (dotnet/iot's), or a new sim chip. Throws <see cref="PanelException"/> with what to do.
    /// </summary>
    public static PanelHardware Open(PanelOptions o, ILogger log, GpioDriver? driver = null)
    {
        var layout = PanelLayout.From(o);
        string name = driver is SimGpioDriver ? "sim" : OptionNames.Of(o.Driver);
        switch (driver)
        {
            case EdgeGpioDriver own:
                return FromEdgeDriver(name, own, layout.ByIndex);
            case not null:
                return new PanelHardware(name, new GpioController(driver), NumberedPins(o), () => $"{name} {driver.GetType().Name}");
        }
        switch (o.Driver)
        {
            case PanelDriverKind.Gpio:
                return FromEdgeDriver("gpio", UapiGpioDriver.Open(layout.Lines, o.Chip, log), layout.ByIndex);
            case PanelDriverKind.Sim:
                return FromEdgeDriver("sim", new SimGpioDriver(layout.Names), layout.ByIndex);
            case PanelDriverKind.Libgpiod:
            {
                int chip = o.Chip.Length == 0 ? 0 : int.Parse(o.Chip.StartsWith("gpiochip", StringComparison.Ordinal) ? o.Chip["gpiochip".Length..] : o.Chip, System.Globalization.CultureInfo.InvariantCulture);
                GpioDriver d;
                try { d = new LibGpiodDriver(chip); }
                catch (Exception ex) when (ex is PlatformNotSupportedException or DllNotFoundException or IOException)
                {
                    throw new PanelException($"panel.driver \"libgpiod\": {ex.Message} (it needs libgpiod.so.2, Debian package libgpiod2, and /dev/gpiochip{chip})", ex);
                }
                return new PanelHardware("libgpiod", new GpioController(d), NumberedPins(o), () => $"libgpiod gpiochip{chip} {Numbers(o)} (no kernel debounce, no edge stamps)");
            }
            case PanelDriverKind.Sysfs:
            {
                GpioDriver d;
                try { d = new SysFsDriver(); }
                catch (Exception ex) when (ex is PlatformNotSupportedException or IOException or UnauthorizedAccessException)
                {
                    throw new PanelException($"panel.driver \"sysfs\": {ex.Message} (it needs /sys/class/gpio, CONFIG_GPIO_SYSFS)", ex);
                }
                return new PanelHardware("sysfs", new GpioController(d), NumberedPins(o), () => $"sysfs {Numbers(o)} (no kernel debounce, no edge stamps)");
            }
            case PanelDriverKind.None:
                throw new PanelException("panel.driver \"none\" opens no panel");
            default:
                throw new ArgumentOutOfRangeException(nameof(o), o.Driver, "panel.driver");
        }
    }

    static PanelHardware FromEdgeDriver(string name, EdgeGpioDriver d, PanelPins pins)
    {
        var hw = new PanelHardware(name, new GpioController(d), pins, () => d.Description);
        d.Failed += ex => hw.Failed?.Invoke(ex);
        return hw;
    }

    static PanelPins NumberedPins(PanelOptions o)
    {
        static int N(string line) => string.IsNullOrEmpty(line) ? -1 : OptionsValidator.TryLineNumber(line, out int n) ? n
            : throw new PanelException($"GPIO line '{line}' is not a line number (\"17\" or \"GPIO17\")");
        return new PanelPins(N(o.EmergencyStopLine), N(o.ResetLine), N(o.GreenLedLine), N(o.RedLedLine), N(o.AmberLedLine),
            N(o.EmergencyStopLineB), N(o.TripLine), N(o.EdmLine), N(o.BuzzerLine));
    }

    static string Numbers(PanelOptions o) =>
        $"emergencyStop={o.EmergencyStopLine} reset={o.ResetLine} leds={o.GreenLedLine},{o.RedLedLine},{o.AmberLedLine}" +
        (o.EmergencyStopLineB.Length > 0 ? $" emergencyStopB={o.EmergencyStopLineB}" : "") +
        (o.TripLine.Length > 0 ? $" trip={o.TripLine}" : "") + (o.EdmLine.Length > 0 ? $" edm={o.EdmLine}" : "") +
        (o.BuzzerLine.Length > 0 ? $" buzzer={o.BuzzerLine}" : "");

    /// <summary>Closes every pin and the driver.</summary>
    public void Dispose() => Controller.Dispose();
}
