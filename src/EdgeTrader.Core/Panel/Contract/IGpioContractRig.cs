using System.Device.Gpio;

namespace EdgeTrader.Panel.Contract;

/// <summary>
/// What the driver contract needs from a test bench: a fresh driver with an input pin and an output pin, and the
/// world outside the chip, which drives the input (a contact, a simulator's pull) and reads the output line (a meter,
/// a simulator's value).
/// </summary>
public interface IGpioContractRig : IDisposable
{
    /// <summary>The rig's name in results ("sim", "uapi").</summary>
    string Name { get; }

    /// <summary>A new driver over the rig's lines (each check makes its own, and disposes it).</summary>
    GpioDriver CreateDriver();

    /// <summary>The pin, in the driver's numbering, of a line the outside world drives.</summary>
    int InputPin { get; }

    /// <summary>The pin of a line the outside world reads.</summary>
    int OutputPin { get; }

    /// <summary>The outside level of the input line.</summary>
    void DriveInput(bool high);

    /// <summary>The output line's level as seen from outside the chip.</summary>
    bool ReadOutputLine();
}
