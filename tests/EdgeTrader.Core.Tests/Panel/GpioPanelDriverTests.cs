using EdgeTrader.Configuration;
using EdgeTrader.Interop.Gpio;
using EdgeTrader.Panel;
using EdgeTrader.Panel.Drivers;

namespace EdgeTrader.Tests.Panel;

// The driver against the real kernel interface runs in tests/vm (gpio-sim in a VM); here only what holds anywhere.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GpioPanelDriverTests
{
    static GpioPanelDriver Driver(PanelOptions? o = null) => new(o ?? new PanelOptions { Driver = PanelDriverKind.Gpio }, Serilog.Core.Logger.None);

    [Fact]
    public void Emergency_stop_reads_active_until_started_so_no_reset_can_pass()
    {
        using var d = Driver();
        Assert.True(d.IsActive(PanelInput.EmergencyStop));
        Assert.False(d.IsActive(PanelInput.Reset));
    }

    [Fact]
    public void A_line_configured_twice_is_rejected_naming_both_keys()
    {
        using var d = Driver(new PanelOptions { Driver = PanelDriverKind.Gpio, RedLedLine = "GPIO17" });
        var ex = Assert.Throws<PanelException>(d.Start);
        Assert.Contains("GPIO17", ex.Message);
        Assert.Contains("panel.emergencyStopLine", ex.Message);
        Assert.Contains("panel.redLedLine", ex.Message);
    }

    [SkippableFact]
    public void Start_without_gpio_chips_fails_with_an_operator_readable_message()
    {
        Skip.If(GpioChip.DevicePaths().Count > 0, "this machine has GPIO chips; the VM test (tests/vm) covers the driver on a real chip");
        using var d = Driver();
        var ex = Assert.Throws<PanelException>(d.Start);
        Assert.Contains("/dev/gpiochip", ex.Message);
        Assert.True(d.IsActive(PanelInput.EmergencyStop));
    }

    [Fact]
    public void A_chip_filter_that_matches_nothing_says_what_exists()
    {
        using var d = Driver(new PanelOptions { Driver = PanelDriverKind.Gpio, Chip = "/dev/gpiochip-none" });
        var ex = Assert.Throws<PanelException>(d.Start);
        Assert.Contains("gpiochip", ex.Message);
    }

    [Fact]
    public void Dispose_is_idempotent_and_lamps_after_dispose_are_ignored()
    {
        var d = Driver();
        d.Dispose();
        d.SetLed(PanelLed.Red, true);
        d.Dispose();
    }
}
