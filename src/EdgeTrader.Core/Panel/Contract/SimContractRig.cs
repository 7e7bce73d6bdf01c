using System.Device.Gpio;
using EdgeTrader.Panel.Gpio;

namespace EdgeTrader.Panel.Contract;

/// <summary>The contract's bench for the sim driver: line 0 an input the bench drives, line 1 an output it reads.</summary>
public sealed class SimContractRig : IGpioContractRig
{
    readonly object _lock = new();
    SimGpioDriver? _current;
    bool _input;

    /// <inheritdoc/>
    public string Name => "sim";

    /// <inheritdoc/>
    public int InputPin => 0;

    /// <inheritdoc/>
    public int OutputPin => 1;

    /// <inheritdoc/>
    public GpioDriver CreateDriver()
    {
        var d = new SimGpioDriver(["CT_IN", "CT_OUT"]);
        lock (_lock)
        {
            d.SetInput(InputPin, _input); // the world outside outlives any one driver
            _current = d;
        }
        return d;
    }

    /// <inheritdoc/>
    public void DriveInput(bool high)
    {
        SimGpioDriver? d;
        lock (_lock)
        {
            _input = high;
            d = _current;
        }
        d?.SetInput(InputPin, high);
    }

    /// <inheritdoc/>
    public bool ReadOutputLine()
    {
        lock (_lock) return _current?.LineLevel(OutputPin) ?? false;
    }

    /// <inheritdoc/>
    public void Dispose() { }
}
