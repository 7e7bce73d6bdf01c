using System.Device.Gpio;
using EdgeTrader.Interop.Gpio;
using EdgeTrader.Panel;
using EdgeTrader.Panel.Gpio;

namespace EdgeTrader.Tests.Panel;

// The uAPI driver against a real chip runs in tests/vm (gpio-sim in a VM: the contract and the daemon checks);
// here only what holds on any machine.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UapiGpioDriverTests
{
    static readonly GpioLineSpec[] Lines = [new("GPIO17", "panel.emergencyStopLine"), new("GPIO22", "panel.greenLedLine")];

    [SkippableFact]
    public void Opening_without_gpio_chips_fails_with_an_operator_readable_message()
    {
        Skip.If(GpioChip.DevicePaths().Count > 0, "this machine has GPIO chips; the VM test (tests/vm) covers the driver on a real chip");
        using var gpio = new GpioController(UapiGpioDriver.Open(Lines, "", Serilog.Core.Logger.None));
        var ex = Assert.Throws<PanelException>(() => gpio.OpenPin(0, PinMode.Input)); // lines are found where the panel starts
        Assert.Contains("/dev/gpiochip", ex.Message);
    }

    [Fact]
    public void A_chip_filter_that_matches_nothing_says_what_exists()
    {
        using var gpio = new GpioController(UapiGpioDriver.Open(Lines, "/dev/gpiochip-none", Serilog.Core.Logger.None));
        var ex = Assert.Throws<PanelException>(() => gpio.OpenPin(1, PinMode.Output));
        Assert.Contains("gpiochip", ex.Message);
    }
}
