using System.Device.Gpio;
using EdgeTrader.Interop.Gpio;
using EdgeTrader.Panel.Gpio;
using Serilog;

namespace EdgeTrader.Panel.Contract;

/// <summary>
/// The contract's bench for the uAPI driver on a Linux gpio-sim chip: the input is driven by writing
/// <c>pull-up</c>/<c>pull-down</c> to the simulator's <c>sim_gpioN/pull</c>, the output is read from its
/// <c>sim_gpioN/value</c>; the lines are found by name, as the panel finds its own.
/// </summary>
public sealed class GpioSimSysfsRig : IGpioContractRig
{
    readonly GpioLineSpec[] _lines;
    readonly string _inputPull, _outputValue;

    /// <summary>Finds the two lines and their simulator attributes; throws <see cref="PanelException"/> when they are not on a gpio-sim chip.</summary>
    public GpioSimSysfsRig(string inputLine, string outputLine)
    {
        _lines = [new GpioLineSpec(inputLine, "--input"), new GpioLineSpec(outputLine, "--output")];
        var scan = GpioLineFinder.Scan("");
        _inputPull = Path.Combine(SimDir(scan, inputLine), "pull");
        _outputValue = Path.Combine(SimDir(scan, outputLine), "value");
    }

    static string SimDir(GpioScan scan, string line)
    {
        var at = scan.Find(line, out _) ?? throw new PanelException($"line {line} is not on any GPIO chip");
        foreach (var dev in Directory.Exists("/sys/devices/platform") ? Directory.GetDirectories("/sys/devices/platform", "gpio-sim.*") : [])
        {
            string dir = Path.Combine(dev, at.Chip.Name, $"sim_gpio{at.Offset}");
            if (Directory.Exists(dir)) return dir;
        }
        throw new PanelException($"line {line} ({at.Chip.Path}:{at.Offset}) is not on a gpio-sim chip (no sim_gpio{at.Offset} under /sys/devices/platform/gpio-sim.*/{at.Chip.Name})");
    }

    /// <inheritdoc/>
    public string Name => "uapi";

    /// <inheritdoc/>
    public int InputPin => 0;

    /// <inheritdoc/>
    public int OutputPin => 1;

    /// <inheritdoc/>
    public GpioDriver CreateDriver() => UapiGpioDriver.Open(_lines, "", Serilog.Core.Logger.None);

    /// <inheritdoc/>
    public void DriveInput(bool high) => File.WriteAllText(_inputPull, high ? "pull-up" : "pull-down");

    /// <inheritdoc/>
    public bool ReadOutputLine() => File.ReadAllText(_outputValue).Trim() == "1";

    /// <inheritdoc/>
    public void Dispose() => DriveInput(false);
}
