using EdgeTrader.Configuration;

namespace EdgeTrader.Tests.Panel;

// The panel's keys are checked at start-up; each message names the key.
public sealed class PanelOptionsValidationTests
{
    static IReadOnlyList<ConfigError> Errors(PanelOptions p) => OptionsValidator.Validate(new EdgeTraderOptions { Panel = p });

    [Theory]
    [InlineData("panel.resetHoldMs")]
    [InlineData("panel.resetMaxHoldMs")]
    [InlineData("panel.discrepancyMs")]
    [InlineData("panel.edmSettleMs")]
    [InlineData("panel.edmLine")]
    [InlineData("panel.tripLine")]
    [InlineData("panel.driver")]
    public void A_wrong_panel_value_is_named_by_its_key(string key)
    {
        var p = new PanelOptions { Driver = PanelDriverKind.Gpio };
        p = key switch
        {
            "panel.resetHoldMs" => p with { ResetHoldMs = 50 },
            "panel.resetMaxHoldMs" => p with { ResetHoldMs = 2000, ResetMaxHoldMs = 1000 },
            "panel.discrepancyMs" => p with { EmergencyStopLineB = "GPIO5", DiscrepancyMs = 0 },
            "panel.edmSettleMs" => p with { EdmSettleMs = 5 },
            "panel.edmLine" => p with { EdmLine = "GPIO26" },
            "panel.tripLine" => p with { TripLine = "GPIO22" },
            _ => p with { Driver = (PanelDriverKind)42 },
        };
        var e = Assert.Single(Errors(p), e => e.Key == key);
        Assert.False(string.IsNullOrWhiteSpace(e.Reason));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(9, false)]
    [InlineData(10, true)]
    [InlineData(20, true)]
    public void A_debounce_under_10_ms_is_refused_because_the_reset_acts_on_the_buttons_release(int debounceMs, bool valid)
    {
        var errors = Errors(new PanelOptions { Driver = PanelDriverKind.Gpio, DebounceMs = debounceMs });
        if (valid) { Assert.Empty(errors); return; }
        var e = Assert.Single(errors);
        Assert.Equal("panel.debounceMs", e.Key);
        Assert.Contains("panel.resetLine", e.Reason);
        Assert.Contains("release", e.Reason);
    }

    [Theory]
    [InlineData("libgpiod")]
    [InlineData("sysfs")]
    public void The_dotnet_iot_drivers_are_refused_saying_why_and_naming_gpio(string driver)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("{\"panel\":{\"driver\":\"" + driver + "\"}}"));
        var e = Assert.Single(ex.Errors);
        Assert.Equal("panel.driver", e.Key);
        Assert.Contains(driver, e.Reason);
        Assert.Contains("debounce", e.Reason);
        Assert.Contains("fail closed", e.Reason);
        Assert.Contains("\"gpio\"", e.Reason);
    }

    [Fact]
    public void Every_driver_panel_driver_can_name_is_one_the_contract_runs_against() =>
        Assert.Equal(["none", "gpio", "sim"], OptionNames.All<PanelDriverKind>());

    [Fact]
    public void A_fully_fitted_panel_is_valid() =>
        Assert.Empty(Errors(new PanelOptions { Driver = PanelDriverKind.Gpio, EmergencyStopLineB = "GPIO5", TripLine = "GPIO16", EdmLine = "GPIO26", BuzzerLine = "GPIO12" }));

    [Fact]
    public void A_driver_that_reports_no_failure_is_refused_by_the_panel()
    {
        using var plain = new PlainDriver();
        var ex = Assert.Throws<EdgeTrader.Panel.PanelException>(() => EdgeTrader.Panel.PanelHardware.Open(new PanelOptions { Driver = PanelDriverKind.Gpio }, Serilog.Core.Logger.None, plain));
        Assert.Contains("fail closed", ex.Message);
    }

    /// <summary>A GpioDriver as dotnet/iot's are: no failure event, no stamped edges (never opened here).</summary>
    sealed class PlainDriver : System.Device.Gpio.GpioDriver
    {
        protected override int PinCount => 28;
        protected override void OpenPin(int pinNumber) => throw new NotSupportedException();
        protected override void ClosePin(int pinNumber) => throw new NotSupportedException();
        protected override void SetPinMode(int pinNumber, System.Device.Gpio.PinMode mode) => throw new NotSupportedException();
        protected override System.Device.Gpio.PinMode GetPinMode(int pinNumber) => throw new NotSupportedException();
        protected override bool IsPinModeSupported(int pinNumber, System.Device.Gpio.PinMode mode) => false;
        protected override System.Device.Gpio.PinValue Read(int pinNumber) => throw new NotSupportedException();
        protected override void Write(int pinNumber, System.Device.Gpio.PinValue value) => throw new NotSupportedException();
        protected override System.Device.Gpio.WaitForEventResult WaitForEvent(int pinNumber, System.Device.Gpio.PinEventTypes eventTypes, CancellationToken cancellationToken) => throw new NotSupportedException();
        protected override void AddCallbackForPinValueChangedEvent(int pinNumber, System.Device.Gpio.PinEventTypes eventTypes, System.Device.Gpio.PinChangeEventHandler callback) => throw new NotSupportedException();
        protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, System.Device.Gpio.PinChangeEventHandler callback) => throw new NotSupportedException();
    }
}
