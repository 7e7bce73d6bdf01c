using System.Device.Gpio;
using System.Device.Pwm;

namespace EdgeTrader.Panel;

/// <summary>
/// The <see cref="PwmChannel"/> under <see cref="Iot.Device.Buzzer.Buzzer"/> for an <b>active</b> buzzer (its own
/// oscillator: a level on the line sounds it): Start drives the line high, Stop low; the tone's frequency is the
/// buzzer's own. Not dotnet/iot's SoftwarePwmChannel: its thread spins (Thread.Yield in a loop) even while stopped,
/// one CPU core for a silent buzzer (docs/panel.md). The line belongs to the panel's controller, which opens and closes it.
/// </summary>
internal sealed class ActiveBuzzerChannel(GpioController controller, int pin) : PwmChannel
{
    readonly GpioController _controller = controller;
    readonly int _pin = pin;

    /// <summary>The buzzer's own tone; kept only so Buzzer.StartPlaying can set it.</summary>
    public override int Frequency { get; set; } = 2_700;

    /// <inheritdoc/>
    public override double DutyCycle { get; set; } = 0.5;

    /// <summary>True while sounding.</summary>
    public bool Sounding { get; private set; }

    /// <inheritdoc/>
    public override void Start()
    {
        _controller.Write(_pin, PinValue.High);
        Sounding = true;
    }

    /// <inheritdoc/>
    public override void Stop()
    {
        _controller.Write(_pin, PinValue.Low);
        Sounding = false;
    }
}
